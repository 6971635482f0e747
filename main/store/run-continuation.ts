import type Database from 'better-sqlite3';
import { flattenParams } from '../../common/config/flatten-params';
import type { RunConfig } from '../../common/config/run-config';
import type { RunResume } from '../../common/run-types';
import type { RunStatus } from '../../common/types';
import { RunNotFoundError, RunStateError } from './errors';
import type { RunOwner } from './types';

/**
 * Runs that go on: a resumed run is queued again in place (same id, its epochs kept), and forks point at
 * their parent. The run row's life before this (created, started, finished) is store/runs.ts's.
 */

/** Statuses a run can be resumed from: it stopped before its planned epochs, or it completed (to extend it). */
export const RESUMABLE_STATUSES: readonly RunStatus[] = ['interrupted', 'failed', 'cancelled', 'completed'];

export interface RequeueInput {
  owner: RunOwner;
  /** The stored config with training.epochs set to the total to reach. */
  config: RunConfig;
  /** The last logged epoch: training goes on after it. */
  fromEpoch: number;
  /**
   * The statuses it may be requeued from (default RESUMABLE_STATUSES): a pruned grid promotes its `paused`
   * cells, which nobody else may resume.
   */
  from?: readonly RunStatus[];
}

interface ChildRow {
  id: string;
  name: string;
  parent_epoch: number;
  status: RunStatus;
}

export class RunContinuationRepository {
  private readonly selectStatus: Database.Statement<[string], { status: RunStatus; resumes: string }>;
  private readonly updateRequeue: Database.Statement<Record<string, string | number | null>>;
  private readonly deleteParams: Database.Statement<[string]>;
  private readonly insertParam: Database.Statement<[string, string, string, number | null]>;
  private readonly selectChildren: Database.Statement<[string], ChildRow>;
  private readonly deletePointsAfter: Database.Statement<[string, number]>;
  private readonly requeueTransaction: (runId: string, input: RequeueInput, at: string) => void;

  constructor(db: Database.Database) {
    this.selectStatus = db.prepare(`SELECT status, resumes FROM runs WHERE id = ?`);
    // Status is matched again: a run another process resumed a moment ago is left alone.
    this.updateRequeue = db.prepare(`
      UPDATE runs SET status = 'queued', finished_at = NULL, error = NULL, early_stop = NULL,
                      config = @config, epochs_planned = @epochs, owner_pid = @pid, owner_host = @host,
                      owner_token = @token, heartbeat_at = @at, cancel_requested = 0, resumes = @resumes
      WHERE id = @id AND status = @status`);
    this.deleteParams = db.prepare(`DELETE FROM params WHERE run_id = ?`);
    this.insertParam = db.prepare(
      `INSERT INTO params (run_id, key, value_text, value_num) VALUES (?, ?, ?, ?)`,
    );
    this.deletePointsAfter = db.prepare(`DELETE FROM eval_points WHERE run_id = ? AND epoch > ?`);
    this.selectChildren = db.prepare(
      `SELECT id, name, parent_epoch, status FROM runs WHERE parent_run_id = ? ORDER BY created_at, rowid`,
    );
    const requeue = db.transaction((runId: string, input: RequeueInput, at: string) => {
      const row = this.selectStatus.get(runId);
      if (!row) throw new RunNotFoundError(runId);
      if (!(input.from ?? RESUMABLE_STATUSES).includes(row.status))
        throw new RunStateError(runId, row.status, 'resume it');
      const resumes = JSON.parse(row.resumes) as RunResume[];
      const epochs = input.config.training.epochs;
      resumes.push({ at, fromEpoch: input.fromEpoch, epochs });
      const changed = this.updateRequeue.run({
        id: runId,
        status: row.status,
        config: JSON.stringify(input.config),
        epochs,
        pid: input.owner.pid,
        host: input.owner.host,
        token: input.owner.token ?? null,
        at,
        resumes: JSON.stringify(resumes),
      });
      if (changed.changes !== 1) throw new RunStateError(runId, row.status, 'resume it');
      // The points of an epoch cut short are evaluated again from the checkpoint: each is logged once.
      this.deletePointsAfter.run(runId, input.fromEpoch);
      // The params mirror the config (the Runs filter reads them): the epochs may have changed.
      this.deleteParams.run(runId);
      for (const p of flattenParams(input.config)) this.insertParam.run(runId, p.key, p.text, p.num);
    });
    this.requeueTransaction = (...args) => requeue.immediate(...args);
  }

  /**
   * Queues a stopped run again in place, owned by `owner`, to train from the epoch after `fromEpoch` up to
   * the config's epochs. Throws RunStateError when the run is not resumable (running, queued, diverged).
   */
  requeue(runId: string, input: RequeueInput, at: Date): void {
    this.requeueTransaction(runId, input, at.toISOString());
  }

  children(runId: string): { id: string; name: string; epoch: number; status: RunStatus }[] {
    return this.selectChildren.all(runId).map((r) => ({
      id: r.id,
      name: r.name,
      epoch: r.parent_epoch,
      status: r.status,
    }));
  }
}
