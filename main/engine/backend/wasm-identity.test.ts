import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../common/random';
import '../training/register-gradients';
import {
  expectNoLeak,
  expectSameOnBothBackends,
  randomArray,
  runOn,
  useWasm,
  wasmBackend,
} from './wasm-test-support';

beforeAll(useWasm);

describe('Identity and same-dtype Cast on wasm', () => {
  const rng = createRng(31);

  it('share the input instead of copying it', async () => {
    await runOn('wasm', () => tf.zeros([1]));
    const x = tf.tensor(randomArray(rng, [5, 7]), [5, 7]);
    const before = wasmBackend().numDataIds();
    const cast = tf.cast(x, 'float32');
    const copies = [tf.clone(x), cast, tf.clone(cast)];
    expect(wasmBackend().numDataIds()).toBe(before);
    // Still the tensor's values after the source is gone.
    const want = Array.from(x.dataSync());
    x.dispose();
    for (const c of copies) {
      expect(c.shape).toEqual([5, 7]);
      expect(Array.from(c.dataSync())).toEqual(want);
    }
    tf.dispose(copies);
    expect(wasmBackend().numDataIds()).toBe(before - 1);
  });

  for (const dtype of ['float32', 'int32', 'bool'] as const) {
    it(`clone and cast keep ${dtype} values and dtype`, async () => {
      const values = dtype === 'bool' ? [1, 0, 0, 1, 1, 0] : [3, -1, 0, 7, -12, 5];
      const got = await runOn('wasm', () => {
        const x = tf.tensor(values, [2, 3], dtype);
        const same = tf.cast(tf.clone(x), dtype);
        expect(same.dtype).toBe(dtype);
        return tf.cast(same, 'float32');
      });
      expect(Array.from(got.values)).toEqual(values);
    });
  }

  it('converts between dtypes as cpu does', async () => {
    const x = [1.7, -2.2, 0, 3.5, -0, NaN, 256, -1e-30];
    const asInt = () => tf.cast(tf.tensor(x, [8]), 'int32');
    await expectSameOnBothBackends(() => tf.cast(asInt(), 'float32'));
    await expectSameOnBothBackends(() => tf.cast(tf.cast(tf.tensor(x, [8]), 'bool'), 'float32'));
    await expectSameOnBothBackends(() => tf.cast(tf.cast(asInt(), 'bool'), 'float32'));
    await expectSameOnBothBackends(() => tf.cast(tf.tensor([3, 0, -2], [3], 'int32'), 'float32'));
    await expectSameOnBothBackends(() => tf.cast(tf.tensor([1, 0, 1], [3], 'bool'), 'int32'));
  });

  it('keeps strings on the original kernel', async () => {
    await runOn('wasm', () => tf.zeros([1]));
    const s = tf.tensor(['a', 'bc'], [2], 'string');
    const c = tf.clone(s);
    expect(c.dataSync()).toEqual(['a', 'bc']);
    tf.dispose([s, c]);
  });

  it('gradients that save and cast tensors match cpu', async () => {
    const shape = [4, 6];
    const a = randomArray(rng, shape);
    const b = randomArray(rng, shape);
    await expectSameOnBothBackends(() =>
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.relu(tf.mul(x, tf.tensor(b, shape))), x)))(
        tf.tensor(a, shape),
      ),
    );
  });

  it('keeps tensors and wasm memory flat', async () => {
    const x = tf.tensor(randomArray(rng, [64, 33]), [64, 33]);
    await expectNoLeak(() =>
      tf.tidy(() => {
        tf.clone(x).dataSync();
        tf.cast(tf.clone(x), 'float32').dataSync();
        tf.cast(x, 'int32').dataSync();
        tf.grad((v: tf.Tensor) => tf.sum(tf.mul(v, v)))(x).dataSync();
      }),
    );
    x.dispose();
  });
});
