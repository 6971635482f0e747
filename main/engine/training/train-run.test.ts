import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../../../common/types';
import { useBackend } from './test-support/backend';
import { recordRun, testConfig, withoutTiming } from './test-support/config';
import { blobData } from './test-support/data';
import { trainRun } from './train-run';

beforeAll(() => useBackend('cpu'));

const data = blobData({});
const imageData = blobData({ featureShape: [6, 6, 1], train: 48 });

/** Every random source at once: init, shuffle, dropout masks, Nesterov look-ahead. */
const busyMlp = testConfig({
  model: { kind: 'mlp', hiddenUnits: [12, 6], activation: 'tanh' },
  training: { optimizer: 'nesterov', learningRate: 0.05, batchSize: 16, epochs: 3 },
  regularization: { l2: 0.01, dropout: { keep: 0.7 } },
});
const busyCnn = testConfig({
  model: { kind: 'cnn', filters: 3, denseUnits: [8] },
  training: { optimizer: 'adam', learningRate: 0.01, batchSize: 12, epochs: 2 },
  regularization: { dropout: { rate: 0.3 } },
});

describe('trainRun: reproducibility', () => {
  it('the same config and seed give bit-identical epochs; another seed does not', async () => {
    const first = await recordRun(busyMlp, data);
    const second = await recordRun(busyMlp, data);
    const other = await recordRun({ ...busyMlp, seed: 2 }, data);
    expect(first.outcome).toEqual({ status: 'completed', epochs: 3 });
    expect(first.epochs).toHaveLength(3);
    expect(withoutTiming(second.epochs)).toEqual(withoutTiming(first.epochs));
    expect(other.epochs.map((e) => e.trainLoss)).not.toEqual(first.epochs.map((e) => e.trainLoss));
  });

  it('the CNN with batch norm, dropout and Adam replays exactly too', async () => {
    const first = await recordRun(busyCnn, imageData);
    const second = await recordRun(busyCnn, imageData);
    expect(withoutTiming(second.epochs)).toEqual(withoutTiming(first.epochs));
    expect(first.epochs[1].trainLoss).toBeLessThan(first.epochs[0].trainLoss * 1.5);
  });

  it('dropout with keep = 1 trains exactly like no dropout', async () => {
    const plain = testConfig({ training: { epochs: 2 } });
    const keepAll = testConfig({ training: { epochs: 2 }, regularization: { dropout: { keep: 1 } } });
    const halved = testConfig({ training: { epochs: 2 }, regularization: { dropout: { keep: 0.5 } } });
    const a = await recordRun(plain, data);
    const b = await recordRun(keepAll, data);
    const c = await recordRun(halved, data);
    expect(withoutTiming(b.epochs)).toEqual(withoutTiming(a.epochs));
    expect(c.epochs[1].trainLoss).not.toBe(a.epochs[1].trainLoss);
  });
});

describe('trainRun: epochs', () => {
  it('learns the blobs, reports mean cross-entropy and accuracy for every split, and the lr per epoch', async () => {
    const config = testConfig({
      training: { epochs: 4, learningRate: 0.2, lrSchedule: { kind: 'step', factor: 0.5, everyEpochs: 2 } },
    });
    const { outcome, epochs } = await recordRun(config, data);
    expect(outcome).toEqual({ status: 'completed', epochs: 4 });
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(epochs.map((e) => e.lr)).toEqual([0.2, 0.2, 0.1, 0.1]);
    const last = epochs[3];
    expect(last.trainLoss).toBeLessThan(epochs[0].trainLoss);
    expect(last.trainAcc).toBeGreaterThan(0.8);
    for (const m of epochs) {
      for (const key of ['trainAcc', 'valAcc', 'testAcc'] as const) {
        expect(m[key]).toBeGreaterThanOrEqual(0);
        expect(m[key]).toBeLessThanOrEqual(1);
      }
      expect(m.seconds).toBeGreaterThan(0);
    }
  });

  it('an empty validation or test split gives null metrics', async () => {
    const noHoldout = {
      ...data,
      validation: { x: new Float32Array(0), y: new Int32Array(0), count: 0 },
      test: data.validation,
    };
    const { epochs } = await recordRun(testConfig({ training: { epochs: 1 } }), noHoldout);
    expect(epochs[0]).toMatchObject({ valLoss: null, valAcc: null });
    expect(epochs[0].testLoss).toEqual(expect.any(Number));
  });

  it('full-batch gd takes one step per epoch', async () => {
    const batches: number[] = [];
    await recordRun(testConfig({ training: { optimizer: 'gd', epochs: 2 } }), data, {
      onBatch: (_epoch, batch, total) => batches.push(batch, total),
    });
    expect(batches).toEqual([1, 1, 1, 1]);
  });
});

describe('trainRun: stopping', () => {
  it('a huge learning rate diverges, reported with its epoch; earlier epochs stay logged', async () => {
    const config = testConfig({
      model: { kind: 'mlp', hiddenUnits: [16] },
      training: { learningRate: 1e12, lossReduction: 'sum', epochs: 10 },
    });
    const { outcome, epochs } = await recordRun(config, data);
    expect(outcome.status).toBe('diverged');
    if (outcome.status !== 'diverged') return;
    expect(outcome.divergedAtEpoch).toBeLessThanOrEqual(3);
    expect(outcome.epochs).toBe(outcome.divergedAtEpoch - 1);
    expect(outcome.message).toMatch(
      new RegExp(`^training loss became (NaN|-?Infinity) at epoch ${outcome.divergedAtEpoch}$`),
    );
    expect(epochs).toHaveLength(outcome.epochs);
    for (const m of epochs) expect(Number.isFinite(m.trainLoss)).toBe(true);
  });

  it('a non-finite batch loss stops the run mid-epoch, without waiting for the evaluation', async () => {
    const config = testConfig({
      model: { kind: 'mlp', hiddenUnits: [16] },
      training: { learningRate: 1e12, lossReduction: 'sum', batchSize: 1, epochs: 3 },
    });
    let batches = 0;
    const { outcome } = await recordRun(config, data, { onBatch: () => (batches += 1) });
    expect(outcome).toMatchObject({ status: 'diverged', divergedAtEpoch: 1, epochs: 0 });
    // 64 single-example batches per epoch; the batch losses are read every 16.
    expect(batches).toBeLessThan(64);
  });

  it('shouldStop after k batches cancels before batch k + 1, without reporting the partial epoch', async () => {
    let polls = 0;
    const trained: string[] = [];
    const { outcome, epochs } = await recordRun(testConfig({ training: { epochs: 5 } }), data, {
      shouldStop: () => ++polls > 6,
      onBatch: (epoch, batch) => trained.push(`${epoch}.${batch}`),
    });
    // 4 batches per epoch: epoch 1 complete, two batches of epoch 2.
    expect(outcome).toEqual({ status: 'cancelled', epochs: 1 });
    expect(trained).toEqual(['1.1', '1.2', '1.3', '1.4', '2.1', '2.2']);
    expect(epochs).toHaveLength(1);
  });

  it('yields to the event loop, so a stop request sent by a message gets through', async () => {
    let stop = false;
    setImmediate(() => (stop = true));
    const { outcome } = await recordRun(testConfig({ training: { epochs: 50 } }), data, {
      shouldStop: () => stop,
    });
    expect(outcome.status).toBe('cancelled');
    expect(outcome.epochs).toBe(0);
  });

  it('rejects malformed data before training', async () => {
    const bad = { ...data, train: { ...data.train, y: data.train.y.map((v, i) => (i === 3 ? 7 : v)) } };
    await expect(trainRun(testConfig(), bad, { onEpoch: () => {}, shouldStop: () => false })).rejects.toThrow(
      /label 7 at row 3/,
    );
  });
});

describe('trainRun: memory', () => {
  it('keeps the tensor count flat across epochs and releases everything at the end', async () => {
    for (const [config, d] of [
      [busyMlp, data],
      [busyCnn, imageData],
      [testConfig({ training: { optimizer: 'gd', epochs: 3 } }), data],
    ] as const) {
      const before = tf.memory().numTensors;
      const counts: number[] = [];
      await recordRun({ ...config, training: { ...config.training, epochs: 3 } }, d, {
        onEpoch: (_m: EpochMetrics) => counts.push(tf.memory().numTensors),
      });
      expect(counts[2]).toBe(counts[0]);
      expect(counts[1]).toBe(counts[0]);
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});
