import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../common/random';
import '../training/register-gradients';
import { expectNoLeak, expectSameOnBothBackends, randomArray, runOn, useWasm } from './wasm-test-support';

interface ReduceCase {
  shape: number[];
  axis: number | number[] | null;
  keepDims?: boolean;
}

const cases: ReduceCase[] = [
  // Batch norm over NHWC: every axis but channels, with and without kept dimensions.
  { shape: [4, 7, 5, 6], axis: [0, 1, 2] },
  { shape: [4, 7, 5, 6], axis: [0, 1, 2], keepDims: true },
  { shape: [1, 3, 3, 5], axis: [2, 0, 1] },
  // Leading, middle and trailing runs; inner sizes that are not a multiple of four.
  { shape: [9, 7], axis: 0 },
  { shape: [3, 130, 7], axis: 1 },
  { shape: [5, 6, 7], axis: [1, 2] },
  { shape: [5, 6, 7], axis: -1, keepDims: true },
  { shape: [2, 3, 203], axis: 2 },
  { shape: [37], axis: 0 },
  { shape: [37], axis: null },
  { shape: [4, 5, 3], axis: null, keepDims: true },
  // Size-1 dimensions, inside and outside the reduced run.
  { shape: [1, 1, 9, 1], axis: [0, 1, 2] },
  { shape: [6, 1, 1], axis: [1, 2] },
  // Inner sizes that are a multiple of four (the SIMD loop), over and under its 64-row blocks.
  { shape: [5, 9, 7, 8], axis: [0, 1, 2] },
  { shape: [130, 8], axis: 0 },
  { shape: [3, 129, 12], axis: 1, keepDims: true },
  { shape: [2, 64, 4], axis: [1] },
  { shape: [1, 4], axis: 0 },
  // Not contiguous: left to the original kernel, still right.
  { shape: [3, 4, 5], axis: [0, 2] },
];

beforeAll(useWasm);

describe('Sum and Mean on wasm', () => {
  const rng = createRng(21);
  for (const c of cases) {
    const name = `[${c.shape}] over ${JSON.stringify(c.axis)}${c.keepDims ? ', keepDims' : ''}`;
    it(name, async () => {
      const x = randomArray(rng, c.shape);
      const axis = c.axis ?? undefined;
      await expectSameOnBothBackends(() => tf.sum(tf.tensor(x, c.shape), axis, c.keepDims));
      await expectSameOnBothBackends(() => tf.mean(tf.tensor(x, c.shape), axis, c.keepDims));
    });
  }

  it('sums large reductions in float64, rounding once', async () => {
    // A float32 running sum of 2^24 and ones stalls at 2^24; float64 sums exactly and rounds once.
    const n = 1 << 17;
    const x = new Float32Array(n * 3).fill(1);
    for (let i = 0; i < 3; i++) x[i] = 2 ** 24;
    const got = await runOn('wasm', () => tf.sum(tf.tensor(x, [n, 3]), 0));
    const ref = await runOn('cpu', () => tf.sum(tf.tensor(x, [n, 3]), 0));
    expect(Array.from(got.values)).toEqual(Array.from(ref.values));
    expect(got.values[0]).toBe(Math.fround(2 ** 24 + n - 1));
    expect(got.values[0]).toBeGreaterThan(2 ** 24 + n / 2);
  });

  it('leaves int32 and bool to the original kernel', async () => {
    const x = Int32Array.from({ length: 24 }, (_, i) => i * 7 - 50);
    const sum = await runOn('wasm', () => tf.sum(tf.tensor(x, [2, 3, 4], 'int32'), [0, 1]));
    expect(Array.from(sum.values)).toEqual([120, 162, 204, 246]);
    const count = await runOn('wasm', () => tf.sum(tf.tensor([true, false, true], [3], 'bool')));
    expect(Array.from(count.values)).toEqual([2]);
  });

  it('gives empty reductions the original kernel', async () => {
    await expectSameOnBothBackends(() => tf.sum(tf.zeros([0, 3]), 0));
    await expectSameOnBothBackends(() => tf.mean(tf.zeros([2, 0]), 1));
  });

  it('batch norm gradients (moments over [0, 1, 2]) match cpu', async () => {
    const shape = [3, 5, 4, 6];
    const x = randomArray(rng, shape);
    const dy = randomArray(rng, shape);
    const gamma = randomArray(rng, [6]);
    for (const which of [0, 1]) {
      await expectSameOnBothBackends(
        () =>
          tf.grads((xi: tf.Tensor, g: tf.Tensor) => {
            const { mean, variance } = tf.moments(xi, [0, 1, 2]);
            const y = tf.mul(tf.mul(tf.sub(xi, mean), tf.rsqrt(tf.add(variance, 1e-3))), g);
            return tf.sum(tf.mul(y, tf.tensor(dy, shape)));
          })([tf.tensor(x, shape), tf.tensor(gamma, [6])])[which],
        1e-5,
      );
    }
  });

  it('keeps tensors and wasm memory flat', async () => {
    const x = tf.tensor(randomArray(rng, [4, 6, 6, 8]), [4, 6, 6, 8]);
    await expectNoLeak(() =>
      tf.tidy(() => {
        tf.sum(x, [0, 1, 2]).dataSync();
        tf.mean(x, [1, 2], true).dataSync();
        tf.sum(x).dataSync();
      }),
    );
    x.dispose();
  });
});
