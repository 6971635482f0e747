import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import {
  isPeriodic,
  keepsAny,
  keepsBest,
  type CheckpointKind,
  type CheckpointPolicy,
} from '../../common/checkpoints/policy';
import type { EncodedState } from '../../common/checkpoints/training-state';
import type { CheckpointInfo, EpochChoice } from '../../common/checkpoints/types';
import { UserInputError } from '../../common/errors';
import type { MetricName } from '../../common/types';
import type { EpochRepository } from './epochs';

/**
 * A run's kept checkpoints (migration 004): written with their epoch in one transaction, hashed, checked on
 * every read, pruned on request. The policy decides what an epoch's state is kept as; this module keeps the
 * rows consistent with it: one last (with the optimizer state), at most one best, the periodic ones.
 */

/** What a worker hands over with an epoch: the run's policy, the best-checkpoint monitor, the state after it. */
export interface EpochCheckpoint {
  policy: CheckpointPolicy;
  monitor: MetricName;
  state: EncodedState;
}

/** A checkpoint read back, hashes verified. */
export interface StoredCheckpoint {
  info: CheckpointInfo;
  weights: Uint8Array;
  /** Null when only the weights were kept, or when the caller did not ask for it. */
  optimizer: Uint8Array | null;
}

export type PruneKeep = 'best' | 'last' | 'none';

export interface PruneResult {
  runs: number;
  checkpointsDeleted: number;
  /** Bytes of checkpoint data removed from the store (weights and optimizer parts). */
  bytesDeleted: number;
}

export class CheckpointIntegrityError extends UserInputError {
  constructor(runId: string, epoch: number, part: string, expected: string, actual: string) {
    super(
      `the checkpoint of run ${runId} at epoch ${epoch} is damaged: its ${part} have SHA-256 ${actual.slice(0, 12)}…, ` +
        `recorded as ${expected.slice(0, 12)}… when it was written; nothing was loaded from it`,
    );
    this.name = 'CheckpointIntegrityError';
  }
}

interface CheckpointRow {
  epoch: number;
  is_best: number;
  is_last: number;
  is_periodic: number;
  weights_bytes: number;
  weights_sha256: string;
  optimizer_bytes: number | null;
  optimizer_sha256: string | null;
  created_at: string;
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

function toInfo(row: CheckpointRow): CheckpointInfo {
  const kinds: CheckpointKind[] = [];
  if (row.is_best) kinds.push('best');
  if (row.is_last) kinds.push('last');
  if (row.is_periodic) kinds.push('periodic');
  return {
    epoch: row.epoch,
    kinds,
    trainingState: row.optimizer_bytes !== null,
    bytes: row.weights_bytes + (row.optimizer_bytes ?? 0),
    sha256: row.weights_sha256,
    createdAt: row.created_at,
  };
}

/** "12 (best), 20 (last)": the kept epochs as an error message lists them. */
export function describeKept(checkpoints: readonly CheckpointInfo[]): string {
  if (checkpoints.length === 0) return 'none';
  return checkpoints.map((c) => `${c.epoch} (${c.kinds.join(', ')})`).join(', ');
}

const COLUMNS = `epoch, is_best, is_last, is_periodic, weights_bytes, weights_sha256, optimizer_bytes,
                 optimizer_sha256, created_at`;

export class CheckpointRepository {
  private readonly selectList: Database.Statement<[string], CheckpointRow>;
  private readonly selectOne: Database.Statement<[string, number], CheckpointRow>;
  private readonly selectBlob: Database.Statement<[string, number, string], { data: Buffer }>;
  private readonly insertRow: Database.Statement<Record<string, string | number | null>>;
  private readonly insertBlob: Database.Statement<[string, number, string, Uint8Array]>;
  private readonly clearLast: Database.Statement<[string, number]>;
  private readonly clearBest: Database.Statement<[string, number]>;
  private readonly dropOptimizerBlobs: Database.Statement<[string, string]>;
  private readonly dropOptimizerColumns: Database.Statement<[string]>;
  private readonly deleteUnkept: Database.Statement<[string]>;
  private readonly selectRunBytes: Database.Statement<[string], { bytes: number | null }>;
  private readonly selectStoreBytes: Database.Statement<[], { bytes: number | null; n: number }>;
  private readonly selectBytesByRun: Database.Statement<[], { run_id: string; bytes: number }>;
  private readonly pruneTransaction: (runIds: readonly string[], keep: PruneKeep) => PruneResult;

  constructor(
    private readonly db: Database.Database,
    private readonly epochs: EpochRepository,
    private readonly now: () => Date,
  ) {
    this.selectList = db.prepare(`SELECT ${COLUMNS} FROM checkpoints WHERE run_id = ? ORDER BY epoch`);
    this.selectOne = db.prepare(`SELECT ${COLUMNS} FROM checkpoints WHERE run_id = ? AND epoch = ?`);
    this.selectBlob = db.prepare(
      `SELECT data FROM checkpoint_blobs WHERE run_id = ? AND epoch = ? AND part = ?`,
    );
    this.insertRow = db.prepare(`
      INSERT INTO checkpoints (run_id, epoch, is_best, is_last, is_periodic, weights_bytes, weights_sha256,
                               optimizer_bytes, optimizer_sha256, created_at)
      VALUES (@runId, @epoch, @best, 1, @periodic, @weightsBytes, @weightsSha, @optimizerBytes, @optimizerSha,
              @createdAt)`);
    this.insertBlob = db.prepare(
      `INSERT INTO checkpoint_blobs (run_id, epoch, part, data) VALUES (?, ?, ?, ?)`,
    );
    this.clearLast = db.prepare(
      `UPDATE checkpoints SET is_last = 0 WHERE run_id = ? AND epoch <> ? AND is_last = 1`,
    );
    this.clearBest = db.prepare(
      `UPDATE checkpoints SET is_best = 0 WHERE run_id = ? AND epoch <> ? AND is_best = 1`,
    );
    // The optimizer state is kept for the last epoch (resume) and the periodic ones (exact forks) only.
    this.dropOptimizerBlobs = db.prepare(`
      DELETE FROM checkpoint_blobs WHERE run_id = ? AND part = 'optimizer' AND epoch IN (
        SELECT epoch FROM checkpoints WHERE run_id = ? AND is_last = 0 AND is_periodic = 0
          AND optimizer_bytes IS NOT NULL)`);
    this.dropOptimizerColumns = db.prepare(`
      UPDATE checkpoints SET optimizer_bytes = NULL, optimizer_sha256 = NULL
      WHERE run_id = ? AND is_last = 0 AND is_periodic = 0 AND optimizer_bytes IS NOT NULL`);
    this.deleteUnkept = db.prepare(
      `DELETE FROM checkpoints WHERE run_id = ? AND is_best = 0 AND is_last = 0 AND is_periodic = 0`,
    );
    this.selectRunBytes = db.prepare(
      `SELECT SUM(weights_bytes + COALESCE(optimizer_bytes, 0)) AS bytes FROM checkpoints WHERE run_id = ?`,
    );
    this.selectStoreBytes = db.prepare(
      `SELECT SUM(weights_bytes + COALESCE(optimizer_bytes, 0)) AS bytes, COUNT(*) AS n FROM checkpoints`,
    );
    this.selectBytesByRun = db.prepare(`
      SELECT run_id, SUM(weights_bytes + COALESCE(optimizer_bytes, 0)) AS bytes
      FROM checkpoints GROUP BY run_id`);

    const prune = db.transaction((runIds: readonly string[], keep: PruneKeep): PruneResult => {
      const result: PruneResult = { runs: 0, checkpointsDeleted: 0, bytesDeleted: 0 };
      const setFlags = db.prepare(
        keep === 'best'
          ? `UPDATE checkpoints SET is_last = 0, is_periodic = 0 WHERE run_id = ?`
          : keep === 'last'
            ? `UPDATE checkpoints SET is_best = 0, is_periodic = 0 WHERE run_id = ?`
            : `UPDATE checkpoints SET is_best = 0, is_last = 0, is_periodic = 0 WHERE run_id = ?`,
      );
      for (const runId of runIds) {
        const before = this.selectList.all(runId);
        if (before.length === 0) continue;
        const bytesBefore = this.runBytes(runId);
        setFlags.run(runId);
        this.dropStale(runId);
        result.runs += 1;
        result.checkpointsDeleted += before.length - this.selectList.all(runId).length;
        result.bytesDeleted += bytesBefore - this.runBytes(runId);
      }
      return result;
    });
    this.pruneTransaction = (...args) => prune.immediate(...args);
  }

  /**
   * Keeps the state of a just-logged epoch as the policy says. Call it inside the transaction that logged the
   * epoch (RunStore.appendEpoch): the epoch and its checkpoint commit together or not at all.
   */
  keepEpoch(runId: string, epoch: number, checkpoint: EpochCheckpoint): void {
    const { policy, monitor, state } = checkpoint;
    if (!keepsAny(policy)) return;
    // The summaries were updated with this epoch a moment ago, by the rule every view uses (ties: earliest).
    const summary = this.epochs.getSummaries(runId).find((s) => s.metric === monitor);
    const best = keepsBest(policy) && summary?.bestEpoch === epoch;
    const periodic = isPeriodic(policy, epoch);
    const weightsSha = sha256(state.weights);
    const optimizerSha = state.optimizer ? sha256(state.optimizer) : null;
    this.insertRow.run({
      runId,
      epoch,
      best: best ? 1 : 0,
      periodic: periodic ? 1 : 0,
      weightsBytes: state.weights.byteLength,
      weightsSha,
      optimizerBytes: state.optimizer?.byteLength ?? null,
      optimizerSha,
      createdAt: this.now().toISOString(),
    });
    this.insertBlob.run(runId, epoch, 'weights', state.weights);
    if (state.optimizer) this.insertBlob.run(runId, epoch, 'optimizer', state.optimizer);
    this.clearLast.run(runId, epoch);
    if (best) this.clearBest.run(runId, epoch);
    this.dropStale(runId);
  }

  /** Drops what no kind keeps any more: optimizer parts of epochs neither last nor periodic, unkept rows. */
  private dropStale(runId: string): void {
    // better-sqlite3 counts a numbered parameter (?1) once per use: the id is bound twice instead.
    this.dropOptimizerBlobs.run(runId, runId);
    this.dropOptimizerColumns.run(runId);
    this.deleteUnkept.run(runId);
  }

  list(runId: string): CheckpointInfo[] {
    return this.selectList.all(runId).map(toInfo);
  }

  /** Bytes the run's checkpoints take (0 without any). */
  runBytes(runId: string): number {
    return this.selectRunBytes.get(runId)?.bytes ?? 0;
  }

  /** Checkpoint bytes of every run that has some, by run id. */
  bytesByRun(): Map<string, number> {
    return new Map(this.selectBytesByRun.all().map((r) => [r.run_id, r.bytes]));
  }

  /** Checkpoints and their bytes over the whole store. */
  storeTotals(): { checkpoints: number; bytes: number } {
    const row = this.selectStoreBytes.get();
    return { checkpoints: row?.n ?? 0, bytes: row?.bytes ?? 0 };
  }

  /**
   * The epoch `choice` names among the run's kept checkpoints; a UserInputError naming the kept epochs when
   * there is none there.
   */
  resolveEpoch(runId: string, choice: EpochChoice): number {
    const kept = this.list(runId);
    const found =
      typeof choice === 'number'
        ? kept.find((c) => c.epoch === choice)
        : kept.find((c) => c.kinds.includes(choice));
    if (found) return found.epoch;
    const what = typeof choice === 'number' ? `checkpoint at epoch ${choice}` : `"${choice}" checkpoint`;
    throw new UserInputError(
      kept.length === 0
        ? `run ${runId} has no ${what}: it keeps no checkpoints (its policy, or they were pruned)`
        : `run ${runId} has no ${what}; kept epochs: ${describeKept(kept)}`,
    );
  }

  /** The checkpoint at `epoch`, its hashes verified; the optimizer part only when asked for and kept. */
  read(runId: string, epoch: number, options: { optimizer: boolean }): StoredCheckpoint {
    const row = this.selectOne.get(runId, epoch);
    if (!row)
      throw new UserInputError(
        `run ${runId} has no checkpoint at epoch ${epoch}; kept epochs: ${describeKept(this.list(runId))}`,
      );
    const weights = this.verifiedBlob(runId, epoch, 'weights', row.weights_sha256);
    const optimizer =
      options.optimizer && row.optimizer_sha256
        ? this.verifiedBlob(runId, epoch, 'optimizer', row.optimizer_sha256)
        : null;
    return { info: toInfo(row), weights, optimizer };
  }

  private verifiedBlob(runId: string, epoch: number, part: string, expected: string): Uint8Array {
    const blob = this.selectBlob.get(runId, epoch, part);
    if (!blob) throw new CheckpointIntegrityError(runId, epoch, part, expected, sha256(new Uint8Array()));
    const actual = sha256(blob.data);
    if (actual !== expected) throw new CheckpointIntegrityError(runId, epoch, part, expected, actual);
    return blob.data;
  }

  /** Keeps only the best (weights), the last (with its optimizer state) or nothing of each run. */
  prune(runIds: readonly string[], keep: PruneKeep): PruneResult {
    return this.pruneTransaction(runIds, keep);
  }

  /**
   * Gives the free pages back to the file system where the file uses incremental auto-vacuum: while a run
   * trains, each epoch writes its new last checkpoint before deleting the old one, so the file holds one
   * checkpoint more than it keeps; at the run's end the file comes down to what the run keeps. It moves the
   * pages after the free ones into their place (about one last checkpoint's worth, through the WAL) once per
   * run, never a full VACUUM: an older file is converted by `checkpoints prune`. A passive WAL checkpoint then
   * lets the file shrink now rather than at the next automatic one, without waiting on readers.
   */
  releaseFreePages(): void {
    if (this.db.memory) return;
    if ((this.db.pragma('auto_vacuum', { simple: true }) as number) !== 2) return;
    if ((this.db.pragma('freelist_count', { simple: true }) as number) === 0) return;
    this.db.pragma('incremental_vacuum');
    this.db.pragma('wal_checkpoint(PASSIVE)');
  }

  /**
   * Gives freed pages back to the file system. A file made before incremental auto-vacuum existed here is
   * converted once by a full VACUUM (it rewrites the file; later calls are incremental). Returns the file's
   * pages freed.
   */
  reclaimSpace(): { pagesFreed: number; converted: boolean } {
    const pages = () => this.db.pragma('page_count', { simple: true }) as number;
    const before = pages();
    const mode = this.db.pragma('auto_vacuum', { simple: true }) as number;
    let converted = false;
    if (mode !== 2) {
      this.db.pragma('auto_vacuum = INCREMENTAL');
      this.db.exec('VACUUM');
      converted = true;
    } else {
      this.db.pragma('incremental_vacuum');
    }
    // The WAL holds the moved pages until a checkpoint writes them back and lets the file shrink.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    return { pagesFreed: before - pages(), converted };
  }
}
