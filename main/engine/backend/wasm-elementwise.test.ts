import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../common/random';
import '../training/register-gradients';
import { asWasmBackend } from './wasm-heap';
import { simdFor, simdModuleBytes } from './wasm-simd';
import {
  expectClose,
  expectNoLeak,
  expectSameOnBothBackends,
  randomArray,
  runOn,
  useWasm,
} from './wasm-test-support';

beforeAll(useWasm);

const OPS = {
  add: tf.add,
  sub: tf.sub,
  mul: tf.mul,
  div: tf.div,
} as const;

describe('the SIMD module', () => {
  it('validates and runs on this engine (so these tests exercise it, not a fallback)', async () => {
    await useWasm();
    const bytes = simdModuleBytes() as Uint8Array<ArrayBuffer>;
    expect(WebAssembly.validate(bytes)).toBe(true);
    expect(simdFor(asWasmBackend(tf.backend()))).not.toBeNull();
  });
});

describe('Sqrt on wasm', () => {
  const rng = createRng(61);
  for (const n of [1, 3, 4, 5, 8, 1001]) {
    it(`${n} values, bit for bit as on cpu`, async () => {
      const x = randomArray(rng, [n]).map((v) => v * v * 10);
      const ref = await runOn('cpu', () => tf.sqrt(tf.tensor(x, [n])));
      const got = await runOn('wasm', () => tf.sqrt(tf.tensor(x, [n])));
      expect(Array.from(got.values)).toEqual(Array.from(ref.values));
    });
  }

  it('negative, zero, infinite and NaN inputs', async () => {
    const x = [-1, -0, 0, Infinity, -Infinity, NaN, 1e-45, 3.4e38, 2];
    const got = await runOn('wasm', () => tf.sqrt(tf.tensor(x, [3, 3])));
    const want = Float32Array.from(Float32Array.from(x), Math.sqrt);
    expect(got.shape).toEqual([3, 3]);
    expect(Array.from(got.values).map((v, i) => Object.is(v, want[i]))).toEqual(x.map(() => true));
  });

  it('the gradient of sqrt matches cpu', async () => {
    const x = randomArray(rng, [7, 6]).map((v) => v * v + 0.1);
    await expectSameOnBothBackends(() => tf.grad((t: tf.Tensor) => tf.sum(tf.sqrt(t)))(tf.tensor(x, [7, 6])));
  });
});

describe('per-channel broadcasting on wasm', () => {
  const rng = createRng(62);
  const shapes: Array<[number[], number[]]> = [
    // Batch norm's: NHWC against [C] and [1, 1, 1, C].
    [[3, 5, 4, 8], [8]],
    [
      [3, 5, 4, 8],
      [1, 1, 1, 8],
    ],
    [[1, 1, 3, 4], [4]],
    [
      [2, 12],
      [1, 12],
    ],
    // Not a multiple of 4, or not a channel vector: the original kernel.
    [[3, 5, 6], [6]],
    [
      [3, 8],
      [3, 1],
    ],
    [[8], [8]],
    [
      [4, 8],
      [1, 1, 1, 8],
    ],
  ];
  for (const [xs, vs] of shapes) {
    for (const [name, op] of Object.entries(OPS)) {
      it(`[${xs}] ${name} [${vs}] and [${vs}] ${name} [${xs}], bit for bit as on cpu`, async () => {
        const x = randomArray(rng, xs);
        const v = randomArray(rng, vs);
        for (const swap of [false, true]) {
          const f = () => {
            const [a, b] = [tf.tensor(x, xs), tf.tensor(v, vs)];
            return swap ? op(b, a) : op(a, b);
          };
          const ref = await runOn('cpu', f);
          const got = await runOn('wasm', f);
          expect(got.shape).toEqual(ref.shape);
          expect(Array.from(got.values)).toEqual(Array.from(ref.values));
        }
      });
    }
  }

  it('int32 operands go to the original kernel', async () => {
    const got = await runOn('wasm', () =>
      tf.cast(
        tf.sub(tf.tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 4], 'int32'), tf.tensor([1, 1, 2, 2], [4], 'int32')),
        'float32',
      ),
    );
    expect(Array.from(got.values)).toEqual([0, 1, 1, 2, 4, 5, 5, 6]);
  });

  it('batch norm forward and gradients match cpu', async () => {
    const shape = [3, 6, 5, 8];
    const x = randomArray(rng, shape);
    const dy = randomArray(rng, shape);
    const gamma = randomArray(rng, [8]);
    const beta = randomArray(rng, [8]);
    const f = (xi: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const { mean, variance } = tf.moments(xi, [0, 1, 2]);
      const y = tf.add(tf.mul(tf.mul(tf.sub(xi, mean), tf.rsqrt(tf.add(variance, 1e-3))), g), b);
      return tf.sum(tf.mul(y, tf.tensor(dy, shape)));
    };
    for (const which of [0, 1, 2]) {
      const run = () =>
        tf.grads(f)([tf.tensor(x, shape), tf.tensor(gamma, [8]), tf.tensor(beta, [8])])[which];
      expectClose(await runOn('wasm', run), await runOn('cpu', run), 1e-5);
    }
  });

  it('keeps tensors and wasm memory flat', async () => {
    const x = tf.tensor(randomArray(rng, [4, 6, 6, 8]), [4, 6, 6, 8]);
    const v = tf.tensor(randomArray(rng, [8]), [8]);
    await expectNoLeak(() =>
      tf.tidy(() => {
        tf.sqrt(tf.abs(x)).dataSync();
        for (const op of Object.values(OPS)) {
          op(x, v).dataSync();
          op(v, x).dataSync();
        }
      }),
    );
    tf.dispose([x, v]);
  });
});
