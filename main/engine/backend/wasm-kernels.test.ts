import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../common/random';
import '../training/register-gradients';
import { makeConv2DBackpropFilter } from './wasm-conv2d-filter';
import { registerWasmTrainingKernels } from './wasm-kernels';
import {
  expectSameOnBothBackends as expectSame,
  randomArray,
  relativeError,
  runOn,
  wasmBackend,
  wasmHeapBytes,
} from './wasm-test-support';

// Every check computes the same thing on tfjs's cpu backend (the reference) and on wasm with our
// kernels, from identical inputs.

/** These kernels reorder float32 sums (im2col, split batches), so they get a few more ulps. */
const expectSameOnBothBackends = (f: () => tf.Tensor, tolerance = 1e-5) => expectSame(f, tolerance);

beforeAll(async () => {
  registerWasmTrainingKernels();
  registerWasmTrainingKernels(); // idempotent: a second call must not wrap the wrappers
  expect(await tf.setBackend('wasm')).toBe(true);
});

describe('registerWasmTrainingKernels', () => {
  it('provides Conv2DBackpropFilter on wasm and keeps the original setupFunc', () => {
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
    expect(tf.getKernel('BatchMatMul', 'wasm')?.setupFunc).toBeTypeOf('function');
    expect(tf.getKernel('_FusedMatMul', 'wasm')?.setupFunc).toBeTypeOf('function');
  });
});

type Pad = 'same' | 'valid' | number;
interface ConvCase {
  x: [number, number, number, number];
  k: number;
  outC: number;
  stride: number | [number, number];
  pad: Pad;
}

const convCases: ConvCase[] = [
  { x: [1, 5, 5, 1], k: 1, outC: 1, stride: 1, pad: 'valid' },
  { x: [1, 7, 4, 1], k: 3, outC: 2, stride: 1, pad: 'same' },
  { x: [2, 9, 6, 3], k: 3, outC: 4, stride: 2, pad: 'same' },
  { x: [3, 8, 11, 3], k: 5, outC: 3, stride: 2, pad: 'valid' },
  { x: [2, 6, 6, 1], k: 5, outC: 5, stride: 1, pad: 'same' },
  { x: [1, 10, 7, 3], k: 3, outC: 2, stride: [2, 1], pad: 'same' },
  { x: [2, 5, 5, 2], k: 3, outC: 3, stride: 1, pad: 1 },
  { x: [1, 4, 4, 1], k: 5, outC: 2, stride: 2, pad: 'same' }, // kernel larger than the image
];

describe('Conv2DBackpropFilter on wasm', () => {
  const rng = createRng(7);
  for (const c of convCases) {
    it(`x ${c.x.join('x')}, ${c.k}x${c.k}, stride ${c.stride}, pad ${c.pad}`, async () => {
      const filterShape: [number, number, number, number] = [c.k, c.k, c.x[3], c.outC];
      const xData = randomArray(rng, c.x);
      // dy's shape is whatever the forward conv produces.
      const outShape = tf.tidy(
        () =>
          tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros(filterShape) as tf.Tensor4D, c.stride, c.pad)
            .shape,
      );
      const dyData = randomArray(rng, outShape);
      await expectSameOnBothBackends(
        () =>
          tf.engine().runKernel(
            'Conv2DBackpropFilter',
            { x: tf.tensor(xData, c.x), dy: tf.tensor(dyData, outShape) },
            {
              strides: c.stride,
              pad: c.pad,
              dataFormat: 'NHWC',
              filterShape,
            },
          ) as tf.Tensor,
      );
    });
  }

  it('matches explicit padding', async () => {
    const x = randomArray(rng, [2, 6, 5, 2]);
    const pad = [
      [0, 0],
      [2, 0],
      [1, 2],
      [0, 0],
    ] as tf.backend_util.ExplicitPadding;
    const dyShape = [2, 3, 4, 3];
    const dy = randomArray(rng, dyShape);
    await expectSameOnBothBackends(
      () =>
        tf.engine().runKernel(
          'Conv2DBackpropFilter',
          { x: tf.tensor(x, [2, 6, 5, 2]), dy: tf.tensor(dy, dyShape) },
          {
            strides: 2,
            pad,
            dataFormat: 'NHWC',
            filterShape: [3, 2, 2, 3],
          },
        ) as tf.Tensor,
    );
  });

  it('splits large batches into slices and sums them', async () => {
    const xShape = [5, 7, 6, 2];
    const dyShape = [5, 7, 6, 3];
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 2, 3] } as const;
    const x = randomArray(rng, xShape);
    const dy = randomArray(rng, dyShape);
    const ref = await runOn(
      'cpu',
      () =>
        tf
          .engine()
          .runKernel(
            'Conv2DBackpropFilter',
            { x: tf.tensor(x, xShape), dy: tf.tensor(dy, dyShape) },
            { ...attrs },
          ) as tf.Tensor,
    );
    // A budget of two batch entries' patches (18 rows x 42 columns each) forces three slices.
    const matMul = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc as tf.KernelFunc;
    const kernel = makeConv2DBackpropFilter(matMul, 18 * 42 * 2);
    const got = await runOn('wasm', () => {
      const out = kernel({
        inputs: { x: tf.tensor(x, xShape), dy: tf.tensor(dy, dyShape) },
        backend: tf.backend(),
        attrs: { ...attrs },
      });
      return tf.engine().makeTensorFromTensorInfo(out as tf.TensorInfo);
    });
    expect(got.shape).toEqual([3, 3, 2, 3]);
    expect(relativeError(got.values, ref.values)).toBeLessThan(1e-5);
  });
});

interface MatMulCase {
  a: number[];
  b: number[];
  ta: boolean;
  tb: boolean;
}

function matMulCases(): MatMulCase[] {
  const out: MatMulCase[] = [];
  const shapes: Array<[number[], number[]]> = [
    // [m, k] x [k, n] before transposition: non-square, odd, vector-like.
    [
      [37, 53],
      [53, 29],
    ],
    [
      [1, 70],
      [70, 45],
    ],
    // Dense-layer gradient shapes, where computing the transposed product is cheaper.
    [
      [20, 50],
      [50, 70],
    ],
    [
      [64, 1],
      [1, 33],
    ],
    // Batched: equal batches, broadcasting either side, over and under the per-entry threshold.
    [
      [3, 41, 50],
      [3, 50, 39],
    ],
    [
      [4, 33, 40],
      [1, 40, 35],
    ],
    [
      [1, 35, 40],
      [3, 40, 36],
    ],
    [
      [5, 3, 4],
      [5, 4, 6],
    ],
    [
      [3, 45, 40],
      [40, 33],
    ],
  ];
  for (const [a, b] of shapes) {
    for (const ta of [false, true]) {
      for (const tb of [false, true]) {
        const swap = (s: number[]) => [...s.slice(0, -2), s[s.length - 1], s[s.length - 2]];
        out.push({ a: ta ? swap(a) : a, b: tb ? swap(b) : b, ta, tb });
      }
    }
  }
  return out;
}

describe('BatchMatMul on wasm', () => {
  const rng = createRng(11);
  for (const c of matMulCases()) {
    it(`[${c.a}]${c.ta ? 'ᵀ' : ''} x [${c.b}]${c.tb ? 'ᵀ' : ''}`, async () => {
      const a = randomArray(rng, c.a);
      const b = randomArray(rng, c.b);
      await expectSameOnBothBackends(() => tf.matMul(tf.tensor(a, c.a), tf.tensor(b, c.b), c.ta, c.tb));
    });
  }

  it('broadcasts batch dimensions on both sides', async () => {
    // tfjs's cpu kernel mishandles [2, 1] x [1, 3] batches, so the reference tiles them first.
    const aShape = [2, 1, 34, 40];
    const bShape = [1, 3, 33, 40];
    const a = randomArray(rng, aShape);
    const b = randomArray(rng, bShape);
    const ref = await runOn('cpu', () =>
      tf.matMul(
        tf.tile(tf.tensor(a, aShape), [1, 3, 1, 1]),
        tf.tile(tf.tensor(b, bShape), [2, 1, 1, 1]),
        false,
        true,
      ),
    );
    const got = await runOn('wasm', () => tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), false, true));
    expect(got.shape).toEqual([2, 3, 34, 33]);
    expect(relativeError(got.values, ref.values)).toBeLessThan(1e-5);
  });

  it('keeps tensors and wasm memory flat over many calls', async () => {
    await tf.setBackend('wasm');
    const r = createRng(3);
    const a = tf.tensor(randomArray(r, [100, 78]), [100, 78]);
    const w = tf.tensor(randomArray(r, [78, 100]), [78, 100]);
    const a3 = tf.tensor(randomArray(r, [3, 40, 50]), [3, 40, 50]);
    const b3 = tf.tensor(randomArray(r, [3, 40, 45]), [3, 40, 45]);
    const x = tf.tensor(randomArray(r, [4, 12, 12, 3]), [4, 12, 12, 3]) as tf.Tensor4D;
    const step = () =>
      tf.tidy(() => {
        tf.matMul(a, w, true, true).dataSync();
        tf.matMul(a, a, false, true).dataSync();
        tf.matMul(a3, b3, true, false).dataSync();
        tf.fused.matMul({ a, b: a, transposeB: true, bias: tf.ones([100]), activation: 'relu' }).dataSync();
        tf.grad((f: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x, f as tf.Tensor4D, 2, 'same'))))(
          tf.ones([3, 3, 3, 5]),
        ).dataSync();
      });
    for (let i = 0; i < 5; i++) step();
    const tensors = tf.memory().numTensors;
    const dataIds = wasmBackend().numDataIds();
    const heap = wasmHeapBytes();
    for (let i = 0; i < 60; i++) step();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmBackend().numDataIds()).toBe(dataIds);
    expect(wasmHeapBytes()).toBe(heap);
    tf.dispose([a, w, a3, b3, x]);
  });
});

describe('_FusedMatMul on wasm', () => {
  const rng = createRng(13);
  for (const [ta, tb] of [
    [false, true],
    [true, false],
    [true, true],
  ]) {
    it(`transposeA=${ta} transposeB=${tb} with bias and relu`, async () => {
      const aShape: [number, number] = ta ? [31, 23] : [23, 31];
      const bShape: [number, number] = tb ? [17, 31] : [31, 17];
      const a = randomArray(rng, aShape);
      const b = randomArray(rng, bShape);
      const bias = randomArray(rng, [17]);
      await expectSameOnBothBackends(() =>
        tf.fused.matMul({
          a: tf.tensor(a, aShape) as tf.Tensor2D,
          b: tf.tensor(b, bShape) as tf.Tensor2D,
          transposeA: ta,
          transposeB: tb,
          bias: tf.tensor(bias, [17]),
          activation: 'relu',
        }),
      );
    });
  }
});

describe('gradients of a small conv net', () => {
  it('match the cpu backend to float32 rounding', async () => {
    const rng = createRng(5);
    const xShape = [3, 10, 9, 2];
    const shapes = { w1: [3, 3, 2, 4], w2: [5, 5, 4, 3], w3: [27, 4] };
    const x = randomArray(rng, xShape);
    const w1 = randomArray(rng, shapes.w1);
    const w2 = randomArray(rng, shapes.w2);
    const w3 = randomArray(rng, shapes.w3);
    const labels = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 2, 3], 'int32'), 4).dataSync());

    const gradients = async (backend: 'cpu' | 'wasm') => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const loss = (xi: tf.Tensor, a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
          const h1 = tf.relu(tf.conv2d(xi as tf.Tensor4D, a as tf.Tensor4D, 1, 'same'));
          const h2 = tf.conv2d(h1, b as tf.Tensor4D, 2, 'valid');
          const logits = tf.matMul(tf.reshape(h2, [3, 27]), c);
          return tf.losses.softmaxCrossEntropy(tf.tensor(labels, [3, 4]), logits);
        };
        const grads = tf.grads(loss)([
          tf.tensor(x, xShape),
          tf.tensor(w1, shapes.w1),
          tf.tensor(w2, shapes.w2),
          tf.tensor(w3, shapes.w3),
        ]);
        return grads.map((g) => g.dataSync() as Float32Array);
      });
    };
    const ref = await gradients('cpu');
    const got = await gradients('wasm');
    expect(got).toHaveLength(4);
    for (let i = 0; i < 4; i++) {
      expect(relativeError(got[i], ref[i])).toBeLessThan(1e-4);
    }
  });
});
