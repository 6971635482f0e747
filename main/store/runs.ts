import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { flattenParams } from '../../common/config/flatten-params';
import type { RunConfig } from '../../common/config/run-config';
import type { RunParent } from '../../common/checkpoints/types';
import type { EarlyStopRecord, RunResume } from '../../common/run-types';
import { FINAL_STATUSES, type BackendName, type BackendReport, type RunStatus } from '../../common/types';
import { AmbiguousRunPrefixError, RunNotFoundError, RunStateError } from './errors';
import { currentProcessOwner } from './liveness';
import type {
  CreateRunInput,
  FinalRunStatus,
  ProcessLiveness,
  RunDetail,
  RunListItem,
  RunOwner,
  RunRecord,
  StartRunInput,
} from './types';

/** The runs table and its params: a run's life from queued to a final status. */

/** A run's row, parsed: a RunDetail without what other tables hold. */
export type StoredRun = Omit<
  RunDetail,
  'summaries' | 'epochs' | 'checkpoints' | 'checkpointBytes' | 'children'
>;

interface RunRow {
  id: string;
  name: string;
  experiment: string;
  status: RunStatus;
  config: string;
  seed: number;
  dataset_id: string;
  dataset_fingerprint: string;
  backend: BackendName | null;
  backend_report: string | null;
  app_version: string;
  error: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  epochs_planned: number | null;
  owner_pid: number | null;
  owner_host: string | null;
  tags: string;
  grid_id: string | null;
  grid_cell: number | null;
  early_stop: string | null;
  parent_run_id: string | null;
  parent_epoch: number | null;
  resumes: string;
}

interface RunListRow {
  id: string;
  name: string;
  experiment: string;
  status: RunStatus;
  epochs: number;
  epochs_planned: number | null;
  created_at: string;
  finished_at: string | null;
  dataset_id: string;
  backend: BackendName | null;
  best_val_acc: number | null;
  best_val_acc_epoch: number | null;
  tags: string;
  grid_id: string | null;
  grid_cell: number | null;
  parent_run_id: string | null;
  parent_epoch: number | null;
}

/** A runs-table row with what the table derives its columns from: the config, start time, best val loss. */
export interface RunTableEntry extends RunListItem {
  config: RunConfig;
  startedAt: string | null;
  bestValLoss: number | null;
  bestValLossEpoch: number | null;
}

interface RunTableRow extends RunListRow {
  config: string;
  started_at: string | null;
  best_val_loss: number | null;
  best_val_loss_epoch: number | null;
}

interface UnfinishedRunRow {
  id: string;
  status: RunStatus;
  owner_pid: number | null;
  owner_host: string | null;
  /** The owner's last sign of life: its last heartbeat, else when the run started or was created. */
  last_seen: string;
}

const UNFINISHED = `('queued', 'running')`;

const SELECT_RUN_LIST = `
  SELECT r.id, r.name, e.name AS experiment, r.status, r.epochs_planned, r.created_at, r.finished_at,
         r.dataset_id, r.backend, r.tags, r.grid_id, r.grid_cell, r.parent_run_id, r.parent_epoch,
         (SELECT COUNT(*) FROM epoch_metrics m WHERE m.run_id = r.id) AS epochs,
         s.best_value AS best_val_acc, s.best_epoch AS best_val_acc_epoch`;

const FROM_RUN_LIST = `
  FROM runs r
  JOIN experiments e ON e.id = r.experiment_id
  LEFT JOIN metric_summaries s ON s.run_id = r.id AND s.metric = 'valAcc'`;

const NEWEST_FIRST = `ORDER BY r.created_at DESC, r.rowid DESC`;

const SELECT_RUN = `
  SELECT r.id, r.name, e.name AS experiment, r.status, r.config, r.seed, r.dataset_id, r.dataset_fingerprint,
         r.backend, r.backend_report, r.app_version, r.error, r.created_at, r.started_at, r.finished_at,
         r.epochs_planned, r.owner_pid, r.owner_host, r.tags, r.grid_id, r.grid_cell, r.early_stop,
         r.parent_run_id, r.parent_epoch, r.resumes
  FROM runs r JOIN experiments e ON e.id = r.experiment_id`;

/** How many ids an ambiguous prefix error lists. */
const AMBIGUOUS_MATCHES_SHOWN = 5;

export class RunRepository {
  private readonly insertExperiment: Database.Statement<{ name: string; createdAt: string }>;
  private readonly selectExperimentId: Database.Statement<[string], { id: number }>;
  private readonly insertRun: Database.Statement<Record<string, string | number | null>>;
  private readonly insertParam: Database.Statement<[string, string, string, number | null]>;
  private readonly selectRun: Database.Statement<[string], RunRow>;
  private readonly selectRunIdsByPrefix: Database.Statement<[string, number], { id: string }>;
  private readonly selectRunList: Database.Statement<[], RunListRow>;
  private readonly selectRunTable: Database.Statement<[], RunTableRow>;
  private readonly selectStatus: Database.Statement<[string], { status: RunStatus }>;
  private readonly updateStarted: Database.Statement<Record<string, string | number>>;
  private readonly updateFinished: Database.Statement<Record<string, string | null>>;
  private readonly selectUnfinished: Database.Statement<[], UnfinishedRunRow>;
  private readonly updateInterrupted: Database.Statement<Record<string, string | number | null>>;
  private readonly countEpochs: Database.Statement<[string], { n: number }>;
  private readonly updateHeartbeat: Database.Statement<[string, string]>;
  private readonly selectCancelRequested: Database.Statement<[string], { id: string }>;
  private readonly updateCancelRequested: Database.Statement<[string]>;
  private readonly updateTags: Database.Statement<[string, string]>;
  private readonly deleteRunById: Database.Statement<[string]>;
  private readonly deleteManyTransaction: (runIds: readonly string[]) => string[];
  private readonly createTransaction: (
    id: string,
    input: CreateRunInput,
    owner: RunOwner,
    at: string,
  ) => void;
  private readonly interruptTransaction: (orphans: Orphan[], at: string) => string[];

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => Date,
  ) {
    this.insertExperiment = db.prepare(
      `INSERT INTO experiments (name, created_at) VALUES (@name, @createdAt) ON CONFLICT (name) DO NOTHING`,
    );
    this.selectExperimentId = db.prepare(`SELECT id FROM experiments WHERE name = ?`);
    this.insertRun = db.prepare(`
      INSERT INTO runs (id, experiment_id, name, status, config, seed, dataset_id, dataset_fingerprint,
                        app_version, created_at, epochs_planned, owner_pid, owner_host, owner_token, heartbeat_at,
                        tags, grid_id, grid_cell, parent_run_id, parent_epoch)
      VALUES (@id, @experimentId, @name, 'queued', @config, @seed, @datasetId, @datasetFingerprint,
              @appVersion, @createdAt, @epochsPlanned, @ownerPid, @ownerHost, @ownerToken, @createdAt,
              @tags, @gridId, @gridCell, @parentRunId, @parentEpoch)`);
    this.insertParam = db.prepare(
      `INSERT INTO params (run_id, key, value_text, value_num) VALUES (?, ?, ?, ?)`,
    );
    this.selectRun = db.prepare(`${SELECT_RUN} WHERE r.id = ?`);
    // GLOB (not LIKE) because a prefix GLOB can use the primary key's BINARY index.
    this.selectRunIdsByPrefix = db.prepare(`SELECT id FROM runs WHERE id GLOB ? ORDER BY id LIMIT ?`);
    this.selectRunList = db.prepare(`${SELECT_RUN_LIST} ${FROM_RUN_LIST} ${NEWEST_FIRST}`);
    // The table view's columns come from the config; one query keeps thousands of runs one round trip.
    this.selectRunTable = db.prepare(`
      ${SELECT_RUN_LIST}, r.config, r.started_at,
             l.best_value AS best_val_loss, l.best_epoch AS best_val_loss_epoch
      ${FROM_RUN_LIST}
      LEFT JOIN metric_summaries l ON l.run_id = r.id AND l.metric = 'valLoss'
      ${NEWEST_FIRST}`);
    this.selectStatus = db.prepare(`SELECT status FROM runs WHERE id = ?`);
    this.updateStarted = db.prepare(`
      UPDATE runs SET status = 'running', started_at = COALESCE(started_at, @startedAt), backend = @backend,
                      backend_report = @backendReport, owner_pid = @pid, owner_host = @host
      WHERE id = @id AND status = 'queued'`);
    this.updateFinished = db.prepare(`
      UPDATE runs SET status = @status, finished_at = @finishedAt, error = @error, early_stop = @earlyStop
      WHERE id = @id AND status IN ${UNFINISHED}`);
    this.selectUnfinished = db.prepare(`
      SELECT id, status, owner_pid, owner_host, COALESCE(heartbeat_at, started_at, created_at) AS last_seen
      FROM runs WHERE status IN ${UNFINISHED}`);
    // Owner, status and last sign of life are matched again, so that a run started (or a heartbeat sent) by a
    // live process after the liveness check is left alone.
    this.updateInterrupted = db.prepare(`
      UPDATE runs SET status = 'interrupted', finished_at = @finishedAt, error = @error
      WHERE id = @id AND status = @status AND owner_pid IS @pid AND owner_host IS @host
        AND COALESCE(heartbeat_at, started_at, created_at) = @lastSeen`);
    this.updateHeartbeat = db.prepare(
      `UPDATE runs SET heartbeat_at = ? WHERE owner_token = ? AND status IN ${UNFINISHED}`,
    );
    this.selectCancelRequested = db.prepare(
      `SELECT id FROM runs WHERE owner_token = ? AND cancel_requested = 1 AND status IN ${UNFINISHED}`,
    );
    this.updateCancelRequested = db.prepare(
      `UPDATE runs SET cancel_requested = 1 WHERE id = ? AND status IN ${UNFINISHED}`,
    );
    this.countEpochs = db.prepare(`SELECT COUNT(*) AS n FROM epoch_metrics WHERE run_id = ?`);
    this.updateTags = db.prepare(`UPDATE runs SET tags = ? WHERE id = ?`);
    this.deleteRunById = db.prepare(`DELETE FROM runs WHERE id = ?`);
    // One transaction: deleting thousands of runs is one commit, and either all go or none.
    this.deleteManyTransaction = db.transaction((runIds: readonly string[]) =>
      runIds.filter((runId) => this.deleteRunById.run(runId).changes > 0),
    );

    const create = db.transaction((id: string, input: CreateRunInput, owner: RunOwner, at: string) => {
      const { config } = input;
      this.insertExperiment.run({ name: config.experiment, createdAt: at });
      const experiment = this.selectExperimentId.get(config.experiment);
      if (!experiment) throw new Error(`experiment "${config.experiment}" vanished while creating a run`);
      this.insertRun.run({
        id,
        experimentId: experiment.id,
        name: config.name,
        config: JSON.stringify(config),
        seed: config.seed,
        datasetId: config.dataset.id,
        datasetFingerprint: input.datasetFingerprint,
        appVersion: input.appVersion,
        createdAt: at,
        epochsPlanned: input.epochsPlanned ?? config.training.epochs,
        ownerPid: owner.pid,
        ownerHost: owner.host,
        ownerToken: owner.token ?? null,
        tags: JSON.stringify(normalizeTags(config.tags)),
        gridId: input.grid?.gridId ?? null,
        gridCell: input.grid?.cell ?? null,
        parentRunId: input.parent?.runId ?? null,
        parentEpoch: input.parent?.epoch ?? null,
      });
      for (const param of flattenParams(config)) this.insertParam.run(id, param.key, param.text, param.num);
    });
    this.createTransaction = (...args) => create.immediate(...args);

    const interrupt = db.transaction((orphans: Orphan[], at: string) =>
      orphans
        .filter(({ run, why }) => {
          const epochs = this.countEpochs.get(run.id)?.n ?? 0;
          const result = this.updateInterrupted.run({
            id: run.id,
            status: run.status,
            pid: run.owner_pid,
            host: run.owner_host,
            lastSeen: run.last_seen,
            finishedAt: at,
            error: interruptionMessage(run, why, epochs),
          });
          return result.changes > 0;
        })
        .map(({ run }) => run.id),
    );
    this.interruptTransaction = (...args) => interrupt.immediate(...args);
  }

  createRun(input: CreateRunInput): RunRecord {
    const id = randomUUID();
    this.createTransaction(id, input, input.owner ?? currentProcessOwner(), this.timestamp());
    return this.requireRecord(id);
  }

  startRun(runId: string, input: StartRunInput): void {
    const result = this.updateStarted.run({
      id: runId,
      startedAt: this.timestamp(),
      backend: input.backend.chosen,
      backendReport: JSON.stringify(input.backend),
      pid: input.pid,
      host: input.host,
    });
    if (result.changes === 0) throw new RunStateError(runId, this.requireStatus(runId), 'start it');
  }

  /**
   * Moves a queued or running run to a final status. Returns false, changing nothing, when the run had
   * already finished: the first outcome stands (e.g. a run that recovery marked interrupted stays so).
   * Throws RunNotFoundError for an unknown id.
   */
  finishRun(runId: string, status: FinalRunStatus, error?: string, earlyStop?: EarlyStopRecord): boolean {
    if (!FINAL_STATUSES.includes(status)) throw new Error(`"${status}" is not a final run status`);
    const result = this.updateFinished.run({
      id: runId,
      status,
      finishedAt: this.timestamp(),
      error: error ?? null,
      earlyStop: earlyStop ? JSON.stringify(earlyStop) : null,
    });
    if (result.changes > 0) return true;
    this.requireStatus(runId);
    return false;
  }

  /**
   * A queued or running run is orphaned when its owner recorded no pid, when its owner has sent no heartbeat
   * for `staleAfterMs` (on any host, whatever its pid or host name now), or when the owner's pid is gone on
   * this host (the quick answer after a kill -9, before the heartbeat goes stale). Liveness is checked
   * outside the write transaction; the update re-checks status, owner and last heartbeat.
   */
  markOrphanedRunsInterrupted(isProcessAlive: ProcessLiveness, staleAfterMs: number): string[] {
    const now = this.now().getTime();
    const orphans: Orphan[] = [];
    for (const run of this.selectUnfinished.all()) {
      const silentMs = now - Date.parse(run.last_seen);
      if (run.owner_pid === null || run.owner_host === null) orphans.push({ run, why: 'no-owner' });
      else if (silentMs > staleAfterMs) orphans.push({ run, why: 'silent' });
      else if (!isProcessAlive(run.owner_pid, run.owner_host)) orphans.push({ run, why: 'gone' });
    }
    if (orphans.length === 0) return [];
    return this.interruptTransaction(orphans, this.timestamp());
  }

  /** Proof of life for every unfinished run this process owns; returns how many there are. */
  heartbeat(ownerToken: string): number {
    return this.updateHeartbeat.run(this.timestamp(), ownerToken).changes;
  }

  /** Runs this process owns that another process asked to cancel. */
  cancelRequests(ownerToken: string): string[] {
    return this.selectCancelRequested.all(ownerToken).map((r) => r.id);
  }

  /** Asks whichever process trains the run to cancel it (seen at its next heartbeat). */
  requestCancel(runId: string): boolean {
    return this.updateCancelRequested.run(runId).changes > 0;
  }

  listRuns(): RunListItem[] {
    return this.selectRunList.all().map(toListItem);
  }

  /** Newest first, each with its config and best validation loss: what the runs table is built from. */
  listRunTable(): RunTableEntry[] {
    return this.selectRunTable.all().map((row) => ({
      ...toListItem(row),
      config: JSON.parse(row.config) as RunConfig,
      startedAt: row.started_at,
      bestValLoss: row.best_val_loss,
      bestValLossEpoch: row.best_val_loss_epoch,
    }));
  }

  /** The run with this exact id, or the only run whose id starts with it. */
  findRun(idOrUniquePrefix: string): StoredRun | undefined {
    const wanted = idOrUniquePrefix.trim().toLowerCase();
    if (wanted === '') return undefined;
    const exact = this.selectRun.get(wanted);
    if (exact) return toStoredRun(exact);
    const matches = this.selectRunIdsByPrefix.all(`${escapeGlob(wanted)}*`, AMBIGUOUS_MATCHES_SHOWN);
    if (matches.length > 1) {
      throw new AmbiguousRunPrefixError(
        idOrUniquePrefix,
        matches.map((m) => m.id),
      );
    }
    if (matches.length === 0) return undefined;
    const row = this.selectRun.get(matches[0].id);
    return row ? toStoredRun(row) : undefined;
  }

  /** Deletes the run (exact id only, never a prefix) with its params, epochs and summaries. */
  deleteRun(runId: string): boolean {
    return this.deleteRunById.run(runId).changes > 0;
  }

  /** Replaces the run's tags (the stored config keeps the tags it was created with). */
  setTags(runId: string, tags: readonly string[]): void {
    const result = this.updateTags.run(JSON.stringify(normalizeTags(tags)), runId);
    if (result.changes === 0) throw new RunNotFoundError(runId);
  }

  /** Deletes these runs (exact ids) in one transaction; returns the ids that existed. */
  deleteRuns(runIds: readonly string[]): string[] {
    return this.deleteManyTransaction(runIds);
  }

  /** The status of the run with this exact id, or undefined. */
  findStatus(runId: string): RunStatus | undefined {
    return this.selectStatus.get(runId)?.status;
  }

  requireStatus(runId: string): RunStatus {
    const row = this.selectStatus.get(runId);
    if (!row) throw new RunNotFoundError(runId);
    return row.status;
  }

  private requireRecord(runId: string): RunRecord {
    const row = this.selectRun.get(runId);
    if (!row) throw new RunNotFoundError(runId);
    return toRecord(row);
  }

  private timestamp(): string {
    return this.now().toISOString();
  }
}

function toListItem(row: RunListRow): RunListItem {
  return {
    id: row.id,
    name: row.name,
    experiment: row.experiment,
    status: row.status,
    epochs: row.epochs,
    epochsPlanned: row.epochs_planned,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    datasetId: row.dataset_id,
    backend: row.backend,
    bestValAcc: row.best_val_acc,
    bestValAccEpoch: row.best_val_acc_epoch,
    tags: parseTags(row.tags),
    gridId: row.grid_id,
    gridCell: row.grid_cell,
    parent: parentOf(row),
  };
}

function parentOf(row: { parent_run_id: string | null; parent_epoch: number | null }): RunParent | null {
  return row.parent_run_id === null || row.parent_epoch === null
    ? null
    : { runId: row.parent_run_id, epoch: row.parent_epoch };
}

function toRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    name: row.name,
    experiment: row.experiment,
    status: row.status,
    config: JSON.parse(row.config) as RunConfig,
    seed: row.seed,
    datasetId: row.dataset_id,
    datasetFingerprint: row.dataset_fingerprint,
    backend: row.backend,
    appVersion: row.app_version,
    error: row.error,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    epochsPlanned: row.epochs_planned,
    ownerPid: row.owner_pid,
    ownerHost: row.owner_host,
    tags: parseTags(row.tags),
    gridId: row.grid_id,
    gridCell: row.grid_cell,
    earlyStop: row.early_stop === null ? null : (JSON.parse(row.early_stop) as EarlyStopRecord),
    parent: parentOf(row),
    resumes: JSON.parse(row.resumes) as RunResume[],
  };
}

function toStoredRun(row: RunRow): StoredRun {
  return {
    ...toRecord(row),
    backendReport: row.backend_report === null ? null : (JSON.parse(row.backend_report) as BackendReport),
  };
}

interface Orphan {
  run: UnfinishedRunRow;
  why: 'no-owner' | 'silent' | 'gone';
}

function interruptionMessage(run: UnfinishedRunRow, why: Orphan['why'], epochs: number): string {
  const owner =
    run.owner_pid === null
      ? 'a process that did not record itself'
      : `pid ${run.owner_pid} on ${run.owner_host}`;
  const how = why === 'silent' ? ` (no heartbeat since ${run.last_seen})` : '';
  const kept = epochs === 1 ? '1 logged epoch is kept' : `${epochs} logged epochs are kept`;
  if (run.status === 'queued' && epochs > 0) {
    return `interrupted: the process that was to resume it (${owner})${how} ended first; ${kept}`;
  }
  return run.status === 'queued'
    ? `interrupted: the process that queued it (${owner})${how} ended before it started`
    : `interrupted: the process that was training it (${owner})${how} ended without finishing it; ${kept}`;
}

/** Trimmed, non-empty, first occurrence kept. */
function normalizeTags(tags: readonly string[]): string[] {
  return [...new Set(tags.map((tag) => tag.trim()).filter((tag) => tag !== ''))];
}

function parseTags(json: string): string[] {
  return JSON.parse(json) as string[];
}

/** GLOB has no escape character; a special character is matched literally inside brackets. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[]/g, '[$&]');
}
