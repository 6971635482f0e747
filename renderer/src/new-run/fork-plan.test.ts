import { describe, expect, it } from 'vitest';
import type { CheckpointInfo } from '../../../common/checkpoints/types';
import { forkChanges, forkIssues, resolveForkEpoch, type ForkSource } from './fork-plan';

const checkpoint = (epoch: number, kinds: CheckpointInfo['kinds']): CheckpointInfo => ({
  epoch,
  kinds,
  trainingState: kinds.includes('last'),
  bytes: 1000,
  sha256: 'ab'.repeat(32),
  createdAt: '2026-01-01T00:00:00.000Z',
});

const KEPT = [checkpoint(3, ['best']), checkpoint(8, ['last'])];

const parentConfig = {
  name: 'base',
  seed: 1,
  dataset: { id: 'iris', split: { train: 0.6, validation: 0.2, test: 0.2 } },
  model: { kind: 'mlp', hiddenUnits: [16], activation: 'relu' },
  training: { optimizer: 'adam', learningRate: 0.01, batchSize: 16, epochs: 10 },
};
const DATASETS = [
  { id: 'iris', shape: [4], classes: 3 },
  { id: 'iris-copy', shape: [4], classes: 3 },
  { id: 'mnist', shape: [28, 28, 1], classes: 10 },
];
const source: ForkSource = {
  parentId: 'p',
  parentName: 'base',
  parentConfig,
  checkpoint: KEPT[0],
  parentModel: { kind: 'mlp', hiddenUnits: [16], activation: 'relu', init: 'xavier' },
};

describe('fork plan', () => {
  it('resolves best, last and epoch numbers to kept checkpoints, naming the kept ones otherwise', () => {
    expect(resolveForkEpoch(KEPT, 'best')).toBe(KEPT[0]);
    expect(resolveForkEpoch(KEPT, 'last')).toBe(KEPT[1]);
    expect(resolveForkEpoch(KEPT, 8)).toBe(KEPT[1]);
    expect(resolveForkEpoch(KEPT, 5)).toBe('Epoch 5 has no kept checkpoint to fork from (kept: 3, 8).');
    expect(resolveForkEpoch([], 'best')).toBe(
      'A best epoch has no kept checkpoint to fork from (this run keeps none).',
    );
  });

  it('names a shape-changing field and too few epochs; training changes are fine', () => {
    const lowerLr = { ...parentConfig, training: { ...parentConfig.training, learningRate: 0.001 } };
    expect(forkIssues(source, lowerLr)).toEqual([]);
    expect(forkChanges(source, lowerLr)).toEqual(['training.learningRate']);
    const wider = { ...parentConfig, model: { ...parentConfig.model, hiddenUnits: [32] } };
    expect(forkIssues(source, wider).map((i) => i.path)).toEqual(['model.hiddenUnits']);
    const tanh = { ...parentConfig, model: { ...parentConfig.model, activation: 'tanh' } };
    expect(forkIssues(source, tanh)).toEqual([]);
    const short = { ...parentConfig, training: { ...parentConfig.training, epochs: 3 } };
    expect(forkIssues(source, short)).toEqual([
      {
        path: 'training.epochs',
        message: "expected more than 3: a fork from epoch 3 counts its epochs with the parent's",
      },
    ]);
  });

  it('names a dataset whose shape or class count gives the model other tensors, and lets one alike through', () => {
    const mnist = { ...parentConfig, dataset: { ...parentConfig.dataset, id: 'mnist' } };
    expect(forkIssues(source, mnist, DATASETS)).toEqual([
      {
        path: 'dataset.id',
        message:
          'a fork keeps the model it starts from: this dataset\'s input shape or class count gives it other tensors than "iris" did',
      },
    ]);
    const irisCopy = { ...parentConfig, dataset: { ...parentConfig.dataset, id: 'iris-copy' } };
    expect(forkIssues(source, irisCopy, DATASETS)).toEqual([]);
    // Without the datasets' shapes (still loading) the service is left to refuse it.
    expect(forkIssues(source, mnist)).toEqual([]);
  });
});
