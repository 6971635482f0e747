import type { EpochColumns } from '../../common/api/epoch-columns';
import type Database from 'better-sqlite3';
import type { DatasetInfo, EpochMetrics, RunStatus } from '../../common/types';
import type { EarlyStopRecord } from '../../common/run-types';
import type { LoadedDataset, ParsedDataset } from '../datasets/types';
import { openDatabase, openReadOnlyDatabase } from './database';
import { readOnlyView } from './read-only-view';
import { ImportedDatasetRepository } from './datasets';
import { EpochRepository } from './epochs';
import { isProcessAliveOnThisHost, staleAfterMs } from './liveness';
import {
  type ArchiveImportResult,
  type ArchiveManifest,
  type ArchivePreview,
} from '../../common/archive/manifest';
import { UserInputError } from '../../common/errors';
import { importArchive, previewArchive } from './archive/merge-archive';
import { openVerifiedArchive } from './archive/open-archive';
import { writeArchive } from './archive/write-archive';
import { copyImportedDatasets } from './dataset-copy';
import { CheckpointRepository, type EpochCheckpoint } from './checkpoints';
import { LayerStatsRepository } from './layer-stats';
import { EvalPointRepository } from './eval-points';
import type { RunSchedule } from '../../common/metrics/eval-points';
import type { EvalPoint } from '../../common/types';
import type { EpochLayerStats, RunLayerStats } from '../../common/layers/layer-stats';
import { GridRepository } from './grids';
import { GridPruningRepository } from './grid-pruning';
import { RunContinuationRepository, type RequeueInput } from './run-continuation';
import { RunRepository, type RunTableEntry } from './runs';
import type {
  CreateRunInput,
  FinalRunStatus,
  ProcessLiveness,
  RunDetail,
  RunListItem,
  RunRecord,
  StartRunInput,
} from './types';

export type { RunTableEntry };

/** Which runs an archive holds: chosen ids (or unique prefixes), a grid's, a tag's, or every run. */
export type ArchiveSelection = { runIds: string[] } | { gridId: string } | { tag: string } | { all: true };

const UNFINISHED_STATUSES: readonly RunStatus[] = ['queued', 'running'];

export interface RunStoreOptions {
  /** The clock for every stored timestamp; tests pin it. */
  now?: () => Date;
}

/**
 * Every run, epoch and imported dataset, in one SQLite file. One instance per process; several processes
 * may open the same file at once (two trainings and a CLI listing), and every write is one short transaction.
 */
export class RunStore {
  private readonly runs: RunRepository;
  private readonly epochs: EpochRepository;
  private readonly datasets: ImportedDatasetRepository;
  private readonly gridRepo: GridRepository;
  private readonly gridPruningRepo: GridPruningRepository;
  private readonly checkpointRepo: CheckpointRepository;
  private readonly continuation: RunContinuationRepository;
  private readonly layerStatsRepo: LayerStatsRepository;
  private readonly pointRepo: EvalPointRepository;
  private readonly appendTransaction: (
    runId: string,
    metrics: EpochMetrics,
    checkpoint: EpochCheckpoint | null,
    layers: EpochLayerStats | null,
  ) => void;
  private readonly readRunDetail: (idOrUniquePrefix: string) => RunDetail | undefined;
  private readonly appendPointTransaction: (
    runId: string,
    point: EvalPoint,
    layers: EpochLayerStats | null,
  ) => void;

  private constructor(
    private readonly db: Database.Database,
    readonly path: string,
    private readonly now: () => Date,
  ) {
    this.runs = new RunRepository(db, now);
    this.epochs = new EpochRepository(db, now);
    this.datasets = new ImportedDatasetRepository(db, now);
    this.checkpointRepo = new CheckpointRepository(db, this.epochs, now);
    this.continuation = new RunContinuationRepository(db);
    this.layerStatsRepo = new LayerStatsRepository(db);
    this.pointRepo = new EvalPointRepository(db);
    const append = db.transaction(
      (
        runId: string,
        metrics: EpochMetrics,
        checkpoint: EpochCheckpoint | null,
        layers: EpochLayerStats | null,
      ) => {
        this.epochs.appendEpoch(runId, metrics);
        if (checkpoint) this.checkpointRepo.keepEpoch(runId, metrics.epoch, checkpoint);
        if (layers) this.layerStatsRepo.insert(runId, metrics.epoch, layers);
      },
    );
    this.appendTransaction = (...args) => append.immediate(...args);
    const appendPoint = db.transaction((runId: string, point: EvalPoint, layers: EpochLayerStats | null) => {
      this.pointRepo.append(runId, point);
      if (layers) this.layerStatsRepo.insertPoint(runId, point.step, point.epoch, layers);
    });
    this.appendPointTransaction = (...args) => appendPoint.immediate(...args);
    this.gridPruningRepo = new GridPruningRepository(db, now);
    this.gridRepo = new GridRepository(db, this.runs, now, {
      checkpoints: this.checkpointRepo,
      continuation: this.continuation,
      pruning: this.gridPruningRepo,
    });
    // One read transaction, so that the row, the summaries and the epoch count are from the same moment
    // even while another process is logging epochs.
    this.readRunDetail = db.transaction((idOrUniquePrefix: string): RunDetail | undefined => {
      const run = this.runs.findRun(idOrUniquePrefix);
      if (!run) return undefined;
      return {
        ...run,
        summaries: this.epochs.getSummaries(run.id),
        epochs: this.epochs.countEpochs(run.id),
        checkpoints: this.checkpointRepo.list(run.id),
        checkpointBytes: this.checkpointRepo.runBytes(run.id),
        children: this.continuation.children(run.id),
      };
    });
  }

  /** Opens (creating folder and file if needed) and migrates the store at `path`, or ':memory:'. */
  static open(path: string, options: RunStoreOptions = {}): RunStore {
    return new RunStore(openDatabase(path), path, options.now ?? (() => new Date()));
  }

  /**
   * A store or an archive opened only to look at it (`serve --read-only`): nothing is ever written to `path`.
   * An archive is checked as an import would check it; an older schema is upgraded in a private copy.
   * `close()` removes any copy.
   */
  static openReadOnly(path: string, options: RunStoreOptions = {}): RunStore {
    const view = readOnlyView(path);
    const store = new RunStore(openReadOnlyDatabase(view.path), path, options.now ?? (() => new Date()));
    store.disposeView = view.dispose;
    return store;
  }

  private disposeView: () => void = () => undefined;

  /** The SQLite library version, for `workbench doctor`. */
  sqliteVersion(): string {
    return (this.db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  }

  close(): void {
    if (this.db.open) this.db.close();
    this.disposeView();
  }

  /** True when opened with openReadOnly. */
  get readOnly(): boolean {
    return this.db.readonly;
  }

  /** A queued run in the config's experiment (created if new), with its params; one transaction. */
  createRun(input: CreateRunInput): RunRecord {
    return this.runs.createRun(input);
  }

  /** queued → running. Throws RunStateError for any other status. */
  startRun(runId: string, input: StartRunInput): void {
    this.runs.startRun(runId, input);
  }

  /**
   * One transaction: the epoch, the updated summaries, with `checkpoint` the state after it as its policy keeps
   * it, and with `layers` its per-layer statistics. Once it returns, all of it survives kill -9; if it throws, none of it was written.
   */
  appendEpoch(
    runId: string,
    metrics: EpochMetrics,
    checkpoint: EpochCheckpoint | null = null,
    layers: EpochLayerStats | null = null,
  ): void {
    this.appendTransaction(runId, metrics, checkpoint, layers);
  }

  /**
   * Logs an evaluation point inside an epoch with, given `layers`, its layer statistics: one transaction,
   * committed at once, so a kill loses at most the point being evaluated.
   */
  appendPoint(runId: string, point: EvalPoint, layers: EpochLayerStats | null = null): void {
    this.appendPointTransaction(runId, point, layers);
  }

  /** The run's points inside its epochs, in step order (its epoch rows are the points on epoch ends). */
  getPoints(runId: string): EvalPoint[] {
    return this.pointRepo.forRun(runId);
  }

  /** How the run's epochs divide into steps and examples, recorded when it starts training. */
  recordSchedule(runId: string, schedule: RunSchedule): void {
    this.pointRepo.recordSchedule(runId, schedule);
  }

  /** Null for a run recorded before schedules were. */
  getSchedule(runId: string): RunSchedule | null {
    return this.pointRepo.schedule(runId);
  }

  /** The run's per-layer statistics, epoch by epoch (no layers where it logged none). */
  layerStats(runId: string): RunLayerStats {
    return this.layerStatsRepo.forRun(runId);
  }

  /** Kept checkpoints: list, read (hash-checked), prune (see CheckpointRepository). */
  get checkpoints(): CheckpointRepository {
    return this.checkpointRepo;
  }

  /** Queues a stopped run again in place to train on from its last epoch (see RunContinuationRepository). */
  requeueRun(runId: string, input: RequeueInput): void {
    this.continuation.requeue(runId, input, this.now());
  }

  /**
   * queued/running → a final status. Returns false and changes nothing when the run is already final
   * (the first outcome stands); throws RunNotFoundError for an unknown id.
   */
  finishRun(runId: string, status: FinalRunStatus, error?: string, earlyStop?: EarlyStopRecord): boolean {
    const finished = this.runs.finishRun(runId, status, error, earlyStop);
    if (finished) {
      try {
        this.checkpointRepo.releaseFreePages();
      } catch {
        // Space only: the run's outcome is recorded; the pages stay free for the next run's checkpoints.
      }
    }
    return finished;
  }

  /**
   * Marks 'interrupted' every queued or running run whose owning process is gone, keeping its epochs.
   * Call at every app and CLI start. Returns the ids it marked.
   */
  markOrphanedRunsInterrupted(
    isProcessAlive: ProcessLiveness = isProcessAliveOnThisHost,
    staleAfter: number = staleAfterMs(),
  ): string[] {
    return this.runs.markOrphanedRunsInterrupted(isProcessAlive, staleAfter);
  }

  /**
   * Writes the finished runs of `selection` (with their grids, experiments and, if asked, imported datasets'
   * arrays) to one archive file. Unfinished runs are left out and listed.
   */
  exportArchive(
    selection: ArchiveSelection,
    out: string,
    options: { withDatasets: boolean; appVersion: string },
  ): { manifest: ArchiveManifest; leftOut: { id: string; status: RunStatus }[] } {
    const chosen = this.resolveArchiveSelection(selection);
    const finished = chosen.runs.filter((r) => !UNFINISHED_STATUSES.includes(r.status));
    if (finished.length === 0) {
      throw new UserInputError(
        chosen.runs.length === 0
          ? `nothing to export: ${chosen.label} selects no runs`
          : `nothing to export: every run ${chosen.label} selects is still queued or running`,
      );
    }
    const gridIds = new Set(chosen.gridIds);
    for (const run of finished) if (run.gridId) gridIds.add(run.gridId);
    const manifest = writeArchive({
      storePath: this.path,
      runIds: finished.map((r) => r.id),
      gridIds: [...gridIds],
      out,
      withDatasets: options.withDatasets,
      appVersion: options.appVersion,
      selection: chosen.label,
      now: this.now(),
    });
    return { manifest, leftOut: chosen.runs.filter((r) => UNFINISHED_STATUSES.includes(r.status)) };
  }

  /** What importing the archive would do, changing nothing. */
  previewArchive(file: string, knownFingerprints: ReadonlySet<string>): ArchivePreview {
    const archive = openVerifiedArchive(file);
    try {
      return previewArchive(this.db, archive, { onConflict: 'skip', knownFingerprints });
    } finally {
      archive.dispose();
    }
  }

  /** Merges the archive in one transaction (see merge-archive.ts). */
  importArchive(
    file: string,
    options: {
      onConflict: 'skip' | 'replace';
      supersedeStopped?: boolean;
      knownFingerprints: ReadonlySet<string>;
    },
  ): ArchiveImportResult {
    const archive = openVerifiedArchive(file);
    try {
      return importArchive(this.db, archive, options);
    } finally {
      archive.dispose();
    }
  }

  private resolveArchiveSelection(selection: ArchiveSelection): {
    runs: { id: string; status: RunStatus; gridId: string | null }[];
    gridIds: string[];
    label: string;
  } {
    const all = this.runs.listRuns();
    if ('all' in selection) return { runs: all, gridIds: [], label: '--all' };
    if ('tag' in selection) {
      return {
        runs: all.filter((r) => r.tags.includes(selection.tag)),
        gridIds: [],
        label: `--tag ${selection.tag}`,
      };
    }
    if ('gridId' in selection) {
      const grid = this.gridRepo.findGrid(selection.gridId);
      if (!grid)
        throw new UserInputError(
          `--grid ${selection.gridId}: no grid with this id (see \`workbench grids\`)`,
        );
      return {
        runs: all.filter((r) => r.gridId === grid.id),
        gridIds: [grid.id],
        label: `--grid ${grid.id}`,
      };
    }
    const runs = selection.runIds.map((id) => {
      const run = this.runs.findRun(id);
      if (!run) throw new UserInputError(`--runs ${id}: no run with this id (see \`workbench runs\`)`);
      return { id: run.id, status: run.status, gridId: run.gridId };
    });
    return { runs, gridIds: [], label: `${runs.length} run${runs.length === 1 ? '' : 's'}` };
  }

  /** Proof of life for every unfinished run and grid this process owns. */
  heartbeat(ownerToken: string): void {
    this.runs.heartbeat(ownerToken);
    this.gridRepo.heartbeat(ownerToken);
  }

  /** Pruned grids' pruning and rung decisions (see GridPruningRepository). */
  get gridPruning(): GridPruningRepository {
    return this.gridPruningRepo;
  }

  /** Grids, their cells and the claims on them (see GridRepository). */
  get grids(): GridRepository {
    return this.gridRepo;
  }

  /** Runs this process owns that another process asked to cancel. */
  cancelRequests(ownerToken: string): string[] {
    return this.runs.cancelRequests(ownerToken);
  }

  /** Asks the process that owns an unfinished run to cancel it; false when the run is not unfinished. */
  requestCancel(runId: string): boolean {
    return this.runs.requestCancel(runId);
  }

  /** Newest first. */
  listRuns(): RunListItem[] {
    return this.runs.listRuns();
  }

  /** Newest first, with each run's config and best validation loss (the runs table's source). */
  listRunTable(): RunTableEntry[] {
    return this.runs.listRunTable();
  }

  /** The status of the run with this exact id; undefined when there is none. */
  runStatus(runId: string): RunStatus | undefined {
    return this.runs.findStatus(runId);
  }

  /** By exact id or unique id prefix; throws AmbiguousRunPrefixError when a prefix matches several runs. */
  getRun(idOrUniquePrefix: string): RunDetail | undefined {
    return this.readRunDetail(idOrUniquePrefix);
  }

  /** Mean seconds per logged epoch, by run id (duration estimates). */
  meanEpochSeconds(): Map<string, number> {
    return this.epochs.meanEpochSeconds();
  }

  /** In epoch order. */
  getEpochs(runId: string): EpochMetrics[] {
    return this.epochs.getEpochs(runId);
  }

  /** The run's epochs as columns (what `runs.epochColumns` sends), in epoch order. */
  getEpochColumns(runId: string): EpochColumns {
    return this.epochs.getEpochColumns(runId);
  }

  /** Deletes the run with its params, epochs and summaries. Exact id only. */
  deleteRun(runId: string): boolean {
    return this.runs.deleteRun(runId);
  }

  /** Deletes these runs (exact ids) with everything they own, all in one transaction; returns those that existed. */
  deleteRuns(runIds: readonly string[]): string[] {
    return this.runs.deleteRuns(runIds);
  }

  setTags(runId: string, tags: readonly string[]): void {
    this.runs.setTags(runId, tags);
  }

  saveImportedDataset(d: ParsedDataset): DatasetInfo {
    return this.datasets.saveImportedDataset(d);
  }

  listImportedDatasets(): DatasetInfo[] {
    return this.datasets.listImportedDatasets();
  }

  loadImportedDataset(id: string): LoadedDataset | undefined {
    return this.datasets.loadImportedDataset(id);
  }

  deleteImportedDataset(id: string): boolean {
    return this.datasets.deleteImportedDataset(id);
  }

  /** Copies these imported datasets from another store file (ids kept; ones this store has stay). */
  copyImportedDatasets(fromFile: string, ids: readonly string[]): number {
    return copyImportedDatasets(this.db, fromFile, ids);
  }
}
