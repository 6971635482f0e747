import { runConfigSchema, type RunConfig, type RunConfigInput } from '../../../common/config/run-config';
import type { BackendReport, EpochMetrics } from '../../../common/types';

/** Test data for the store's tests: real configs through the real schema, so stored configs are resolved ones. */

export function makeRunConfig(overrides: Partial<RunConfigInput> = {}): RunConfig {
  return runConfigSchema.parse({
    name: 'mlp-1000',
    experiment: 'MNIST baselines',
    seed: 42,
    dataset: { id: 'mnist', split: { train: 50_000, validation: 10_000, test: 'official' } },
    model: { kind: 'mlp', hiddenUnits: [1000] },
    training: { optimizer: 'sgd', learningRate: 0.1, batchSize: 100, epochs: 20 },
    regularization: { l2: 0.0001 },
    ...overrides,
  });
}

export const CPU_BACKEND: BackendReport = {
  chosen: 'cpu',
  tfjsBackend: 'cpu',
  version: '4.22.0',
  candidates: [{ name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', loaded: true }],
};

export function makeEpoch(epoch: number, overrides: Partial<EpochMetrics> = {}): EpochMetrics {
  return {
    epoch,
    trainLoss: 1 / epoch,
    trainAcc: 1 - 0.5 / epoch,
    valLoss: 1.1 / epoch,
    valAcc: 1 - 0.6 / epoch,
    testLoss: null,
    testAcc: null,
    lr: 0.1,
    seconds: 0.5,
    ...overrides,
  };
}
