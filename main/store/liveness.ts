import { randomUUID } from 'node:crypto';
import os from 'node:os';
import type { ProcessLiveness, RunOwner } from './types';

/** One per process start: a pid can be reused and a host renamed, this cannot. */
const PROCESS_TOKEN = randomUUID();

/** How often an owner proves it is alive: at least five times within the stale bound. */
export function heartbeatIntervalMs(): number {
  return Math.min(3_000, Math.max(50, Math.floor(staleAfterMs() / 5)));
}

/**
 * A run whose owner has been silent this long is interrupted, whatever its host and pid. Ten missed
 * heartbeats: long enough for a busy machine or a clock a few seconds off between hosts sharing the file.
 * `WORKBENCH_STALE_AFTER_MS` changes it (tests use a short one).
 */
export function staleAfterMs(): number {
  const fromEnv = Number(process.env.WORKBENCH_STALE_AFTER_MS);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 30_000;
}

export function currentProcessOwner(): RunOwner {
  return { pid: process.pid, host: os.hostname(), token: PROCESS_TOKEN };
}

/**
 * Liveness as this process can see it: signal 0 checks that `pid` exists without touching it. EPERM means
 * it exists but belongs to someone else, so it is alive. A process on another host (a store file copied
 * from another machine) cannot be checked from here and is assumed alive: wrongly interrupting a healthy
 * run is worse than leaving a dead one marked running, which `finishRun(id, 'interrupted')` can settle.
 *
 * This is only the quick answer after a kill -9 on this host. A reused pid, a zombie, or a renamed host can
 * fool it; the heartbeat (staleAfterMs) settles those within a bounded time.
 */
export const isProcessAliveOnThisHost: ProcessLiveness = (pid, host) => {
  if (host !== os.hostname()) return true;
  // 0 and negatives address process groups, not one process.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};
