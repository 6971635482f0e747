import { z } from 'zod';
import type { RunConfig } from '../config/run-config';
import type { ArchiveImportResult, ArchiveManifest, ArchivePreview } from '../archive/manifest';
import type { GridCheck, GridDetail, GridPresetInfo, GridSummary } from '../grid/types';
import type { FirstLayerAnswer } from '../checkpoints/first-layer';
import type { RunLayerStats } from '../layers/layer-stats';
import type { DatasetPreview } from '../datasets/preview';
import type { GridPruneReplay } from '../grid/pruning';
import { slurmOptionsSchema, type SlurmGridResult } from '../grid/slurm';
import { METRIC_NAMES } from '../types';
import type { ModelSummary } from '../model/summary';
import type { RunDetail, RunListItem } from '../run-types';
import type { BackendName, BackendReport, DatasetInfo, EpochMetrics, EvalPoint, RunStatus } from '../types';
import type { RunEpochColumns } from './epoch-columns';
import type { ModelEvaluation } from '../model-eval/types';
import type { RunSchedule } from '../metrics/eval-points';

/**
 * The one service contract of the workbench. Every capability the UI has is a method here; the Electron
 * preload (IPC) and `workbench serve` (HTTP) are two transports of the same contract, and the renderer talks
 * to a `WorkbenchClient` without knowing which one it has. Params are validated with these schemas on the
 * main side before any handler runs; results are plain JSON.
 */

const runId = z
  .string({ error: 'expected a run id (a string)' })
  .trim()
  .min(1, { error: 'expected a run id (a non-empty string)' })
  .max(64, { error: 'expected a run id of at most 64 characters' });

const runIds = z
  .array(runId, { error: 'expected a list of run ids' })
  .min(1, { error: 'expected at least one run id' })
  .max(5000, { error: 'expected at most 5000 run ids' });

const gridId = z
  .string({ error: 'expected a grid id (a string)' })
  .trim()
  .min(1, { error: 'expected a grid id (a non-empty string)' })
  .max(64, { error: 'expected a grid id of at most 64 characters' });

const transferId = z
  .string({ error: 'expected a transfer id (a string)' })
  .regex(/^[A-Za-z0-9_-]{24}$/, { error: 'expected a transfer id (from an upload or an export)' });

/** `best`, `last` or an epoch number: which kept checkpoint. */
const epochChoice = z.union(
  [
    z.enum(['best', 'last']),
    z
      .number()
      .int({ error: 'expected "best", "last" or an epoch ≥ 1' })
      .min(1, { error: 'expected "best", "last" or an epoch ≥ 1' }),
  ],
  { error: 'expected "best", "last" or an epoch ≥ 1' },
);

const totalEpochs = z
  .number({ error: 'expected a number of epochs (an integer ≥ 1)' })
  .int({ error: 'expected a number of epochs (an integer ≥ 1)' })
  .min(1, { error: 'expected a number of epochs (an integer ≥ 1)' });

const metric = z.enum(METRIC_NAMES, { error: `expected one of ${METRIC_NAMES.join(', ')}` });

const tag = z
  .string({ error: 'expected a tag (a string)' })
  .trim()
  .min(1, { error: 'expected a non-empty tag' })
  .max(64, { error: 'expected a tag of at most 64 characters' });

/** Params of every method. `config` fields stay `unknown` here: they are checked with `runConfigSchema`. */
export const apiParamSchemas = {
  /** Versions, database path, backend chain, worker count. */
  'app.info': z.strictObject({}),
  'datasets.list': z.strictObject({}),
  /** What an uploaded dataset file holds (shape, classes, counts, samples) and every problem; stores nothing. */
  'datasets.inspect': z.strictObject({
    transferId,
    labelsTransferId: transferId.optional(),
    labelColumn: z.string({ error: 'expected a column name' }).min(1).max(200).optional(),
  }),
  /** Imports an uploaded dataset file under a name, after the same validation as `workbench import`. */
  'datasets.import': z.strictObject({
    transferId,
    labelsTransferId: transferId.optional(),
    labelColumn: z.string({ error: 'expected a column name' }).min(1).max(200).optional(),
    name: z
      .string({ error: 'expected a dataset name' })
      .trim()
      .min(1, { error: 'expected a dataset name' })
      .max(200),
  }),
  /** What a stored dataset (built-in or imported) holds: counts per class, value range, samples or rows. */
  'datasets.preview': z.strictObject({
    datasetId: z.string({ error: 'expected a dataset id' }).trim().min(1).max(128),
    samplesPerClass: z
      .number({ error: 'expected a whole number from 1 to 8' })
      .int({ error: 'expected a whole number from 1 to 8' })
      .min(1, { error: 'expected a whole number from 1 to 8' })
      .max(8, { error: 'expected a whole number from 1 to 8' })
      .optional(),
  }),
  /** Deletes an imported dataset; the runs that used it stay (and are returned, to be named). */
  'datasets.delete': z.strictObject({
    datasetId: z.string({ error: 'expected a dataset id' }).trim().min(1).max(128),
  }),
  /** Bundled presets E1–E9 with their raw JSON, as a starting point for a new run. */
  'presets.list': z.strictObject({}),
  /** Validates a config without starting it: per-field issues, or the resolved config and model summary. */
  'config.check': z.strictObject({ config: z.unknown() }),
  'runs.list': z.strictObject({}),
  'runs.get': z.strictObject({ runId }),
  /** Every logged epoch of each run, in epoch order, no downsampling. */
  'runs.epochs': z.strictObject({ runIds }),
  /** The same epochs as columns (one array per field): the compact form for views over many runs. */
  'runs.epochColumns': z.strictObject({ runIds }),
  /** Per-layer statistics, epoch by epoch: norms, update ratios, kernel histograms, dead units. */
  'runs.layers': z.strictObject({ runId }),
  /**
   * Each run's evaluation points inside its epochs and its schedule (steps and examples per epoch): what
   * puts its curves on a step, examples or time axis.
   */
  'runs.points': z.strictObject({ runIds }),
  'runs.start': z.strictObject({ config: z.unknown() }),
  /** Starts a new run with the stored (resolved) config of an existing one. */
  'runs.rerun': z.strictObject({ runId }),
  'runs.cancel': z.strictObject({ runId }),
  /** Deletes finished runs; a queued or running run is refused (cancel it first). */
  'runs.delete': z.strictObject({ runIds }),
  'runs.setTags': z.strictObject({
    runId,
    tags: z.array(tag, { error: 'expected a list of tags' }).max(32, { error: 'expected at most 32 tags' }),
  }),
  /** Config, status and summaries of many runs in one call (Compare, grids): what runs.get gives, per run. */
  'runs.details': z.strictObject({ runIds }),
  /**
   * Continues a stopped run in place from its last checkpoint (interrupted, failed, cancelled), or extends a
   * completed one to `epochs` in all. Its epochs so far stay; none is trained twice.
   */
  'runs.resume': z.strictObject({ runId, epochs: totalEpochs.optional() }),
  /**
   * A new run from `runId`'s checkpoint at `epoch`, with `config` (the parent's, changed where the fork
   * differs; only fields that keep the model's tensors may change). Its epochs go on from epoch + 1 to the
   * config's training.epochs, counted with the parent's.
   */
  'runs.fork': z.strictObject({ runId, epoch: epochChoice, config: z.unknown() }),
  /** Drops kept checkpoints to give their space back: keep only the best, only the last, or none. */
  'checkpoints.prune': z.strictObject({
    runIds,
    keep: z.enum(['best', 'last', 'none'], { error: 'expected "best", "last" or "none"' }),
  }),
  /**
   * A kept model on one split of its run (default: validation, else test, else train) or on every example of
   * another dataset with the same input shape and classes: loss, accuracy, confusion matrix, per-class
   * precision / recall / F1, and its mistakes, most confident first (`inputs`: that many with the stored
   * example, for a gallery).
   */
  'models.evaluate': z.strictObject({
    runId,
    epoch: epochChoice.optional(),
    split: z
      .enum(['train', 'validation', 'test'], { error: 'expected "train", "validation" or "test"' })
      .optional(),
    datasetId: z.string({ error: 'expected a dataset id' }).trim().min(1).max(128).optional(),
    inputs: z.number().int().min(0).max(256, { error: 'expected at most 256 inputs' }).optional(),
  }),
  /** Writes a kept model as an .npz or a zipped tfjs LayersModel folder, ready to download by its transfer id. */
  'models.export': z.strictObject({
    runId,
    epoch: epochChoice.optional(),
    format: z.enum(['npz', 'tfjs'], { error: 'expected "npz" or "tfjs"' }),
  }),
  /** A kept model's first weighted layer as pictures: each unit's incoming weights, or each filter. */
  'models.firstLayer': z.strictObject({ runId, epoch: epochChoice.optional() }),
  /** Bundled grid presets (E3, E5, E6, E7) with their raw JSON. */
  'grids.presets': z.strictObject({}),
  /** Expands and checks every cell of a grid spec without storing anything; `spec` is checked with gridSpecSchema. */
  'grids.check': z.strictObject({ spec: z.unknown() }),
  /** Stores the grid and queues every cell; cells run on every training worker. */
  'grids.start': z.strictObject({ spec: z.unknown() }),
  'grids.list': z.strictObject({}),
  /** The grid with one result row per cell, ranked by `monitor` (default: validation loss, else training loss). */
  'grids.get': z.strictObject({ gridId, monitor: metric.optional() }),
  /** Cancels every queued and running cell; finished cells keep their results. */
  'grids.cancel': z.strictObject({ gridId }),
  /**
   * What a successive-halving or Hyperband setting would have done on a finished grid: its rungs' decisions,
   * the epochs it saves, the winners and the regret (common/grid/pruning.ts). Stores nothing.
   */
  'grids.pruneReplay': z.strictObject({ gridId, pruning: z.unknown() }),
  /** Continues an unfinished grid: finished cells stay, pending and interrupted ones train. */
  'grids.resume': z.strictObject({ gridId }),
  /**
   * Writes the grid as a Slurm array job folder (cells, sbatch script, README) and stores it as Slurm's (listed,
   * never trained here); submits it where `sbatch` is on the PATH of the machine the workbench runs on.
   */
  'grids.slurm': z.strictObject({ spec: z.unknown(), options: slurmOptionsSchema.optional() }),
  /**
   * Writes finished runs to one archive file, ready to download (HTTP) or save (Electron) by its transfer id:
   * chosen runs, a grid's, a tag's, or every run.
   */
  'archives.export': z.strictObject({
    selection: z.union(
      [
        z.strictObject({ runIds }),
        z.strictObject({ gridId }),
        z.strictObject({ tag }),
        z.strictObject({ all: z.literal(true) }),
      ],
      { error: 'expected {"runIds": [...]}, {"gridId": "..."}, {"tag": "..."} or {"all": true}' },
    ),
    withDatasets: z.boolean({ error: 'expected true or false' }).optional(),
    /** The runs' checkpoints (rows and blobs) too, so their models work in the other store. */
    withModels: z.boolean({ error: 'expected true or false' }).optional(),
  }),
  /** What importing an uploaded archive would do: new, identical and conflicting runs, missing datasets. */
  'archives.inspect': z.strictObject({ transferId }),
  /** Merges an uploaded archive into the store in one transaction. */
  'archives.import': z.strictObject({
    transferId,
    onConflict: z.enum(['skip', 'replace'], { error: 'expected "skip" or "replace"' }).optional(),
  }),
} as const;

export type ApiMethodName = keyof typeof apiParamSchemas;
export const API_METHOD_NAMES = Object.keys(apiParamSchemas) as ApiMethodName[];

export function isApiMethodName(name: unknown): name is ApiMethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(apiParamSchemas, name);
}

export type ApiParams<M extends ApiMethodName> = z.input<(typeof apiParamSchemas)[M]>;
export type ApiParsedParams<M extends ApiMethodName> = z.output<(typeof apiParamSchemas)[M]>;

export interface AppInfo {
  appVersion: string;
  dbPath: string;
  /** Which transport served this answer. */
  transport: 'electron' | 'http';
  /** The store (or archive) is only being looked at: nothing can be started, changed or deleted. */
  readOnly: boolean;
  backend: BackendReport;
  /** Backends a run may choose (those that load), best first. */
  availableBackends: BackendName[];
  trainingWorkers: number;
  versions: Record<string, string | null>;
}

export interface PresetInfo {
  /** File name without `.json`, e.g. `e2-mlp-sgd-momentum`. */
  id: string;
  name: string;
  description: string | null;
  /** The preset file's JSON as written (defaults not filled in): what the editor starts from. */
  config: unknown;
}

export interface ConfigIssue {
  /** Dotted field path, e.g. `training.batchSize`; empty for the config as a whole. */
  path: string;
  message: string;
}

export type ConfigCheck =
  | {
      ok: true;
      /** The resolved config (every default filled in) that would be stored. */
      config: RunConfig;
      dataset: DatasetInfo;
      model: ModelSummary;
    }
  | { ok: false; issues: ConfigIssue[] };

/** One row of the runs table. */
export interface RunTableRow extends RunListItem {
  modelKind: 'mlp' | 'cnn';
  /** Key hyperparameters as display text, e.g. {"hidden": "1000", "optimizer": "momentum", "lr": "1e-5"}. */
  hyper: Record<string, string>;
  /** Seconds from start to finish (or to now, while running); null before it starts. */
  durationSeconds: number | null;
  /** Lowest validation loss and its epoch. */
  bestValLoss: number | null;
  bestValLossEpoch: number | null;
  /** The run has a validation split (without one it logs no validation metrics, e.g. the E7 Iris runs). */
  hasValidation: boolean;
  /** Test accuracy at the last logged epoch; null without a test split or before the first epoch. */
  lastTestAcc: number | null;
}

export interface RunPoints {
  runId: string;
  /** Null for a run recorded before schedules were: its curves have epoch and time axes only. */
  schedule: RunSchedule | null;
  /** In step order; the points on epoch ends are the epoch rows (runs.epochs) and are not repeated here. */
  points: EvalPoint[];
}

export interface RunEpochs {
  runId: string;
  epochs: EpochMetrics[];
}

export interface ApiResults {
  'app.info': AppInfo;
  'datasets.list': DatasetInfo[];
  'datasets.inspect': DatasetPreview;
  'datasets.preview': DatasetPreview;
  'datasets.import': DatasetInfo;
  'datasets.delete': { datasetId: string; runs: { id: string; name: string }[] };
  'presets.list': PresetInfo[];
  'config.check': ConfigCheck;
  'runs.list': RunTableRow[];
  'runs.get': RunDetail & { versions: Record<string, string | null> };
  'runs.epochs': RunEpochs[];
  'runs.layers': RunLayerStats;
  'runs.points': RunPoints[];
  'runs.epochColumns': RunEpochColumns[];
  'runs.start': { runId: string };
  'runs.rerun': { runId: string };
  'runs.cancel': { cancelled: boolean };
  'runs.delete': { deleted: string[] };
  'runs.setTags': { tags: string[] };
  'runs.details': (RunDetail & { versions: Record<string, string | null> })[];
  'runs.resume': { runId: string; fromEpoch: number; epochs: number };
  'runs.fork': { runId: string; parent: { runId: string; epoch: number } };
  'checkpoints.prune': {
    runs: number;
    checkpointsDeleted: number;
    bytesDeleted: number;
    bytesOnDisk: number;
  };
  'models.evaluate': ModelEvaluation;
  'models.export': { transferId: string; fileName: string; bytes: number };
  'models.firstLayer': FirstLayerAnswer;
  'grids.presets': GridPresetInfo[];
  'grids.check': GridCheck;
  'grids.start': { gridId: string; cells: number };
  'grids.list': GridSummary[];
  'grids.get': GridDetail;
  'grids.cancel': { cancelled: number };
  'grids.pruneReplay': GridPruneReplay;
  'grids.resume': { gridId: string; pending: number };
  'grids.slurm': SlurmGridResult;
  'archives.export': {
    transferId: string;
    fileName: string;
    bytes: number;
    counts: ArchiveManifest['counts'];
    /** Runs the selection named that are still queued or running: never exported. */
    leftOut: { id: string; status: RunStatus }[];
  };
  'archives.inspect': ArchivePreview;
  'archives.import': ArchiveImportResult;
}

export type ApiResult<M extends ApiMethodName> = ApiResults[M];

/** Live events pushed to every connected client. */
export type ApiEvent =
  | { type: 'run.status'; runId: string; status: RunStatus; error?: string }
  | { type: 'run.started'; runId: string; backend: BackendName; trainExamples: number }
  /** Batch progress inside an epoch; throttled (a few per second per run). */
  | { type: 'run.progress'; runId: string; epoch: number; batch: number; batches: number }
  | { type: 'run.epoch'; runId: string; metrics: EpochMetrics }
  /** An evaluation point inside an epoch (`training.evaluateEvery`); epoch ends come as run.epoch. */
  | { type: 'run.point'; runId: string; point: EvalPoint }
  | { type: 'runs.changed' }
  /** A grid's status or one of its cells changed (a cell claimed, started, finished). */
  | { type: 'grid.changed'; gridId: string };

export type ApiEventType = ApiEvent['type'];

export const API_ERROR_CODES = [
  'invalid-input',
  'not-found',
  'conflict',
  'unauthorized',
  'internal',
] as const;
export type ApiErrorCode = (typeof API_ERROR_CODES)[number];

export interface ApiErrorBody {
  code: ApiErrorCode;
  /** One line a user understands: which field, what was expected. */
  message: string;
  issues?: ConfigIssue[];
}

/** What every transport carries back for a call. */
export type ApiResponse<M extends ApiMethodName = ApiMethodName> =
  { ok: true; result: ApiResult<M> } | { ok: false; error: ApiErrorBody };

/** Thrown by clients when a call answers `ok: false`. */
export class ApiError extends Error {
  constructor(readonly body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
  }
  get code(): ApiErrorCode {
    return this.body.code;
  }
}

/** The main-side implementation: one handler per method, taking validated params. */
export type ApiHandlers = {
  [M in ApiMethodName]: (params: ApiParsedParams<M>) => Promise<ApiResult<M>> | ApiResult<M>;
};

/** What the renderer talks to; implemented over Electron IPC and over HTTP. */
export interface WorkbenchClient {
  readonly transport: 'electron' | 'http';
  call<M extends ApiMethodName>(method: M, params: ApiParams<M>): Promise<ApiResult<M>>;
  /** Live events; returns the unsubscribe function. */
  subscribe(listener: (event: ApiEvent) => void): () => void;
  /** Saves an export: a save dialog in Electron, a download in the browser. Resolves false if cancelled. */
  saveFile(fileName: string, data: Uint8Array | string, mimeType: string): Promise<boolean>;
  /** Hands a file the user picked (an archive to import) to the main side; resolves its transfer id. */
  uploadFile(fileName: string, data: Uint8Array): Promise<string>;
  /** Saves a file the main side wrote (an exported archive): a save dialog in Electron, a download in the browser. */
  saveTransfer(transferId: string, fileName: string): Promise<boolean>;
}

/**
 * What the preload exposes as `window.workbench` (contextBridge): nothing but the contract. `call` rejects
 * method names the contract does not have before anything reaches the main process.
 */
export interface WorkbenchBridge {
  call(method: string, params: unknown): Promise<ApiResponse>;
  onEvent(listener: (event: ApiEvent) => void): () => void;
  saveFile(fileName: string, data: Uint8Array | string): Promise<boolean>;
  upload(fileName: string, data: Uint8Array): Promise<string>;
  saveTransfer(transferId: string, fileName: string): Promise<boolean>;
}

/** IPC channel names, typed so main and preload cannot drift apart. */
export const IPC_CHANNELS = {
  call: 'workbench:call',
  event: 'workbench:event',
  saveFile: 'workbench:save-file',
  upload: 'workbench:upload',
  saveTransfer: 'workbench:save-transfer',
} as const;

/** HTTP transport constants. */
export const HTTP_API_PREFIX = '/api/';
export const HTTP_EVENTS_PATH = '/api/events';
export const HTTP_TOKEN_HEADER = 'x-workbench-token';
/** POST the raw bytes of a file (`?name=` its name) to get a transfer id. */
export const HTTP_UPLOAD_PATH = '/api/upload';
/** GET `/api/download/<transferId>?token=…` streams an exported file. */
export const HTTP_DOWNLOAD_PREFIX = '/api/download/';
/** Query parameter carrying the token where headers cannot be set (EventSource). */
export const HTTP_TOKEN_QUERY = 'token';
