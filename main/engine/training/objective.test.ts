import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { cnnSchema } from '../../../common/config/run-config';
import { buildModel } from '../model/build-model';
import { batchObjective, crossEntropyPerExample, l2Penalty } from './objective';
import { useBackend } from './test-support/backend';

beforeAll(() => useBackend('cpu'));

function crossEntropyByHand(logits: number[], label: number): number {
  const max = Math.max(...logits);
  return max + Math.log(logits.reduce((s, z) => s + Math.exp(z - max), 0)) - logits[label];
}

describe('crossEntropyPerExample', () => {
  it('is logΣexp(z) − z_y per row', () => {
    const rows = [
      [1, 2, 3],
      [0.5, -1, 0],
    ];
    const labels = [2, 1];
    const ce = tf.tidy(() =>
      crossEntropyPerExample(
        tf.tensor2d(rows),
        tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 3), 'float32') as tf.Tensor2D,
      ).arraySync(),
    );
    rows.forEach((row, i) => expect(ce[i]).toBeCloseTo(crossEntropyByHand(row, labels[i]), 6));
  });

  it('stays finite for logits far beyond exp range', () => {
    const ce = tf.tidy(() =>
      crossEntropyPerExample(tf.tensor2d([[1000, 0, -1000]]), tf.tensor2d([[0, 1, 0]])).arraySync(),
    );
    expect(ce[0]).toBeCloseTo(1000, 3);
  });
});

describe('L2 penalty', () => {
  const cnn = cnnSchema.parse({ kind: 'cnn', filters: 2, denseUnits: [3] });

  it('"full" is exactly twice "half", and covers only kernels by default', () => {
    const model = buildModel({ model: cnn, featureShape: [4, 4, 1], classes: 2, seed: 1 });
    try {
      const read = (t: tf.Scalar | null) => {
        if (t === null) throw new Error('expected a penalty');
        const v = t.dataSync()[0];
        t.dispose();
        return v;
      };
      const half = read(l2Penalty(model.parameters, { l2: 0.1, l2Convention: 'half', l2Covers: 'weights' }));
      const full = read(l2Penalty(model.parameters, { l2: 0.1, l2Convention: 'full', l2Covers: 'weights' }));
      expect(full).toBe(2 * half);
      let squares = 0;
      for (const p of model.parameters.filter((p) => p.role === 'weight'))
        for (const w of p.variable.dataSync()) squares += w * w;
      expect(half).toBeCloseTo((0.1 * squares) / 2, 5);
      // Biases start at zero: make them count, then include them.
      const bias = model.parameters.find((p) => p.name === 'dense_1/bias');
      bias?.variable.assign(tf.fill([3], 2));
      const withBiases = read(
        l2Penalty(model.parameters, { l2: 0.1, l2Convention: 'half', l2Covers: 'weights-and-biases' }),
      );
      expect(withBiases - half).toBeCloseTo((0.1 * 3 * 4) / 2, 5);
      // Batch norm's γ (all ones) never counts.
      const gamma = model.parameters.find((p) => p.role === 'bn-gamma');
      expect(gamma).toBeDefined();
      expect(read(l2Penalty(model.parameters, { l2: 0.1, l2Convention: 'half', l2Covers: 'weights' }))).toBe(
        half,
      );
      expect(l2Penalty(model.parameters, { l2: 0, l2Convention: 'half', l2Covers: 'weights' })).toBeNull();
    } finally {
      model.dispose();
    }
  });

  it('enters the objective once per batch with either reduction, and its gradient by the same factor', () => {
    const model = buildModel({ model: cnn, featureShape: [4, 4, 1], classes: 2, seed: 1 });
    try {
      tf.tidy(() => {
        const x = tf.randomNormal([5, 4, 4, 1], 0, 1, 'float32', 3);
        const y = tf.cast(tf.oneHot(tf.tensor1d([0, 1, 1, 0, 1], 'int32'), 2), 'float32') as tf.Tensor2D;
        const kernel = model.parameters[0].variable;
        const objective = (reduction: 'mean' | 'sum', l2: number, l2Convention: 'half' | 'full') => {
          const settings = {
            lossReduction: reduction,
            regularization: { l2, l2Convention, l2Covers: 'weights' as const },
          };
          const { value, grads } = tf.variableGrads(
            () => batchObjective(model.forward(x, true, 0), y, model.parameters, settings),
            [kernel],
          );
          return { value: value.dataSync()[0], grad: grads[kernel.name].dataSync()[0] };
        };
        for (const reduction of ['mean', 'sum'] as const) {
          const none = objective(reduction, 0, 'half');
          const half = objective(reduction, 0.3, 'half');
          const full = objective(reduction, 0.3, 'full');
          expect(full.value - none.value).toBeCloseTo(2 * (half.value - none.value), 5);
          expect(full.grad - none.grad).toBeCloseTo(2 * (half.grad - none.grad), 5);
        }
        // "sum" is the mean times the batch size (the penalty is not scaled).
        expect(objective('sum', 0, 'half').value).toBeCloseTo(5 * objective('mean', 0, 'half').value, 4);
      });
    } finally {
      model.dispose();
    }
  });
});
