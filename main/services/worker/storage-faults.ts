import fs from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { EarlyStopRecord } from '../../../common/run-types';
import type { FinalRunStatus } from '../../store/types';
import type { TrainingTaskResult } from './messages';

/**
 * What a training worker does when the store cannot be written (the disk is full, the file system fails):
 * the run ends `failed` with the SQLite error named ("SQLITE_FULL: database or disk is full while logging
 * epoch 7"), every epoch committed before stays (each epoch is its own transaction, and SQLite rolls back the
 * one that failed), and the failure itself is recorded, which on a full disk needs room of its own.
 *
 * That room is a reserve: a small file beside the store (`<db>-reserve`), written when a worker takes a run
 * while space is plentiful and deleted when recording an outcome hits a storage error, so that the few pages
 * the final status needs fit. Any process sharing the store may spend it; the next run recreates it once
 * space allows.
 */

/** A few WAL frames and a wal-index chunk for the final status, with room to spare. */
export const RESERVE_BYTES = 512 * 1024;

/** Waits between further attempts to record an outcome once the reserve is spent (space may free up). */
const RETRY_DELAYS_MS = [200, 1000, 2000];

export function reservePath(dbPath: string): string {
  return `${dbPath}-reserve`;
}

function isInMemory(dbPath: string): boolean {
  return dbPath === ':memory:' || dbPath === '' || dbPath.startsWith('file::memory:');
}

/** Writes the reserve if it is missing; where there is no room for it, goes on without (best effort). */
export function ensureReserve(dbPath: string): void {
  if (isInMemory(dbPath)) return;
  const file = reservePath(dbPath);
  try {
    if (fs.statSync(file).size >= RESERVE_BYTES) return;
  } catch {
    // missing: write it below
  }
  try {
    // Real zeros, not a sparse file: the blocks must be allocated to be worth freeing.
    fs.writeFileSync(file, Buffer.alloc(RESERVE_BYTES));
  } catch {
    fs.rmSync(file, { force: true });
  }
}

/** Frees the reserve; false when there was none (already spent, or never written). */
export function releaseReserve(dbPath: string): boolean {
  try {
    fs.unlinkSync(reservePath(dbPath));
    return true;
  } catch {
    return false;
  }
}

/** better-sqlite3's SqliteError carries SQLite's extended result code, e.g. SQLITE_FULL, SQLITE_IOERR_WRITE. */
export function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** A store write that failed: its message names the SQLite error and what was being written. */
export class StorageFaultError extends Error {
  constructor(
    readonly code: string,
    sqliteMessage: string,
    readonly during: string,
  ) {
    super(`${code}: ${sqliteMessage} while ${during}`);
    this.name = 'StorageFaultError';
  }
}

/** `error` as a StorageFaultError when SQLite raised it during `during`; any other error unchanged. */
export function asStorageFault(error: unknown, during: string): unknown {
  const code = sqliteCode(error);
  if (code === undefined || error instanceof StorageFaultError) return error;
  return new StorageFaultError(code, (error as Error).message, during);
}

export interface Outcome {
  runId: string;
  status: TrainingTaskResult['status'];
  error?: string;
  earlyStop?: EarlyStopRecord;
}

/** The one store call recordOutcome needs (RunStore's finishRun). */
export interface OutcomeStore {
  finishRun(runId: string, status: FinalRunStatus, error?: string, earlyStop?: EarlyStopRecord): boolean;
}

export type Recording = { recorded: true } | { recorded: false; why: string };

/**
 * Records a run's final status. On a storage error it frees the reserve and tries again, then a few times
 * more while space may be freed; if none succeeds the run stays unfinished in the store (the caller reports
 * the outcome anyway, and liveness settles the row once this process stops vouching for it). Errors that
 * are not about storage (an unknown run) are thrown as before.
 */
export async function recordOutcome(
  store: OutcomeStore,
  dbPath: string,
  outcome: Outcome,
): Promise<Recording> {
  const attempt = (): void => {
    store.finishRun(outcome.runId, outcome.status, outcome.error, outcome.earlyStop);
  };
  let last: unknown;
  for (let i = 0; ; i++) {
    try {
      attempt();
      return { recorded: true };
    } catch (error) {
      if (sqliteCode(error) === undefined) throw error;
      last = error;
    }
    // First the reserve, and again at once; after that, waiting is all that can help.
    if (i === 0) releaseReserve(dbPath);
    if (i > RETRY_DELAYS_MS.length) break;
    await delay(i === 0 ? 0 : RETRY_DELAYS_MS[i - 1]);
  }
  const fault = asStorageFault(last, `recording the run as ${outcome.status}`) as Error;
  return { recorded: false, why: fault.message };
}
