import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../common/random';
import '../training/register-gradients';
import { makeConv2DBackpropInput } from './wasm-conv2d-input';
import {
  expectClose,
  expectNoLeak,
  expectSameOnBothBackends,
  randomArray,
  runOn,
  useWasm,
} from './wasm-test-support';

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

interface ConvCase {
  x: [number, number, number, number];
  kh: number;
  kw: number;
  outC: number;
  stride: number | [number, number];
  pad: Pad;
}

const cases: ConvCase[] = [
  // E4's first layer, smaller: one input channel, same padding.
  { x: [3, 9, 8, 1], kh: 3, kw: 3, outC: 5, stride: 1, pad: 'same' },
  { x: [1, 5, 5, 1], kh: 1, kw: 1, outC: 1, stride: 1, pad: 'valid' },
  { x: [2, 9, 6, 3], kh: 3, kw: 3, outC: 4, stride: 2, pad: 'same' },
  { x: [3, 8, 11, 3], kh: 5, kw: 5, outC: 3, stride: 2, pad: 'valid' },
  { x: [2, 7, 7, 2], kh: 2, kw: 3, outC: 3, stride: [1, 2], pad: 'same' },
  { x: [1, 10, 7, 3], kh: 3, kw: 3, outC: 2, stride: [2, 1], pad: 'same' },
  { x: [2, 5, 5, 2], kh: 3, kw: 3, outC: 3, stride: 1, pad: 1 },
  // Stride larger than the kernel: some input cells get no gradient at all.
  { x: [2, 9, 9, 2], kh: 2, kw: 2, outC: 3, stride: 3, pad: 'valid' },
  // Kernel larger than the image.
  { x: [1, 4, 4, 1], kh: 5, kw: 5, outC: 2, stride: 2, pad: 'same' },
  {
    x: [2, 6, 5, 2],
    kh: 3,
    kw: 2,
    outC: 3,
    stride: 2,
    pad: [
      [0, 0],
      [2, 0],
      [1, 2],
      [0, 0],
    ],
  },
];

function dyShape(c: ConvCase): number[] {
  return tf.tidy(
    () =>
      tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, tf.zeros([c.kh, c.kw, c.x[3], c.outC]), c.stride, c.pad).shape,
  );
}

function attrs(c: ConvCase) {
  return { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x } as const;
}

beforeAll(useWasm);

describe('Conv2DBackpropInput on wasm', () => {
  const rng = createRng(41);
  for (const c of cases) {
    const pad = typeof c.pad === 'object' ? 'explicit' : c.pad;
    it(`x ${c.x.join('x')}, ${c.kh}x${c.kw}x${c.outC}, stride ${c.stride}, pad ${pad}`, async () => {
      const filterShape = [c.kh, c.kw, c.x[3], c.outC];
      const shape = dyShape(c);
      const dy = randomArray(rng, shape);
      const filter = randomArray(rng, filterShape);
      await expectSameOnBothBackends(
        () =>
          tf
            .engine()
            .runKernel(
              'Conv2DBackpropInput',
              { dy: tf.tensor(dy, shape), filter: tf.tensor(filter, filterShape) },
              { ...attrs(c) },
            ) as tf.Tensor,
        1e-5,
      );
    });
  }

  it('splits large batches into slices', async () => {
    const c = cases[2];
    const filterShape = [c.kh, c.kw, c.x[3], c.outC];
    const shape = dyShape(c);
    const dy = randomArray(rng, [3, ...shape.slice(1)]);
    const filter = randomArray(rng, filterShape);
    const inputs = () => ({
      dy: tf.tensor(dy, [3, ...shape.slice(1)]),
      filter: tf.tensor(filter, filterShape),
    });
    const a = { ...attrs(c), inputShape: [3, ...c.x.slice(1)] };
    const ref = await runOn(
      'cpu',
      () => tf.engine().runKernel('Conv2DBackpropInput', inputs(), a) as tf.Tensor,
    );
    const got = await runOn('wasm', () => {
      const matMul = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc as tf.KernelFunc;
      const fail: tf.KernelFunc = () => {
        throw new Error('the original kernel must not be called');
      };
      // One batch entry's cols (5 x 3 pixels, 27 taps) at a time: three slices.
      const kernel = makeConv2DBackpropInput(matMul, fail, 5 * 3 * 27);
      const out = kernel({ inputs: inputs(), backend: tf.backend(), attrs: a });
      return tf.engine().makeTensorFromTensorInfo(out as tf.TensorInfo);
    });
    expectClose(got, ref, 1e-5);
  });

  it('the gradient of a conv layer with respect to its input matches cpu', async () => {
    const x = randomArray(rng, [2, 7, 6, 2]);
    const w = randomArray(rng, [3, 3, 2, 4]);
    const dy = randomArray(rng, [2, 7, 6, 4]);
    await expectSameOnBothBackends(
      () =>
        tf.grad((xi: tf.Tensor) =>
          tf.sum(
            tf.mul(
              tf.conv2d(xi as tf.Tensor4D, tf.tensor4d(w, [3, 3, 2, 4]), 1, 'same'),
              tf.tensor(dy, [2, 7, 6, 4]),
            ),
          ),
        )(tf.tensor(x, [2, 7, 6, 2])),
      1e-5,
    );
  });

  it('leaves NCHW to the original kernel', () => {
    const matMul: tf.KernelFunc = () => {
      throw new Error('not for NCHW');
    };
    const marker: tf.TensorInfo = { dataId: {}, shape: [1], dtype: 'float32' };
    const kernel = makeConv2DBackpropInput(matMul, () => marker);
    const t: tf.TensorInfo = { dataId: {}, shape: [1, 1, 1, 1], dtype: 'float32' };
    const out = kernel({
      inputs: { dy: t, filter: t },
      backend: tf.backend(),
      attrs: { strides: 1, pad: 'valid', dataFormat: 'NCHW', inputShape: [1, 1, 1, 1] },
    });
    expect(out).toBe(marker);
  });

  it('keeps tensors and wasm memory flat', async () => {
    const dy = tf.tensor(randomArray(rng, [4, 8, 8, 6]), [4, 8, 8, 6]);
    const w = tf.tensor(randomArray(rng, [3, 3, 2, 6]), [3, 3, 2, 6]);
    const a = { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: [4, 8, 8, 2] } as const;
    await expectNoLeak(() =>
      tf.tidy(() => {
        (tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: w }, { ...a }) as tf.Tensor).dataSync();
      }),
    );
    tf.dispose([dy, w]);
  });
});
