import os from 'node:os';
import type { ProcessLiveness, RunOwner } from './types';

export function currentProcessOwner(): RunOwner {
  return { pid: process.pid, host: os.hostname() };
}

/**
 * Liveness as this process can see it: signal 0 checks that `pid` exists without touching it. EPERM means
 * it exists but belongs to someone else, so it is alive. A process on another host (a store file copied
 * from another machine) cannot be checked from here and is assumed alive: wrongly interrupting a healthy
 * run is worse than leaving a dead one marked running, which `finishRun(id, 'interrupted')` can settle.
 *
 * Known limits: a dead owner's pid reused by an unrelated process reads as alive until that one exits,
 * and a host whose name changes (a fresh container) sees its own old runs as another host's.
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
