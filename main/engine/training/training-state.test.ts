import { beforeAll, describe, expect, it } from 'vitest';
import {
  decodeTrainingState,
  encodeTrainingState,
  type TrainingState,
} from '../../../common/checkpoints/training-state';
import { useBackend } from './test-support/backend';
import { recordRun, testConfig, withoutTiming } from './test-support/config';
import { blobData } from './test-support/data';

beforeAll(() => useBackend('cpu'));

const data = blobData({});
const imageData = blobData({ featureShape: [6, 6, 1], train: 48 });

/** Records every epoch and the state handed out after it, through the byte encoding the store keeps. */
async function withStates(config: ReturnType<typeof testConfig>, d: typeof data) {
  const states: TrainingState[] = [];
  const run = await recordRun(config, d, {
    onEpoch: (_m, state) => states.push(decodeTrainingState(encodeTrainingState(state()))),
  });
  return { ...run, states };
}

const cases = [
  {
    what: 'an MLP with Nesterov, dropout and L2',
    config: testConfig({
      model: { kind: 'mlp', hiddenUnits: [12, 6], activation: 'tanh' },
      training: { optimizer: 'nesterov', learningRate: 0.05, batchSize: 16, epochs: 5 },
      regularization: { l2: 0.01, dropout: { keep: 0.7 } },
    }),
    data,
  },
  {
    what: 'a CNN with batch norm, dropout and Adam',
    config: testConfig({
      model: { kind: 'cnn', filters: 3, denseUnits: [8] },
      training: { optimizer: 'adam', learningRate: 0.01, batchSize: 12, epochs: 4 },
      regularization: { dropout: { rate: 0.3 } },
    }),
    data: imageData,
  },
];

describe('training state: resume is exact', () => {
  for (const { what, config, data: d } of cases) {
    it(`${what}: going on from epoch 2's state gives the uninterrupted run's later epochs, bit for bit`, async () => {
      const full = await withStates(config, d);
      const resumed = await recordRun(
        config,
        d,
        {},
        { state: full.states[1], history: full.epochs.slice(0, 2) },
      );
      expect(resumed.outcome).toEqual({ status: 'completed', epochs: config.training.epochs });
      expect(resumed.epochs.map((e) => e.epoch)).toEqual(full.epochs.slice(2).map((e) => e.epoch));
      expect(withoutTiming(resumed.epochs)).toEqual(withoutTiming(full.epochs.slice(2)));
    });
  }

  it('without the optimizer state (a best checkpoint) the weights still load, and the run differs', async () => {
    const { config, data: d } = cases[1];
    const full = await withStates(config, d);
    const weightsOnly = { ...full.states[1], optimizer: null };
    const fresh = await recordRun(config, d, {}, { state: weightsOnly, history: [] });
    expect(fresh.epochs[0].epoch).toBe(3);
    expect(fresh.epochs[0].trainLoss).not.toBe(full.epochs[2].trainLoss);
  });

  it('the state names every tensor with its shape, the optimizer slots and the random streams', async () => {
    const { config, data: d } = cases[1];
    const { states } = await withStates(config, d);
    const s = states[0];
    expect(s.epoch).toBe(1);
    expect(s.random).toEqual({ kind: 'counter', seed: config.seed, nextEpoch: 2 });
    expect(s.weights.map((t) => t.name)).toContain('batch_norm_1/moving_mean');
    expect(s.weights.find((t) => t.name === 'conv2d_1/kernel')?.shape).toEqual([3, 3, 1, 3]);
    expect(s.optimizer?.kind).toBe('adam');
    expect(s.optimizer?.step).toBeGreaterThan(0);
    expect(s.optimizer?.slots.map((t) => t.name)).toContain('m/dense_1/kernel');
    expect(s.optimizer?.slots.map((t) => t.name)).toContain('v/conv2d_1/bias');
  });

  it('a state from another architecture is refused, naming the tensor', async () => {
    const { states } = await withStates(cases[0].config, data);
    const other = testConfig({ model: { kind: 'mlp', hiddenUnits: [5] }, training: { epochs: 2 } });
    await expect(recordRun(other, data, {}, { state: states[0], history: [] })).rejects.toThrow(
      'tensor dense_1/kernel is [6, 12] in the checkpoint but [6, 5] in this model',
    );
  });
});
