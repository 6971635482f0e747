import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cnnSchema, mlpSchema } from '../../../common/config/run-config';
import { describeModel } from '../../../common/model/summary';
import { deriveSeed } from '../../../common/random';
import { useBackend } from '../training/test-support/backend';
import { buildModel } from './build-model';
import { initialKernel } from './init';
import { SEED_STREAMS } from './seed-streams';
import type { BatchStatistics, Model } from './types';

beforeAll(() => useBackend('cpu'));

const sizeOf = (v: tf.Variable) => v.size;
const e4Cnn = cnnSchema.parse({ kind: 'cnn' });

function withModel<T>(model: Model, body: (m: Model) => T): T {
  try {
    return body(model);
  } finally {
    model.dispose();
  }
}

describe('buildModel: variables match the summary', () => {
  it('E4 CNN: trainable sizes sum to totalParams, moving statistics to nonTrainableParams', () => {
    const summary = describeModel(e4Cnn, [28, 28, 1], 10, { dropoutKeep: 0.5 });
    withModel(
      buildModel({ model: e4Cnn, featureShape: [28, 28, 1], classes: 10, seed: 3, dropoutKeep: 0.5 }),
      (m) => {
        const trainable = m.parameters.reduce((s, p) => s + sizeOf(p.variable), 0);
        const state = m.state.reduce((s, p) => s + sizeOf(p.variable), 0);
        expect(trainable).toBe(summary.totalParams);
        expect(trainable).toBe(4_926_266);
        expect(state).toBe(summary.nonTrainableParams);
        expect(m.layers.map((l) => l.name)).toEqual(summary.layers.map((l) => l.name));
        expect(m.parameters.find((p) => p.name === 'dense_1/kernel')?.variable.shape).toEqual([6272, 784]);
      },
    );
  });

  it('E9 MLP: 557 057 parameters in variables', () => {
    const model = mlpSchema.parse({ kind: 'mlp', hiddenUnits: [1024, 512] });
    withModel(buildModel({ model, featureShape: [30], classes: 1, seed: 1 }), (m) => {
      expect(m.parameters.reduce((s, p) => s + sizeOf(p.variable), 0)).toBe(557_057);
    });
  });

  it('CNN with valid padding, stride 2, no pooling and two dense layers agrees with the summary', () => {
    const model = cnnSchema.parse({
      kind: 'cnn',
      filters: 5,
      kernelSize: 4,
      stride: 2,
      padding: 'valid',
      poolSize: 1,
      denseUnits: [12, 7],
      batchNorm: false,
    });
    const summary = describeModel(model, [11, 9, 2], 4);
    withModel(buildModel({ model, featureShape: [11, 9, 2], classes: 4, seed: 1 }), (m) => {
      expect(m.parameters.reduce((s, p) => s + sizeOf(p.variable), 0)).toBe(summary.totalParams);
      const logits = tf.tidy(() => m.forward(tf.zeros([3, 11, 9, 2]), false).shape);
      expect(logits).toEqual([3, 4]);
    });
  });
});

describe('buildModel: inputs and outputs', () => {
  it('an MLP flattens image-shaped examples; a CNN takes [N, H, W, C]', () => {
    const mlp = mlpSchema.parse({ kind: 'mlp', hiddenUnits: [6] });
    withModel(buildModel({ model: mlp, featureShape: [4, 4, 1], classes: 3, seed: 1 }), (m) => {
      expect(m.inputShape).toEqual([16]);
      expect(tf.tidy(() => m.forward(tf.ones([2, 16]), false).shape)).toEqual([2, 3]);
    });
    const cnn = cnnSchema.parse({ kind: 'cnn', filters: 2, denseUnits: [5], inputShape: [4, 4, 1] });
    withModel(buildModel({ model: cnn, featureShape: [16], classes: 3, seed: 1 }), (m) => {
      expect(m.inputShape).toEqual([4, 4, 1]);
      expect(tf.tidy(() => m.forward(tf.ones([2, 4, 4, 1]), false).shape)).toEqual([2, 3]);
      expect(() => tf.tidy(() => m.forward(tf.ones([2, 16]), false))).toThrow(/rows, 4, 4, 1/);
    });
  });

  it('rejects shapes that contradict the config', () => {
    const mlp = mlpSchema.parse({ kind: 'mlp', hiddenUnits: [6], inputSize: 5 });
    expect(() => buildModel({ model: mlp, featureShape: [4], classes: 3, seed: 1 })).toThrow(
      /inputSize is 5/,
    );
    const out = mlpSchema.parse({ kind: 'mlp', hiddenUnits: [6], outputSize: 2 });
    expect(() => buildModel({ model: out, featureShape: [4], classes: 3, seed: 1 })).toThrow(
      /outputSize is 2/,
    );
    expect(() => buildModel({ model: e4Cnn, featureShape: [784], classes: 10, seed: 1 })).toThrow(
      /inputShape/,
    );
  });
});

describe('buildModel: initial values', () => {
  it('come from the seeded JS stream per kernel, biases at zero', () => {
    const mlp = mlpSchema.parse({ kind: 'mlp', hiddenUnits: [7], init: 'he' });
    withModel(buildModel({ model: mlp, featureShape: [5], classes: 3, seed: 42 }), (m) => {
      const [k1, b1, k2] = m.parameters.map((p) => p.variable.dataSync());
      expect(Array.from(k1)).toEqual(
        Array.from(initialKernel('he', [5, 7], deriveSeed(42, SEED_STREAMS.init, 0))),
      );
      expect(Array.from(k2)).toEqual(
        Array.from(initialKernel('he', [7, 3], deriveSeed(42, SEED_STREAMS.init, 1))),
      );
      expect(Array.from(b1).every((v) => v === 0)).toBe(true);
    });
  });

  it('batch norm starts at γ = 1, β = 0, moving mean 0, moving variance 1', () => {
    const cnn = cnnSchema.parse({ kind: 'cnn', filters: 3, denseUnits: [4] });
    withModel(buildModel({ model: cnn, featureShape: [4, 4, 1], classes: 2, seed: 1 }), (m) => {
      const values = (name: string) =>
        Array.from([...m.parameters, ...m.state].find((p) => p.name === name)?.variable.dataSync() ?? []);
      expect(values('batch_norm_1/gamma')).toEqual([1, 1, 1]);
      expect(values('batch_norm_1/beta')).toEqual([0, 0, 0]);
      expect(values('batch_norm_1/moving_mean')).toEqual([0, 0, 0]);
      expect(values('batch_norm_1/moving_variance')).toEqual([1, 1, 1]);
    });
  });
});

describe('forward', () => {
  const mlp = mlpSchema.parse({ kind: 'mlp', hiddenUnits: [64] });

  it('dropout is active in training only, and identical for the same seed', () => {
    withModel(buildModel({ model: mlp, featureShape: [8], classes: 3, seed: 1, dropoutKeep: 0.5 }), (m) => {
      tf.tidy(() => {
        const x = tf.randomNormal([4, 8], 0, 1, 'float32', 5);
        const evalA = m.forward(x, false).dataSync();
        const evalB = m.forward(x, false).dataSync();
        const trainA = m.forward(x, true, 11).dataSync();
        const trainA2 = m.forward(x, true, 11).dataSync();
        const trainB = m.forward(x, true, 12).dataSync();
        expect(Array.from(evalA)).toEqual(Array.from(evalB));
        expect(Array.from(trainA)).toEqual(Array.from(trainA2));
        expect(Array.from(trainA)).not.toEqual(Array.from(trainB));
        expect(Array.from(trainA)).not.toEqual(Array.from(evalA));
        expect(() => m.forward(x, true)).toThrow(/dropout seed/);
      });
    });
  });

  it('keep = 1 gives exactly the forward pass without dropout', () => {
    const a = buildModel({ model: mlp, featureShape: [8], classes: 3, seed: 1, dropoutKeep: 1 });
    const b = buildModel({ model: mlp, featureShape: [8], classes: 3, seed: 1 });
    try {
      tf.tidy(() => {
        const x = tf.randomNormal([4, 8], 0, 1, 'float32', 5);
        expect(Array.from(a.forward(x, true, 3).dataSync())).toEqual(
          Array.from(b.forward(x, true, 3).dataSync()),
        );
      });
    } finally {
      a.dispose();
      b.dispose();
    }
  });

  it('batch norm uses batch statistics in training and the moving ones in eval, folding with momentum 0.99', () => {
    const cnn = cnnSchema.parse({ kind: 'cnn', filters: 2, denseUnits: [3], activation: 'tanh' });
    withModel(buildModel({ model: cnn, featureShape: [4, 4, 1], classes: 2, seed: 1 }), (m) => {
      const bn = m.layers.find((l) => l.kind === 'batchNorm');
      if (bn?.kind !== 'batchNorm') throw new Error('no batch norm layer');
      const x = tf.randomNormal([6, 4, 4, 1], 2, 3, 'float32', 9);
      const logits = (training: boolean) => tf.tidy(() => Array.from(m.forward(x, training, 0).dataSync()));
      const [trainBefore, evalBefore] = [logits(true), logits(false)];
      const statistics: BatchStatistics[] = [];
      tf.tidy(() => {
        m.forward(x, true, 0, { batchStatistics: statistics });
      });
      expect(statistics).toHaveLength(1);
      const mean = Array.from(statistics[0].mean.dataSync());
      const variance = Array.from(statistics[0].variance.dataSync());
      m.applyBatchStatistics(statistics);
      tf.dispose([statistics[0].mean, statistics[0].variance]);
      const movingMean = Array.from(bn.movingMean.variable.dataSync());
      const movingVariance = Array.from(bn.movingVariance.variable.dataSync());
      mean.forEach((v, c) => expect(movingMean[c]).toBeCloseTo(0.01 * v, 6));
      variance.forEach((v, c) => expect(movingVariance[c]).toBeCloseTo(0.99 + 0.01 * v, 6));
      // Training mode does not look at the moving statistics; eval mode does.
      expect(logits(true)).toEqual(trainBefore);
      expect(logits(false)).not.toEqual(evalBefore);
      x.dispose();
    });
  });

  it('leaves no tensors behind', () => {
    withModel(
      buildModel({ model: e4Cnn, featureShape: [8, 8, 1], classes: 10, seed: 1, dropoutKeep: 0.5 }),
      (m) => {
        const before = tf.memory().numTensors;
        tf.tidy(() => {
          m.forward(tf.ones([2, 8, 8, 1]), true, 1);
        });
        tf.tidy(() => {
          m.forward(tf.ones([2, 8, 8, 1]), false);
        });
        expect(tf.memory().numTensors).toBe(before);
      },
    );
  });
});
