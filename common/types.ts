/** Types shared by the engine, the store, the CLI and (later) the renderer. Pure: no Node, DOM or Electron. */

export const RUN_STATUSES = [
  'queued',
  'running',
  'completed',
  'failed',
  'cancelled',
  'diverged',
  'interrupted',
  /** A pruned grid's cell at a rung, its checkpoint kept, waiting for the rung's decision (common/grid/pruning). */
  'paused',
  /** A pruned grid's cell that a rung ended: its epochs stay, the rung is named in the grid. */
  'pruned',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
/** Statuses in which no process trains the run (a paused one may be taken up again by its grid). */
export const FINAL_STATUSES: readonly RunStatus[] = [
  'completed',
  'failed',
  'cancelled',
  'diverged',
  'interrupted',
  'paused',
  'pruned',
];

/** One logged epoch. Losses are the mean cross-entropy per example (no L2 term); null where a split is empty. */
export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  trainAcc: number;
  valLoss: number | null;
  valAcc: number | null;
  testLoss: number | null;
  testAcc: number | null;
  lr: number;
  /** Seconds this epoch took (training and evaluation). */
  seconds: number;
}

/**
 * An evaluation inside an epoch (`training.evaluateEvery`): the same sets and numbers as an epoch row, at a
 * step. A point that falls on an epoch's end is not one of these: that epoch's row is the point. Its `epoch`
 * is fractional (examples ÷ training-set size) and its `seconds` count from its epoch's start (training and
 * the evaluations so far).
 */
export interface EvalPoint extends EpochMetrics {
  /** Optimizer steps taken so far in the run (1-based: the point follows step `step`). */
  step: number;
  /** Training examples seen so far. */
  examples: number;
}

export const METRIC_NAMES = ['trainLoss', 'trainAcc', 'valLoss', 'valAcc', 'testLoss', 'testAcc'] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

export interface MetricSummary {
  metric: MetricName;
  /** Best = lowest for losses, highest for accuracies. */
  bestValue: number;
  bestEpoch: number;
  min: number;
  max: number;
  lastValue: number;
  lastEpoch: number;
}

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

export interface BackendCandidate {
  name: BackendName;
  package: string;
  loaded: boolean;
  /** Why it was not used (failed to load, or a better one was chosen). */
  reason?: string;
}

/** Where the wasm backend's matrix products are computed: the platform's BLAS (an addon) or wasm kernels. */
export interface MatMulReport {
  path: 'blas' | 'wasm';
  /** Why this path: the addon's file, or why it was not used. */
  reason: string;
  /** The BLAS library and its settings, on the BLAS path. */
  library?: string;
}

export interface BackendReport {
  chosen: BackendName;
  /** tfjs backend registry name and package version. */
  tfjsBackend: string;
  version: string;
  candidates: BackendCandidate[];
  /** On wasm: where its matrix products run (absent in runs recorded before it was reported). */
  matmul?: MatMulReport;
}

export interface DatasetInfo {
  id: string;
  name: string;
  source: 'builtin' | 'imported';
  /** Shape of one example, e.g. [28, 28, 1] or [4]. */
  shape: number[];
  classes: number;
  classNames?: string[];
  examples: number;
  /** Size of the dataset's own test part, when it has one (MNIST: 10 000). */
  officialTest: number;
  fingerprint: string;
  description?: string;
  /** Imported datasets: when, and the bytes their arrays take in the store. */
  importedAt?: string;
  bytes?: number;
}
