import type Database from 'better-sqlite3';
import { updateSummaries } from '../../common/metrics/summary';
import { EPOCH_FIELDS, type EpochColumns } from '../../common/api/epoch-columns';
import type { EpochMetrics, MetricName, MetricSummary, RunStatus } from '../../common/types';
import { RunNotFoundError, RunStateError } from './errors';

/** Logged epochs and the per-metric summaries that are kept in step with them. */

export interface EpochRow {
  epoch: number;
  train_loss: number | null;
  train_acc: number | null;
  val_loss: number | null;
  val_acc: number | null;
  test_loss: number | null;
  test_acc: number | null;
  lr: number;
  seconds: number;
}

interface SummaryRow {
  metric: MetricName;
  best_value: number;
  best_epoch: number;
  min: number;
  max: number;
  last_value: number;
  last_epoch: number;
}

export class EpochRepository {
  private readonly selectRunState: Database.Statement<
    [string],
    { status: RunStatus; started_at: string | null }
  >;
  private readonly insertEpoch: Database.Statement<Record<string, string | number | null>>;
  private readonly selectEpochs: Database.Statement<[string], EpochRow>;
  private readonly selectEpochValues: Database.Statement<[string], (number | null)[]>;
  private readonly selectSummaries: Database.Statement<[string], SummaryRow>;
  private readonly selectEpochCount: Database.Statement<[string], { n: number }>;
  private readonly selectMeanSeconds: Database.Statement<[], { run_id: string; mean: number }>;
  private readonly upsertSummary: Database.Statement<Record<string, string | number>>;
  private readonly appendTransaction: (runId: string, metrics: EpochMetrics, at: Date) => void;

  constructor(
    db: Database.Database,
    private readonly now: () => Date,
  ) {
    this.selectRunState = db.prepare(`SELECT status, started_at FROM runs WHERE id = ?`);
    this.insertEpoch = db.prepare(`
      INSERT INTO epoch_metrics (run_id, epoch, train_loss, train_acc, val_loss, val_acc, test_loss, test_acc,
                                 lr, seconds, elapsed_seconds, logged_at)
      VALUES (@runId, @epoch, @trainLoss, @trainAcc, @valLoss, @valAcc, @testLoss, @testAcc,
              @lr, @seconds, @elapsedSeconds, @loggedAt)
      ON CONFLICT (run_id, epoch) DO NOTHING`);
    this.selectEpochs = db.prepare(`
      SELECT epoch, train_loss, train_acc, val_loss, val_acc, test_loss, test_acc, lr, seconds
      FROM epoch_metrics WHERE run_id = ? ORDER BY epoch`);
    // The same columns in EPOCH_FIELDS' order, as arrays: no object per row for views of many runs.
    this.selectEpochValues = db
      .prepare<[string], (number | null)[]>(
        `SELECT epoch, train_loss, train_acc, val_loss, val_acc, test_loss, test_acc, lr, seconds
         FROM epoch_metrics WHERE run_id = ? ORDER BY epoch`,
      )
      .raw(true);
    this.selectSummaries = db.prepare(`
      SELECT metric, best_value, best_epoch, min, max, last_value, last_epoch
      FROM metric_summaries WHERE run_id = ?`);
    this.selectEpochCount = db.prepare(`SELECT COUNT(*) AS n FROM epoch_metrics WHERE run_id = ?`);
    this.selectMeanSeconds = db.prepare(
      `SELECT run_id, AVG(seconds) AS mean FROM epoch_metrics GROUP BY run_id`,
    );
    this.upsertSummary = db.prepare(`
      INSERT INTO metric_summaries (run_id, metric, best_value, best_epoch, min, max, last_value, last_epoch)
      VALUES (@runId, @metric, @bestValue, @bestEpoch, @min, @max, @lastValue, @lastEpoch)
      ON CONFLICT (run_id, metric) DO UPDATE SET
        best_value = excluded.best_value, best_epoch = excluded.best_epoch, min = excluded.min,
        max = excluded.max, last_value = excluded.last_value, last_epoch = excluded.last_epoch`);

    const append = db.transaction((runId: string, metrics: EpochMetrics, at: Date) => {
      const run = this.selectRunState.get(runId);
      if (!run) throw new RunNotFoundError(runId);
      // Also what stops a process that recovery has declared dead from writing into a finished run.
      if (run.status !== 'running') throw new RunStateError(runId, run.status, `log epoch ${metrics.epoch}`);
      const startedAt = run.started_at === null ? at.getTime() : Date.parse(run.started_at);
      const inserted = this.insertEpoch.run({
        runId,
        ...metrics,
        elapsedSeconds: Math.max(0, (at.getTime() - startedAt) / 1000),
        loggedAt: at.toISOString(),
      });
      if (inserted.changes === 0) throw new Error(`epoch ${metrics.epoch} of run ${runId} is already logged`);
      const summaries = updateSummaries(this.getSummaries(runId), metrics);
      for (const summary of summaries) this.upsertSummary.run({ runId, ...summary });
    });
    // IMMEDIATE: the transaction reads before it writes; a deferred one could not wait for the write
    // lock (SQLITE_BUSY without the busy handler) when another process committed in between.
    this.appendTransaction = (...args) => append.immediate(...args);
  }

  /** Logs one epoch and updates the run's summaries in one transaction: once this returns, it is on disk. */
  appendEpoch(runId: string, metrics: EpochMetrics): void {
    assertLoggable(metrics);
    this.appendTransaction(runId, pickEpochMetrics(metrics), this.now());
  }

  getEpochs(runId: string): EpochMetrics[] {
    return this.selectEpochs.all(runId).map(toEpochMetrics);
  }

  /** Every logged epoch of the run as columns (EPOCH_FIELDS), in epoch order. */
  getEpochColumns(runId: string): EpochColumns {
    const rows = this.selectEpochValues.all(runId);
    return Object.fromEntries(
      EPOCH_FIELDS.map((field, c) => [field, rows.map((row) => row[c])]),
    ) as EpochColumns;
  }

  /** Mean seconds per logged epoch of every run that logged one, by run id. */
  meanEpochSeconds(): Map<string, number> {
    return new Map(this.selectMeanSeconds.all().map((r) => [r.run_id, r.mean]));
  }

  countEpochs(runId: string): number {
    return this.selectEpochCount.get(runId)?.n ?? 0;
  }

  getSummaries(runId: string): MetricSummary[] {
    return this.selectSummaries.all(runId).map((row) => ({
      metric: row.metric,
      bestValue: row.best_value,
      bestEpoch: row.best_epoch,
      min: row.min,
      max: row.max,
      lastValue: row.last_value,
      lastEpoch: row.last_epoch,
    }));
  }
}

/** An epoch_metrics row as the rest of the app sees it. */
export function toEpochMetrics(row: EpochRow): EpochMetrics {
  return {
    epoch: row.epoch,
    // SQLite turned a NaN training metric into NULL; the type says these are always numbers.
    trainLoss: row.train_loss ?? Number.NaN,
    trainAcc: row.train_acc ?? Number.NaN,
    valLoss: row.val_loss,
    valAcc: row.val_acc,
    testLoss: row.test_loss,
    testAcc: row.test_acc,
    lr: row.lr,
    seconds: row.seconds,
  };
}

/** Only the known fields: named parameters reject extra keys, and callers may pass richer objects. */
function pickEpochMetrics(m: EpochMetrics): EpochMetrics {
  return {
    epoch: m.epoch,
    trainLoss: m.trainLoss,
    trainAcc: m.trainAcc,
    valLoss: m.valLoss,
    valAcc: m.valAcc,
    testLoss: m.testLoss,
    testAcc: m.testAcc,
    lr: m.lr,
    seconds: m.seconds,
  };
}

function assertLoggable(m: EpochMetrics): void {
  if (!Number.isInteger(m.epoch) || m.epoch < 0)
    throw new Error(`epoch must be an integer ≥ 0, got ${m.epoch}`);
  // These columns are NOT NULL and SQLite would store NaN as NULL: fail here with a message that says why.
  for (const field of ['lr', 'seconds'] as const) {
    if (typeof m[field] !== 'number' || Number.isNaN(m[field])) {
      throw new Error(`epoch ${m.epoch}: ${field} must be a number, got ${m[field]}`);
    }
  }
}
