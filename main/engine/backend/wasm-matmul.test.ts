import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../common/random';
import '../training/register-gradients';
import { makeBatchMatMul, makeFusedMatMul } from './wasm-matmul';
import {
  expectClose,
  expectNoLeak,
  expectSameOnBothBackends,
  randomArray,
  runOn,
  useWasm,
} from './wasm-test-support';

// Untransposed products with a wide, new b are computed as (bT.aT)T (see weightTransposedProduct);
// the other paths are covered in wasm-kernels.test.ts.

beforeAll(useWasm);

/** Kernels built like the registered ones, around a Transpose that counts its calls. */
function spiedKernels() {
  const calls = { transpose: 0 };
  const transpose = tf.getKernel('Transpose', 'wasm')?.kernelFunc as tf.KernelFunc;
  const counted: tf.KernelFunc = (args) => {
    calls.transpose++;
    return transpose(args);
  };
  // The registered kernels as the "original": the products they are handed are never swapped again.
  const matMul = makeBatchMatMul(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc as tf.KernelFunc, counted);
  const fused = makeFusedMatMul(tf.getKernel('_FusedMatMul', 'wasm')?.kernelFunc as tf.KernelFunc, counted);
  const run = (kernel: tf.KernelFunc, inputs: tf.NamedTensorMap, attrs: object) =>
    tf
      .engine()
      .makeTensorFromTensorInfo(
        kernel({ inputs, backend: tf.backend(), attrs: attrs as tf.NamedAttrMap }) as tf.TensorInfo,
      );
  return { calls, matMul, fused, run };
}

interface Case {
  m: number;
  k: number;
  n: number;
}

// Wide b against a thin a: E4's dense layer in miniature, a single row, odd sizes.
const wide: Case[] = [
  { m: 3, k: 200, n: 150 },
  { m: 1, k: 301, n: 77 },
  { m: 7, k: 129, n: 257 },
];

describe('untransposed products with a new wide b on wasm', () => {
  const rng = createRng(51);

  for (const { m, k, n } of wide) {
    it(`[${m}, ${k}] x [${k}, ${n}] matches cpu, swapped the first time and direct when b comes again`, async () => {
      const a = randomArray(rng, [m, k]);
      const b = randomArray(rng, [k, n]);
      const ref = await runOn('cpu', () => tf.matMul(tf.tensor(a, [m, k]), tf.tensor(b, [k, n])));
      await useWasm();
      const { calls, matMul, run } = spiedKernels();
      const bt = tf.tensor(b, [1, k, n]);
      const product = () =>
        tf.tidy(() => {
          const out = run(
            matMul,
            { a: tf.tensor(a, [1, m, k]), b: bt },
            { transposeA: false, transposeB: false },
          );
          return { shape: out.shape.slice(1), values: out.dataSync() as Float32Array };
        });
      expectClose(product(), ref, 1e-5);
      expect(calls.transpose).toBe(2);
      expectClose(product(), ref, 1e-5);
      expect(calls.transpose).toBe(2);
      bt.dispose();
    });
  }

  for (const activation of ['linear', 'relu'] as const) {
    for (const biasSize of [0, 1, 150]) {
      it(`fused, ${activation}, ${biasSize === 0 ? 'no bias' : `bias of ${biasSize}`}: matches cpu`, async () => {
        const [m, k, n] = [4, 180, 150];
        const a = randomArray(rng, [m, k]);
        const b = randomArray(rng, [k, n]);
        const bias = randomArray(rng, [biasSize]);
        const inputs = () => ({
          a: tf.tensor(a, [1, m, k]),
          b: tf.tensor(b, [1, k, n]),
          ...(biasSize > 0 ? { bias: tf.tensor(bias, [biasSize]) } : {}),
        });
        const attrs = { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0 };
        const ref = await runOn(
          'cpu',
          () => tf.engine().runKernel('_FusedMatMul', inputs(), { ...attrs }) as tf.Tensor,
        );
        const { calls, fused, run } = spiedKernels();
        const got = await runOn('wasm', () => run(fused, inputs(), attrs));
        expectClose(got, ref, 1e-5);
        expect(calls.transpose).toBe(2);
      });
    }
  }

  it('leaves other activations and transposed products to the original', async () => {
    const [m, k, n] = [2, 120, 90];
    const a = randomArray(rng, [m, k]);
    const b = randomArray(rng, [k, n]);
    const bias = randomArray(rng, [n]);
    const { calls, fused, run } = spiedKernels();
    await runOn('wasm', () =>
      run(
        fused,
        { a: tf.tensor(a, [1, m, k]), b: tf.tensor(b, [1, k, n]), bias: tf.tensor(bias, [n]) },
        { transposeA: false, transposeB: false, activation: 'elu', leakyreluAlpha: 0 },
      ),
    );
    expect(calls.transpose).toBe(0);
    await expectSameOnBothBackends(
      () =>
        tf.fused.matMul({
          a: tf.tensor2d(a, [m, k]),
          b: tf.tensor2d(b, [k, n]),
          bias: tf.tensor1d(bias),
          activation: 'elu',
        }),
      1e-5,
    );
  });

  it('tf.fused.matMul and tf.matMul with a new weight per call match cpu (as in training)', async () => {
    const [m, k, n] = [5, 210, 160];
    const a = randomArray(rng, [m, k]);
    const b = randomArray(rng, [k, n]);
    const bias = randomArray(rng, [n]);
    for (let step = 0; step < 3; step++) {
      const scale = 1 + step / 10;
      await expectSameOnBothBackends(
        () =>
          tf.fused.matMul({
            a: tf.tensor2d(a, [m, k]),
            b: tf.mul(tf.tensor2d(b, [k, n]), scale) as tf.Tensor2D,
            bias: tf.tensor1d(bias),
          }),
        1e-5,
      );
      await expectSameOnBothBackends(
        () => tf.matMul(tf.tensor2d(a, [m, k]), tf.mul(tf.tensor2d(b, [k, n]), scale) as tf.Tensor2D),
        1e-5,
      );
    }
  });

  it('gradients of a dense layer match cpu', async () => {
    const [m, k, n] = [6, 150, 120];
    const x = randomArray(rng, [m, k]);
    const w = randomArray(rng, [k, n]);
    const bias = randomArray(rng, [n]);
    for (const which of [0, 1, 2]) {
      await expectSameOnBothBackends(
        () =>
          tf.grads((xi: tf.Tensor, wi: tf.Tensor, bi: tf.Tensor) =>
            tf.sum(
              tf.square(tf.relu(tf.fused.matMul({ a: xi as tf.Tensor2D, b: wi as tf.Tensor2D, bias: bi }))),
            ),
          )([tf.tensor2d(x, [m, k]), tf.tensor2d(w, [k, n]), tf.tensor1d(bias)])[which],
        1e-5,
      );
    }
  });

  it('keeps tensors and wasm memory flat', async () => {
    const x = tf.tensor2d(randomArray(rng, [4, 300]), [4, 300]);
    const w = tf.tensor2d(randomArray(rng, [300, 200]), [300, 200]);
    const bias = tf.tensor1d(randomArray(rng, [200]));
    await expectNoLeak(() =>
      tf.tidy(() => {
        // A new weight each step, as the optimizer makes, and the same one again.
        const wi = tf.add(w, 0.5) as tf.Tensor2D;
        tf.fused.matMul({ a: x, b: wi, bias, activation: 'relu' }).dataSync();
        tf.fused.matMul({ a: x, b: wi, bias }).dataSync();
        tf.matMul(x, tf.add(w, 1) as tf.Tensor2D).dataSync();
      }),
    );
    tf.dispose([x, w, bias]);
  });
});
