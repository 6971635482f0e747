import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { RunConfig } from '../../common/config/run-config';
import type { GridCellStatus, GridStatus } from '../../common/grid/types';
import type { ResolvedAxis } from '../../common/grid/spec';
import type { EpochMetrics, RunStatus } from '../../common/types';
import { UserInputError } from '../../common/errors';
import { toEpochMetrics, type EpochRow } from './epochs';
import { GridNotFoundError } from './errors';
import type { RunRepository } from './runs';
import type { CheckpointRepository } from './checkpoints';
import type { RunContinuationRepository } from './run-continuation';
import type { RunOwner } from './types';
import type { GridPruning, GridPruningRepository } from './grid-pruning';

/**
 * Grids and their cells: the persisted queue of grid work. A cell is claimed by pointing it at a new run in
 * one IMMEDIATE transaction, so that any number of processes can drive the same grid and no cell is ever
 * trained twice; a cell whose attempt was interrupted (its owner died) or cancelled is claimed again from
 * scratch, while a completed, failed or diverged attempt is final.
 */

/**
 * A cell trains again when its attempt was interrupted (its owner died). A cancelled attempt trains again
 * only when the grid is resumed after it (Ctrl-C, a cancelled grid): a cell cancelled by hand while its grid
 * runs stays cancelled.
 */

export interface NewGridCell {
  index: number;
  point: number;
  repeat: number;
  position: number;
  values: Record<string, unknown>;
  /** The resolved config (checked like a single run) the cell trains. */
  config: RunConfig;
  datasetFingerprint: string;
}

export interface NewGrid {
  name: string;
  spec: unknown;
  axes: ResolvedAxis[];
  cells: NewGridCell[];
  /** Live pruning (successive halving, Hyperband); absent for a full grid. */
  pruning?: GridPruning;
}

/** Who trains a grid's cells: this store's run queue, or Slurm array tasks merged back by `grid collect`. */
export type GridRunner = 'local' | 'slurm';

export interface CreateGridOptions {
  /** The grid's id when it already has one elsewhere (a Slurm task's store holds its grid under the real id). */
  id?: string;
  runner?: GridRunner;
  /** The Slurm job folder the grid was written to. */
  jobDir?: string;
}

export interface StoredGrid {
  id: string;
  name: string;
  spec: unknown;
  axes: ResolvedAxis[];
  status: GridStatus;
  cells: number;
  createdAt: string;
  finishedAt: string | null;
  owner: (RunOwner & { heartbeatAt: string | null }) | null;
  runner: GridRunner;
  /** The latest Slurm submission's job id (runner `slurm`), null before one. */
  slurmJobId: string | null;
  jobDir: string | null;
  /** The live pruning it trains with; null for a full grid. */
  pruning: GridPruning | null;
}

export interface StoredGridCell {
  index: number;
  point: number;
  repeat: number;
  position: number;
  values: Record<string, unknown>;
  config: RunConfig;
  datasetFingerprint: string;
  attempts: number;
  runId: string | null;
  status: GridCellStatus;
  runName: string | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  epochsPlanned: number;
  earlyStopEpoch: number | null;
}

export interface ClaimedCell {
  gridId: string;
  index: number;
  runId: string;
  config: RunConfig;
  datasetFingerprint: string;
  /** The cell's interrupted run goes on from this epoch's checkpoint (same run), instead of a new attempt. */
  resumedFrom?: number;
  /** A pruned grid's cell trains to this rung and pauses there for the rung's decision. */
  pauseAfterEpoch?: number;
}

/** What a claim needs to continue an interrupted cell in place rather than start it again. */
export interface CellContinuation {
  checkpoints: CheckpointRepository;
  continuation: RunContinuationRepository;
  pruning: GridPruningRepository;
}

interface GridRow {
  id: string;
  name: string;
  spec: string;
  axes: string;
  status: GridStatus;
  cells: number;
  created_at: string;
  finished_at: string | null;
  owner_token: string | null;
  owner_pid: number | null;
  owner_host: string | null;
  heartbeat_at: string | null;
  runner: GridRunner;
  slurm_job_id: string | null;
  job_dir: string | null;
  pruning: string | null;
}

interface CellRow {
  idx: number;
  point: number;
  repeat: number;
  position: number;
  axis_values: string;
  config: string;
  dataset_fingerprint: string;
  attempts: number;
  run_id: string | null;
  status: RunStatus | null;
  run_name: string | null;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
  early_stop: string | null;
}

export class GridRepository {
  private readonly insertGrid: Database.Statement<Record<string, string | number | null>>;
  private readonly insertCell: Database.Statement<Record<string, string | number | null>>;
  private readonly selectGrid: Database.Statement<[string], GridRow>;
  private readonly selectGrids: Database.Statement<[], GridRow>;
  private readonly selectGridIdsByPrefix: Database.Statement<[string], { id: string }>;
  private readonly selectCells: Database.Statement<[string], CellRow>;
  private readonly selectStatusCounts: Database.Statement<[], { grid_id: string; status: string; n: number }>;
  private readonly selectNextCell: Database.Statement<
    [{ gridId: string; before: string }],
    { idx: number; config: string; fp: string; run_id: string | null }
  >;
  private readonly updateCellRun: Database.Statement<[string, string, number, string | null]>;
  private readonly selectOpenWork: Database.Statement<[string], { pending: number; active: number }>;
  private readonly updateGridStatus: Database.Statement<[GridStatus, string | null, string]>;
  private readonly updateGridOwner: Database.Statement<Record<string, string | number | null>>;
  private readonly updateGridHeartbeat: Database.Statement<[string, string]>;
  private readonly updateSlurmJob: Database.Statement<[string, string]>;
  private readonly updateReopen: Database.Statement<[string]>;
  private readonly updateReleaseFailed: Database.Statement<[string, number]>;
  private readonly updateAdoptRun: Database.Statement<
    [{ gridId: string; idx: number; runId: string; attempts: number }]
  >;
  private readonly selectGridRuns: Database.Statement<[string], { id: string; status: RunStatus }>;
  private readonly selectGridEpochs: Database.Statement<[string], CellEpochRow>;
  private readonly createTransaction: (
    grid: NewGrid,
    owner: RunOwner,
    at: string,
    options: CreateGridOptions,
  ) => string;
  private readonly claimTransaction: (
    gridId: string,
    owner: RunOwner,
    appVersion: string,
    retryCancelledBefore: string,
    pruned: string[],
  ) => ClaimedCell | null;
  private readonly finishIfDoneTransaction: (gridId: string, at: string) => boolean;

  constructor(
    db: Database.Database,
    private readonly runs: RunRepository,
    private readonly now: () => Date,
    private readonly resumable: CellContinuation,
  ) {
    this.insertGrid = db.prepare(`
      INSERT INTO grids (id, name, spec, axes, status, cells, created_at, owner_token, owner_pid, owner_host,
                         heartbeat_at, runner, job_dir)
      VALUES (@id, @name, @spec, @axes, 'running', @cells, @createdAt, @ownerToken, @ownerPid, @ownerHost,
              @heartbeatAt, @runner, @jobDir)`);
    this.insertCell = db.prepare(`
      INSERT INTO grid_cells (grid_id, idx, point, repeat, position, axis_values, config, dataset_fingerprint)
      VALUES (@gridId, @idx, @point, @repeat, @position, @values, @config, @fingerprint)`);
    this.selectGrid = db.prepare(`SELECT * FROM grids WHERE id = ?`);
    this.selectGrids = db.prepare(`SELECT * FROM grids ORDER BY created_at DESC, rowid DESC`);
    this.selectGridIdsByPrefix = db.prepare(`SELECT id FROM grids WHERE id GLOB ? ORDER BY id LIMIT 5`);
    this.selectCells = db.prepare(`
      SELECT c.idx, c.point, c.repeat, c.position, c.axis_values, c.config, c.dataset_fingerprint, c.attempts,
             c.run_id, r.status, r.name AS run_name, r.error, r.started_at, r.finished_at, r.early_stop
      FROM grid_cells c LEFT JOIN runs r ON r.id = c.run_id
      WHERE c.grid_id = ? ORDER BY c.idx`);
    this.selectStatusCounts = db.prepare(`
      SELECT c.grid_id, COALESCE(r.status, 'pending') AS status, COUNT(*) AS n
      FROM grid_cells c LEFT JOIN runs r ON r.id = c.run_id
      GROUP BY c.grid_id, COALESCE(r.status, 'pending')`);
    this.selectNextCell = db.prepare(`
      SELECT c.idx, c.config, c.dataset_fingerprint AS fp, c.run_id
      FROM grid_cells c LEFT JOIN runs r ON r.id = c.run_id
      WHERE c.grid_id = @gridId
        AND (c.run_id IS NULL OR r.status = 'interrupted' OR (r.status = 'cancelled' AND r.finished_at <= @before))
      ORDER BY c.position LIMIT 1`);
    this.updateCellRun = db.prepare(`
      UPDATE grid_cells SET run_id = ?, attempts = attempts + 1
      WHERE grid_id = ? AND idx = ? AND run_id IS ?`);
    this.selectOpenWork = db.prepare(`
      SELECT COALESCE(SUM(c.run_id IS NULL OR r.status IN ('interrupted', 'paused')), 0) AS pending,
             COALESCE(SUM(r.status IN ('queued', 'running')), 0) AS active
      FROM grid_cells c LEFT JOIN runs r ON r.id = c.run_id WHERE c.grid_id = ?`);
    this.updateGridStatus = db.prepare(`UPDATE grids SET status = ?, finished_at = ? WHERE id = ?`);
    this.updateGridOwner = db.prepare(`
      UPDATE grids SET owner_token = @token, owner_pid = @pid, owner_host = @host, heartbeat_at = @at,
                       status = 'running', finished_at = NULL
      WHERE id = @id`);
    this.updateGridHeartbeat = db.prepare(
      `UPDATE grids SET heartbeat_at = ? WHERE owner_token = ? AND status = 'running' AND runner = 'local'`,
    );
    this.updateSlurmJob = db.prepare(`UPDATE grids SET slurm_job_id = ? WHERE id = ?`);
    this.updateReopen = db.prepare(`UPDATE grids SET status = 'running', finished_at = NULL WHERE id = ?`);
    this.updateReleaseFailed = db.prepare(`
      UPDATE grid_cells SET run_id = NULL
      WHERE grid_id = ? AND idx = ? AND (SELECT status FROM runs WHERE id = grid_cells.run_id) = 'failed'`);
    // Only a run of this very cell, and never over a completed attempt.
    this.updateAdoptRun = db.prepare(`
      UPDATE grid_cells SET run_id = @runId, attempts = MAX(attempts, @attempts)
      WHERE grid_id = @gridId AND idx = @idx AND run_id IS NOT @runId
        AND EXISTS (SELECT 1 FROM runs WHERE id = @runId AND grid_id = @gridId AND grid_cell = @idx)
        AND (run_id IS NULL OR (SELECT status FROM runs WHERE id = grid_cells.run_id) IS NOT 'completed')`);
    this.selectGridRuns = db.prepare(`SELECT id, status FROM runs WHERE grid_id = ?`);
    this.selectGridEpochs = db.prepare(`
      SELECT e.run_id, e.epoch, e.train_loss, e.train_acc, e.val_loss, e.val_acc, e.test_loss, e.test_acc,
             e.lr, e.seconds
      FROM grid_cells c JOIN epoch_metrics e ON e.run_id = c.run_id
      WHERE c.grid_id = ? ORDER BY e.run_id, e.epoch`);

    const create = db.transaction(
      (grid: NewGrid, owner: RunOwner, at: string, options: CreateGridOptions) => {
        const id = options.id ?? randomUUID();
        this.insertGrid.run({
          id,
          name: grid.name,
          spec: JSON.stringify(grid.spec),
          axes: JSON.stringify(grid.axes),
          cells: grid.cells.length,
          createdAt: at,
          ownerToken: owner.token ?? null,
          ownerPid: owner.pid,
          ownerHost: owner.host,
          // A Slurm grid never looks driven by a process here: no heartbeat, ever.
          heartbeatAt: options.runner === 'slurm' ? null : at,
          runner: options.runner ?? 'local',
          jobDir: options.jobDir ?? null,
        });
        if (grid.pruning) this.resumable.pruning.setPruning(id, grid.pruning);
        for (const cell of grid.cells) {
          this.insertCell.run({
            gridId: id,
            idx: cell.index,
            point: cell.point,
            repeat: cell.repeat,
            position: cell.position,
            values: JSON.stringify(cell.values),
            config: JSON.stringify(cell.config),
            fingerprint: cell.datasetFingerprint,
          });
        }
        return id;
      },
    );
    this.createTransaction = (...args) => create.immediate(...args);

    const claim = db.transaction(
      (
        gridId: string,
        owner: RunOwner,
        appVersion: string,
        retryCancelledBefore: string,
        pruned: string[],
      ): ClaimedCell | null => {
        const grid = this.selectGrid.get(gridId);
        if (!grid) throw new GridNotFoundError(gridId);
        if (grid.status !== 'running') return null;
        if (grid.pruning) {
          const pruning = JSON.parse(grid.pruning) as GridPruning;
          return this.claimPrunedCell(gridId, pruning, owner, appVersion, retryCancelledBefore, pruned);
        }
        const next = this.selectNextCell.get({ gridId, before: retryCancelledBefore });
        if (!next) return null;
        const config = JSON.parse(next.config) as RunConfig;
        const resumeFrom = next.run_id === null ? null : this.lastCheckpointedEpoch(next.run_id);
        if (next.run_id !== null && resumeFrom !== null) {
          // Its epochs so far stay; it trains on from its last checkpoint, every epoch exactly once.
          const stored = this.runs.findRun(next.run_id)!;
          this.resumable.continuation.requeue(
            next.run_id,
            { owner, config: stored.config, fromEpoch: resumeFrom },
            this.now(),
          );
          return {
            gridId,
            index: next.idx,
            runId: next.run_id,
            config: stored.config,
            datasetFingerprint: next.fp,
            resumedFrom: resumeFrom,
          };
        }
        const runId = this.newAttempt(gridId, next.idx, next.run_id, config, next.fp, owner, appVersion);
        return { gridId, index: next.idx, runId, config, datasetFingerprint: next.fp };
      },
    );
    this.claimTransaction = (...args) => claim.immediate(...args);

    const finishIfDone = db.transaction((gridId: string, at: string): boolean => {
      const grid = this.selectGrid.get(gridId);
      if (!grid || grid.status !== 'running') return false;
      const work = this.selectOpenWork.get(gridId)!;
      if (work.pending > 0 || work.active > 0) return false;
      this.updateGridStatus.run('completed', at, gridId);
      return true;
    });
    this.finishIfDoneTransaction = (...args) => finishIfDone.immediate(...args);
  }

  /**
   * A pruned grid's next cell (inside the claim's transaction): the grid is advanced first, so that rungs
   * now due are decided and their pruned cells ended; then, in run order, the first cell with an epoch to
   * train to: a new cell starts, a promoted (paused) or interrupted one goes on from its checkpoint.
   */
  private claimPrunedCell(
    gridId: string,
    pruning: GridPruning,
    owner: RunOwner,
    appVersion: string,
    retryCancelledBefore: string,
    pruned: string[],
  ): ClaimedCell | null {
    const progress = this.resumable.pruning.advance(gridId, pruning, retryCancelledBefore);
    pruned.push(...progress.prunedRuns);
    const cells = this.selectCells.all(gridId).sort((a, b) => a.position - b.position);
    for (const cell of cells) {
      const target = progress.targets.get(cell.idx);
      if (target === undefined) continue;
      const status = cell.status ?? 'pending';
      const pauseAfterEpoch = target < pruning.fullEpochs ? target : undefined;
      const retried =
        status === 'cancelled' && cell.finished_at !== null && cell.finished_at <= retryCancelledBefore;
      if (status !== 'pending' && status !== 'paused' && status !== 'interrupted' && !retried) continue;
      const from = cell.run_id === null ? null : this.lastCheckpointedEpoch(cell.run_id);
      // Already there (a Slurm task started again for a cell its last array brought to the rung).
      if (from !== null && from >= target) continue;
      if (cell.run_id !== null && from !== null) {
        const stored = this.runs.findRun(cell.run_id)!;
        this.resumable.continuation.requeue(
          cell.run_id,
          { owner, config: stored.config, fromEpoch: from, from: [status as RunStatus] },
          this.now(),
        );
        return {
          gridId,
          index: cell.idx,
          runId: cell.run_id,
          config: stored.config,
          datasetFingerprint: cell.dataset_fingerprint,
          resumedFrom: from,
          pauseAfterEpoch,
        };
      }
      const config = JSON.parse(cell.config) as RunConfig;
      const fp = cell.dataset_fingerprint;
      const runId = this.newAttempt(gridId, cell.idx, cell.run_id, config, fp, owner, appVersion);
      return {
        gridId,
        index: cell.idx,
        runId,
        config,
        datasetFingerprint: cell.dataset_fingerprint,
        pauseAfterEpoch,
      };
    }
    return null;
  }

  /** A new run as the cell's attempt, replacing `previous` (inside the claim's transaction). */
  private newAttempt(
    gridId: string,
    index: number,
    previous: string | null,
    config: RunConfig,
    datasetFingerprint: string,
    owner: RunOwner,
    appVersion: string,
  ): string {
    const run = this.runs.createRun({
      config,
      datasetFingerprint,
      appVersion,
      owner,
      grid: { gridId, cell: index },
    });
    // Guarded by the attempt it replaces: under the write lock this cannot miss, but it keeps the claim honest.
    const moved = this.updateCellRun.run(run.id, gridId, index, previous);
    if (moved.changes !== 1) throw new Error(`cell ${index} of grid ${gridId} was claimed twice`);
    return run.id;
  }

  /** The epoch an interrupted attempt can go on from: its last checkpoint, kept with its last logged epoch. */
  private lastCheckpointedEpoch(runId: string): number | null {
    const last = this.resumable.checkpoints.list(runId).find((c) => c.kinds.includes('last'));
    return last?.trainingState ? last.epoch : null;
  }

  createGrid(grid: NewGrid, owner: RunOwner, options: CreateGridOptions = {}): string {
    return this.createTransaction(grid, owner, this.timestamp(), options);
  }

  /** Records the job id of a Slurm grid's latest submission. */
  setSlurmJob(gridId: string, jobId: string): void {
    if (this.updateSlurmJob.run(jobId, gridId).changes === 0) throw new GridNotFoundError(gridId);
  }

  /** A finished or cancelled grid has work again (cells resubmitted to Slurm). */
  reopen(gridId: string): void {
    if (this.updateReopen.run(gridId).changes === 0) throw new GridNotFoundError(gridId);
  }

  /** A failed cell may be claimed again (its failed run stays, as an earlier attempt). True if it was failed. */
  releaseFailedCell(gridId: string, index: number): boolean {
    return this.updateReleaseFailed.run(gridId, index).changes > 0;
  }

  /**
   * Makes `runId` (an attempt of this cell, already in the store) the cell's current run, unless the cell
   * already has a completed one: a later attempt merged from elsewhere (a resubmitted Slurm task) supersedes a
   * failed one. True if the cell changed.
   */
  adoptCellRun(gridId: string, index: number, runId: string, attempts: number): boolean {
    return this.updateAdoptRun.run({ gridId, idx: index, runId, attempts }).changes > 0;
  }

  /**
   * The next cell to train, as a new queued run owned by `owner`; null when the grid has nothing left to start.
   * Cells whose attempt was cancelled before `retryCancelledBefore` (an ISO time; '' for none) train again.
   * In a pruned grid the claim first decides the rungs now due: the runs they pruned are told to `onPruned`
   * once the claim has committed.
   */
  claimNextCell(
    gridId: string,
    owner: RunOwner,
    appVersion: string,
    retryCancelledBefore = '',
    onPruned?: (runIds: string[]) => void,
  ): ClaimedCell | null {
    const pruned: string[] = [];
    const claimed = this.claimTransaction(gridId, owner, appVersion, retryCancelledBefore, pruned);
    if (pruned.length > 0) onPruned?.(pruned);
    return claimed;
  }

  /** Now, as the store writes times: what a resume passes as retryCancelledBefore. */
  timestampNow(): string {
    return this.timestamp();
  }

  /** Marks the grid completed once no cell is left to start or still training. True if it did now. */
  finishIfDone(gridId: string): boolean {
    return this.finishIfDoneTransaction(gridId, this.timestamp());
  }

  /** This process drives the grid from now on (it may have been cancelled or orphaned). */
  takeOver(gridId: string, owner: RunOwner): void {
    const result = this.updateGridOwner.run({
      id: gridId,
      token: owner.token ?? null,
      pid: owner.pid,
      host: owner.host,
      at: this.timestamp(),
    });
    if (result.changes === 0) throw new GridNotFoundError(gridId);
  }

  setCancelled(gridId: string): void {
    if (this.updateGridStatus.run('cancelled', this.timestamp(), gridId).changes === 0) {
      throw new GridNotFoundError(gridId);
    }
  }

  heartbeat(ownerToken: string): void {
    this.updateGridHeartbeat.run(this.timestamp(), ownerToken);
  }

  /** The grid with this exact id, or the only one whose id starts with it; throws when a prefix is ambiguous. */
  findGrid(idOrPrefix: string): StoredGrid | undefined {
    const wanted = idOrPrefix.trim().toLowerCase();
    if (wanted === '') return undefined;
    const exact = this.getGrid(wanted);
    if (exact) return exact;
    const matches = this.selectGridIdsByPrefix.all(`${wanted.replace(/[*?[]/g, '[$&]')}*`);
    if (matches.length > 1) {
      throw new UserInputError(
        `"${idOrPrefix}" matches several grids (${matches.map((m) => m.id).join(', ')}): give more characters`,
      );
    }
    return matches.length === 1 ? this.getGrid(matches[0].id) : undefined;
  }

  getGrid(gridId: string): StoredGrid | undefined {
    const row = this.selectGrid.get(gridId);
    return row ? toGrid(row) : undefined;
  }

  listGrids(): StoredGrid[] {
    return this.selectGrids.all().map(toGrid);
  }

  /** Cell status counts of every grid, by grid id. */
  statusCounts(): Map<string, Map<GridCellStatus, number>> {
    const counts = new Map<string, Map<GridCellStatus, number>>();
    for (const row of this.selectStatusCounts.all()) {
      if (!counts.has(row.grid_id)) counts.set(row.grid_id, new Map());
      counts.get(row.grid_id)!.set(row.status as GridCellStatus, row.n);
    }
    return counts;
  }

  cells(gridId: string): StoredGridCell[] {
    return this.selectCells.all(gridId).map((row) => {
      const config = JSON.parse(row.config) as RunConfig;
      const earlyStop = row.early_stop ? (JSON.parse(row.early_stop) as { stopEpoch?: number }) : null;
      return {
        index: row.idx,
        point: row.point,
        repeat: row.repeat,
        position: row.position,
        values: JSON.parse(row.axis_values) as Record<string, unknown>,
        config,
        datasetFingerprint: row.dataset_fingerprint,
        attempts: row.attempts,
        runId: row.run_id,
        status: row.status ?? 'pending',
        runName: row.run_name,
        error: row.error,
        startedAt: row.started_at,
        finishedAt: row.finished_at,
        epochsPlanned: config.training.epochs,
        earlyStopEpoch: earlyStop?.stopEpoch ?? null,
      };
    });
  }

  /** Every run that ever was an attempt of one of the grid's cells, with its status. */
  gridRuns(gridId: string): { id: string; status: RunStatus }[] {
    return this.selectGridRuns.all(gridId);
  }

  /** Every logged epoch of the grid's current cell runs, in one query, by run id. */
  cellEpochs(gridId: string): Map<string, EpochMetrics[]> {
    const byRun = new Map<string, EpochMetrics[]>();
    for (const row of this.selectGridEpochs.all(gridId)) {
      let list = byRun.get(row.run_id);
      if (!list) byRun.set(row.run_id, (list = []));
      list.push(toEpochMetrics(row));
    }
    return byRun;
  }

  private timestamp(): string {
    return this.now().toISOString();
  }
}

interface CellEpochRow extends EpochRow {
  run_id: string;
}

function toGrid(row: GridRow): StoredGrid {
  return {
    id: row.id,
    name: row.name,
    spec: JSON.parse(row.spec) as unknown,
    axes: JSON.parse(row.axes) as ResolvedAxis[],
    status: row.status,
    cells: row.cells,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    owner:
      row.owner_pid === null || row.owner_host === null
        ? null
        : {
            pid: row.owner_pid,
            host: row.owner_host,
            token: row.owner_token ?? undefined,
            heartbeatAt: row.heartbeat_at,
          },
    runner: row.runner,
    slurmJobId: row.slurm_job_id,
    jobDir: row.job_dir,
    pruning: row.pruning ? (JSON.parse(row.pruning) as GridPruning) : null,
  };
}
