import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../common/random';
import { expectNoLeak, randomArray, runOn, useWasm } from './wasm-test-support';

beforeAll(useWasm);

describe('Transpose on wasm', () => {
  const rng = createRng(71);
  // Multiples of 4 and not, single rows and columns, batches, more than one 16-column block.
  const cases: Array<{ shape: number[]; perm?: number[] }> = [
    { shape: [8, 12] },
    { shape: [7, 13] },
    { shape: [1, 9] },
    { shape: [9, 1] },
    { shape: [4, 4] },
    { shape: [3, 3] },
    { shape: [37, 70] },
    { shape: [3, 5, 8], perm: [0, 2, 1] },
    { shape: [2, 2, 9, 6], perm: [0, 1, 3, 2] },
    { shape: [0, 4] },
    // Other permutations: the original kernel.
    { shape: [3, 5, 8], perm: [2, 1, 0] },
    { shape: [3, 5, 8], perm: [1, 0, 2] },
  ];
  for (const { shape, perm } of cases) {
    it(`[${shape}] by ${perm == null ? 'default' : `[${perm}]`}, float32 and int32, exactly as on cpu`, async () => {
      const x = randomArray(rng, shape);
      const ints = Int32Array.from(x, (v) => Math.round(v * 1000));
      for (const [values, dtype] of [
        [x, 'float32'],
        [ints, 'int32'],
      ] as const) {
        const f = () => tf.cast(tf.transpose(tf.tensor(values, shape, dtype), perm), 'float32');
        const ref = await runOn('cpu', f);
        const got = await runOn('wasm', f);
        expect(got.shape).toEqual(ref.shape);
        expect(Array.from(got.values)).toEqual(Array.from(ref.values));
      }
    });
  }

  it('keeps tensors and wasm memory flat', async () => {
    const x = tf.tensor(randomArray(rng, [3, 37, 70]), [3, 37, 70]);
    await expectNoLeak(() =>
      tf.tidy(() => {
        tf.transpose(x, [0, 2, 1]).dataSync();
        tf.transpose(tf.reshape(x, [111, 70])).dataSync();
      }),
    );
    x.dispose();
  });
});
