import type { AppInfo, ConfigCheck, PresetInfo, RunTableRow } from '../../../common/api/contract';
import type { RunConfig } from '../../../common/config/run-config';
import type { RunDetailData } from '../run-detail/live-run';
import type { DatasetInfo, EpochMetrics, RunStatus } from '../../../common/types';
import type { GridCheck, GridPresetInfo } from '../../../common/grid/types';

/** Test data shaped like the real API's answers. */

export const APP_INFO: AppInfo = {
  appVersion: '0.1.0',
  dbPath: '/tmp/test.db',
  transport: 'http',
  backend: { chosen: 'wasm', tfjsBackend: 'wasm', version: '4.22.0', candidates: [] },
  availableBackends: ['wasm', 'cpu'],
  trainingWorkers: 2,
  readOnly: false,
  versions: { '@tensorflow/tfjs-core': '4.22.0' },
};

export const MNIST: DatasetInfo = {
  id: 'mnist',
  name: 'MNIST',
  source: 'builtin',
  shape: [28, 28, 1],
  classes: 10,
  examples: 70000,
  officialTest: 10000,
  fingerprint: 'e26db7208a52b607635811a9ac12ef232497f9f963d309172d38d14e3742c3bb',
};

export const IRIS: DatasetInfo = {
  id: 'iris',
  name: 'Iris',
  source: 'builtin',
  shape: [4],
  classes: 3,
  examples: 150,
  officialTest: 0,
  fingerprint: '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0',
};

export function mlpConfig(overrides: Partial<RunConfig> = {}): RunConfig {
  return {
    name: 'small-mlp',
    experiment: 'Default',
    tags: [],
    seed: 1,
    dataset: {
      id: 'mnist',
      split: { train: 1000, validation: 300, test: 300 },
      shuffleSeed: 421,
      normalization: 'scale',
    },
    model: { kind: 'mlp', hiddenUnits: [32], activation: 'relu', init: 'xavier' },
    training: {
      optimizer: 'momentum',
      learningRate: 0.05,
      momentum: 0.9,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      batchSize: 100,
      epochs: 3,
      lossReduction: 'mean',
      lrSchedule: { kind: 'constant' },
      shuffle: true,
    },
    regularization: { l2: 0, l2Convention: 'half', l2Covers: 'weights' },
    backend: 'auto',
    checkpoints: 'best-and-last',
    layerStats: true,
    ...overrides,
  };
}

export const PRESETS: PresetInfo[] = [
  {
    id: 'e2-mlp-sgd-momentum',
    name: 'E2 MLP 1000 SGD+momentum batch 100',
    description: 'E2: mini-batches of 100.',
    config: {
      name: 'E2 MLP 1000 SGD+momentum batch 100',
      seed: 1,
      dataset: { id: 'mnist', split: { train: 10000, validation: 6000, test: 2724 }, shuffleSeed: 421 },
      model: { kind: 'mlp', hiddenUnits: [1000], activation: 'relu', init: 'xavier' },
      training: { optimizer: 'momentum', learningRate: 1e-5, momentum: 0.9, batchSize: 100, epochs: 200 },
    },
  },
  {
    id: 'e7-iris-nesterov',
    name: 'E7 Iris Nesterov',
    description: 'E7: Nesterov on Iris.',
    config: {
      name: 'E7 Iris Nesterov',
      seed: 7,
      dataset: { id: 'iris', split: { train: 0.6, validation: 0.2, test: 0.2 } },
      model: { kind: 'mlp', hiddenUnits: [10] },
      training: { optimizer: 'nesterov', learningRate: 0.01, batchSize: 'full', epochs: 350 },
    },
  },
];

/** A successful check of an MLP 784 → 32 → 10 (25 450 parameters). */
export function okCheck(config: RunConfig = mlpConfig()): ConfigCheck {
  return {
    ok: true,
    config,
    dataset: MNIST,
    model: {
      layers: [
        { name: 'flatten_1', kind: 'flatten', outputShape: [784], params: 0, nonTrainableParams: 0 },
        { name: 'dense_1', kind: 'dense', outputShape: [32], params: 25120, nonTrainableParams: 0 },
        {
          name: 'activation_1',
          kind: 'activation',
          outputShape: [32],
          params: 0,
          nonTrainableParams: 0,
          detail: 'relu',
        },
        {
          name: 'dense_2',
          kind: 'dense',
          outputShape: [10],
          params: 330,
          nonTrainableParams: 0,
          detail: 'logits',
        },
      ],
      totalParams: 25450,
      nonTrainableParams: 0,
    },
  };
}

const STATUSES: RunStatus[] = ['completed', 'completed', 'failed', 'cancelled', 'diverged', 'completed'];

/** Run `i` of a large table: distinct names, datasets, statuses and creation times. */
export function runRow(i: number, overrides: Partial<RunTableRow> = {}): RunTableRow {
  const created = new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();
  return {
    id: `run-${String(i).padStart(5, '0')}`,
    name: `run ${String(i).padStart(5, '0')}`,
    experiment: 'Default',
    status: STATUSES[i % STATUSES.length],
    epochs: 10,
    epochsPlanned: 10,
    createdAt: created,
    finishedAt: created,
    datasetId: i % 2 === 0 ? 'mnist' : 'iris',
    backend: 'wasm',
    bestValAcc: (i % 100) / 100,
    bestValAccEpoch: (i % 10) + 1,
    tags: i % 3 === 0 ? ['sweep'] : [],
    gridId: null,
    gridCell: null,
    parent: null,
    modelKind: 'mlp',
    hyper: { hidden: '32', optimizer: 'momentum', lr: '0.05' },
    durationSeconds: 12 + i,
    bestValLoss: 0.5,
    bestValLossEpoch: 3,
    hasValidation: true,
    lastTestAcc: ((i + 7) % 100) / 100,
    ...overrides,
  };
}

export function epoch(n: number, overrides: Partial<EpochMetrics> = {}): EpochMetrics {
  return {
    epoch: n,
    trainLoss: 2 / n,
    trainAcc: 1 - 0.5 / n,
    valLoss: 2.2 / n,
    valAcc: 1 - 0.6 / n,
    testLoss: 2.1 / n,
    testAcc: 1 - 0.55 / n,
    lr: 0.05,
    seconds: 2,
    ...overrides,
  };
}

export function runDetail(overrides: Partial<RunDetailData> = {}): RunDetailData {
  const config = overrides.config ?? mlpConfig({ name: overrides.name ?? 'live run' });
  return {
    id: 'run-live',
    name: 'live run',
    experiment: 'Default',
    status: 'running',
    config,
    seed: config.seed,
    datasetId: 'mnist',
    datasetFingerprint: MNIST.fingerprint,
    backend: 'wasm',
    appVersion: '0.1.0',
    error: null,
    createdAt: '2025-01-01T10:00:00.000Z',
    startedAt: '2025-01-01T10:00:01.000Z',
    gridId: null,
    gridCell: null,
    earlyStop: null,
    finishedAt: null,
    epochsPlanned: 5,
    ownerPid: 123,
    ownerHost: 'test-host',
    tags: [],
    backendReport: APP_INFO.backend,
    summaries: [],
    epochs: 0,
    parent: null,
    resumes: [],
    checkpoints: [],
    checkpointBytes: 0,
    children: [],
    versions: { '@tensorflow/tfjs-core': '4.22.0' },
    ...overrides,
  };
}

export {
  gridCell,
  gridDetail,
  fullGridCells,
  metrics,
  L2_AXIS,
  LR_AXIS,
  HIDDEN_AXIS,
  pruningState,
} from '../../../common/grid/test-fixtures';

/** Grid presets as grids.presets answers. */
export const GRID_PRESETS: GridPresetInfo[] = [
  {
    id: 'e5-grid-l2',
    name: 'E5 L2',
    description: 'E5: the E4 CNN with L2 on all weights.',
    spec: {
      name: 'E5 L2',
      base: 'e2-mlp-sgd-momentum',
      axes: [{ path: 'regularization.l2', values: [0.01, 0.1, 0.5] }],
      repeats: 1,
    },
  },
  {
    id: 'e7-grid-optimizer',
    name: 'E7 GD vs Nesterov',
    description: 'E7: optimizers on Iris.',
    spec: {
      name: 'E7 GD vs Nesterov',
      base: 'e7-iris-nesterov',
      axes: [{ path: 'training.optimizer', values: ['gd', 'nesterov'] }],
    },
  },
];

/**
 * A grids.check answer for a spec: every combination of its list axes (ranges count their `count`), named as
 * the server names cells, with a time estimate.
 */
export function gridCheckFor(spec: unknown): GridCheck {
  const s = spec as {
    name?: string;
    axes?: { path: string; values?: unknown[]; range?: { count?: number } }[];
    repeats?: number;
  };
  const axes = (s.axes ?? []).map((a) => ({
    path: a.path,
    label: a.path.split('.').pop() ?? a.path,
    values: a.values ?? Array.from({ length: a.range?.count ?? 0 }, (_, i) => i),
    scale: 'linear' as const,
  }));
  const cells = axes.reduce((n, a) => n * a.values.length, 1) * (s.repeats ?? 1);
  return {
    ok: true,
    name: s.name ?? '',
    axes,
    cells,
    preview: [{ index: 0, values: {}, name: `${s.name ?? ''} · first cell` }],
    estimate: { secondsPerEpoch: 0.5, totalSeconds: cells * 25, workers: 2, basis: 'from 4 earlier runs' },
    pruning: null,
  };
}
