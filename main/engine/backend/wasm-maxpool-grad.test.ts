import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng, normalSample, type Rng } from '../../../common/random';
import '../training/register-gradients';
import { registerWasmTrainingKernels } from './wasm-kernels';
import { runOn, wasmBackend, wasmHeapBytes } from './wasm-test-support';

// Every check runs the same thing on tfjs's cpu backend (the reference) and on wasm with our kernel,
// from identical inputs, and demands identical float32 results: the kernel sums in cpu's order.

// tfjs-backend-wasm's own kernel, captured before ours replaces it, to show the bug the tests catch.
const upstream = tf.getKernel(tf.MaxPoolGrad, 'wasm');

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
type Pair = number | [number, number];
type Values = 'normal' | 'negative' | 'ties';

interface PoolCase {
  x: [number, number, number, number];
  filter: Pair;
  stride: Pair;
  pad: Pad;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

function randomArray(rng: Rng, size: number, values: Values): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const v = normalSample(rng);
    // 'negative': every window is all negative (upstream's bug); 'ties': few distinct values, so
    // most windows hold their maximum more than once and the first one must win.
    out[i] = values === 'negative' ? -Math.abs(v) - 0.01 : values === 'ties' ? Math.round(v * 1.5) : v;
  }
  return out;
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Exact equality, NaN and signed zero included; reports the first mismatch. */
function expectIdentical(got: Float32Array, want: Float32Array): void {
  expect(got.length).toBe(want.length);
  const bad = got.findIndex((v, i) => !Object.is(v, want[i]));
  expect(bad === -1 ? null : { index: bad, got: got[bad], want: want[bad] }).toBeNull();
}

function poolShape(c: PoolCase): number[] {
  return tf.backend_util.computePool2DInfo(c.x, c.filter, c.stride, 1, c.pad, c.dimRoundingMode).outShape;
}

/** dx from the MaxPoolGrad kernel itself; `output` is the true forward max, computed on cpu. */
async function kernelOnBoth(c: PoolCase, x: Float32Array, dy: Float32Array) {
  const outShape = poolShape(c);
  const attrs: tf.NamedAttrMap = { filterSize: c.filter, strides: c.stride, pad: c.pad };
  if (c.dimRoundingMode != null) attrs.dimRoundingMode = c.dimRoundingMode;
  const forward = await runOn('cpu', () =>
    tf.engine().runKernel(tf.MaxPool, { x: tf.tensor(x, c.x) }, { ...attrs }),
  );
  expect(forward.shape).toEqual(outShape);
  const grad = () =>
    tf.engine().runKernel(
      tf.MaxPoolGrad,
      {
        dy: tf.tensor(dy, outShape),
        input: tf.tensor(x, c.x),
        output: tf.tensor(forward.values, outShape),
      },
      { ...attrs },
    ) as tf.Tensor;
  const ref = await runOn('cpu', grad);
  const got = await runOn('wasm', grad);
  expect(got.shape).toEqual(c.x);
  return { ref, got };
}

beforeAll(async () => {
  expect(upstream).toBeDefined();
  // Binds upstream's C++ entry point (its setupFunc runs when the backend is selected).
  expect(await tf.setBackend('wasm')).toBe(true);
  registerWasmTrainingKernels();
  registerWasmTrainingKernels();
  expect(await tf.setBackend('wasm')).toBe(true);
});

describe('MaxPoolGrad on wasm', () => {
  it('replaces upstream, which sends an all-negative window to its first element', async () => {
    const x = new Float32Array([-4, -3, -2, -1]);
    const dy = new Float32Array([1]);
    await tf.setBackend('wasm');
    const run = (kernelFunc: tf.KernelFunc) =>
      tf.tidy(() => {
        const out = kernelFunc({
          inputs: {
            dy: tf.tensor(dy, [1, 1, 1, 1]),
            input: tf.tensor(x, [1, 2, 2, 1]),
            output: tf.tensor([-1], [1, 1, 1, 1]),
          },
          backend: tf.backend(),
          attrs: { filterSize: 2, strides: 2, pad: 'valid' },
        }) as tf.TensorInfo;
        return Array.from(tf.engine().makeTensorFromTensorInfo(out).dataSync());
      });
    // If upstream ever gets this right, ours can go (and this test tells us).
    expect(run(upstream?.kernelFunc as tf.KernelFunc)).toEqual([1, 0, 0, 0]);
    expect(tf.getKernel(tf.MaxPoolGrad, 'wasm')?.kernelFunc).not.toBe(upstream?.kernelFunc);
    expect(run(tf.getKernel(tf.MaxPoolGrad, 'wasm')?.kernelFunc as tf.KernelFunc)).toEqual([0, 0, 0, 1]);
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.maxPool(t as tf.Tensor4D, 2, 2, 'valid')));
    expect(Array.from(tf.tidy(() => grad(tf.tensor(x, [1, 2, 2, 1]))).dataSync())).toEqual([0, 0, 0, 1]);
  });

  const cases: PoolCase[] = [];
  const shapes: Array<[number, number, number, number]> = [
    [1, 5, 5, 1], // batch 1, odd, one channel
    [2, 7, 4, 3], // odd and non-square
    [3, 6, 9, 32],
    [2, 8, 8, 3],
  ];
  for (const x of shapes) {
    for (const filter of [2, 3]) {
      for (const stride of [1, 2]) {
        for (const pad of ['same', 'valid'] as const) cases.push({ x, filter, stride, pad });
      }
    }
  }
  cases.push(
    { x: [2, 9, 7, 3], filter: [2, 3], stride: [1, 2], pad: 'same' },
    { x: [2, 9, 7, 3], filter: [3, 2], stride: [2, 3], pad: 'valid' },
    { x: [1, 4, 4, 2], filter: 5, stride: 2, pad: 'same' }, // window larger than the image
    { x: [2, 7, 6, 3], filter: 3, stride: 2, pad: 1 },
    { x: [2, 7, 6, 3], filter: 3, stride: 2, pad: 1, dimRoundingMode: 'ceil' },
    {
      x: [2, 7, 6, 3],
      filter: 3,
      stride: 2,
      pad: [
        [0, 0],
        [2, 0],
        [1, 2],
        [0, 0],
      ],
    },
  );

  const rng = createRng(17);
  for (const c of cases) {
    const label = `x ${c.x.join('x')}, filter ${c.filter}, stride ${c.stride}, pad ${JSON.stringify(c.pad)}`;
    it(`${label}${c.dimRoundingMode ? `, ${c.dimRoundingMode}` : ''}: normal, all-negative and tied inputs`, async () => {
      for (const values of ['normal', 'negative', 'ties'] as const) {
        const x = randomArray(rng, size(c.x), values);
        const dy = randomArray(rng, size(poolShape(c)), 'normal');
        const { ref, got } = await kernelOnBoth(c, x, dy);
        expectIdentical(got.values, ref.values);
      }
    });
  }

  it('keeps NaN, -Infinity and all-padding windows as cpu does', async () => {
    const c: PoolCase = { x: [1, 4, 5, 2], filter: 2, stride: 1, pad: 'valid' };
    const x = randomArray(rng, size(c.x), 'normal');
    x.fill(-Infinity, 0, 6);
    x[7] = NaN;
    x[13] = NaN;
    x[14] = Infinity;
    const dy = randomArray(rng, size(poolShape(c)), 'normal');
    const { ref, got } = await kernelOnBoth(c, x, dy);
    expectIdentical(got.values, ref.values);
  });

  it('tf.grad through maxPool matches cpu exactly', async () => {
    const xShape: [number, number, number, number] = [4, 11, 10, 5];
    const x = randomArray(rng, size(xShape), 'normal');
    for (const [filter, stride, pad] of [
      [2, 2, 'valid'],
      [3, 1, 'same'],
      [3, 2, 'same'],
    ] as const) {
      const yShape = tf.tidy(() => tf.maxPool(tf.zeros(xShape) as tf.Tensor4D, filter, stride, pad).shape);
      const w = randomArray(rng, size(yShape), 'normal');
      const f = () =>
        tf.grad((t: tf.Tensor) =>
          tf.sum(tf.mul(tf.maxPool(t as tf.Tensor4D, filter, stride, pad), tf.tensor(w, yShape))),
        )(tf.tensor(x, xShape));
      const ref = await runOn('cpu', f);
      const got = await runOn('wasm', f);
      expect(got.shape).toEqual(xShape);
      expectIdentical(got.values, ref.values);
    }
  });

  it('rejects a dy of the wrong shape', async () => {
    await tf.setBackend('wasm');
    expect(() =>
      tf.tidy(() =>
        tf
          .engine()
          .runKernel(
            tf.MaxPoolGrad,
            { dy: tf.zeros([1, 3, 3, 1]), input: tf.zeros([1, 4, 4, 1]), output: tf.zeros([1, 3, 3, 1]) },
            { filterSize: 2, strides: 2, pad: 'valid' },
          ),
      ),
    ).toThrow(/dy has shape/);
  });

  it('keeps tensors and wasm memory flat over many calls', async () => {
    await tf.setBackend('wasm');
    const r = createRng(3);
    const x = tf.tensor(randomArray(r, 8 * 12 * 12 * 6, 'normal'), [8, 12, 12, 6]) as tf.Tensor4D;
    const grad = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.square(tf.maxPool(tf.maxPool(t as tf.Tensor4D, 3, 1, 'same'), 2, 2, 'valid'))),
    );
    const step = () => tf.tidy(() => grad(x).dataSync());
    for (let i = 0; i < 5; i++) step();
    const tensors = tf.memory().numTensors;
    const dataIds = wasmBackend().numDataIds();
    const heap = wasmHeapBytes();
    for (let i = 0; i < 100; i++) step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmBackend().numDataIds()).toBe(dataIds);
    expect(wasmHeapBytes()).toBe(heap);
    x.dispose();
  });
});
