import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../common/random';
import { randomArray, useWasm } from '../backend/wasm-test-support';
import '../training/register-gradients';
import { inputConv, inputDense } from './input-layer';
import type { Conv2DLayer, DenseLayer } from './types';

beforeAll(useWasm);

const rng = createRng(41);

function parameter(shape: number[]) {
  return {
    name: 'p',
    role: 'weight' as const,
    variable: tf.variable(tf.tensor(randomArray(rng, shape), shape)),
  };
}

/** Values and weight gradients of sum(f(x)·r) through the input layer and through tf.fused, on `backend`. */
async function compare(
  backend: 'cpu' | 'wasm',
  layer: DenseLayer | Conv2DLayer,
  x: tf.Tensor,
  ours: () => tf.Tensor,
  fused: () => tf.Tensor,
) {
  expect(await tf.setBackend(backend)).toBe(true);
  const variables = [layer.kernel.variable, layer.bias.variable];
  const run = (f: () => tf.Tensor) =>
    tf.tidy(() => {
      const shape = tf.tidy(() => f().shape);
      const r = tf.tensor(randomArray(createRng(3), shape), shape);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(f(), r)), variables);
      return [value, ...variables.map((v) => grads[v.name])].map((t) => Array.from(t.dataSync()));
    });
  const kernels = async (f: () => tf.Tensor) =>
    (await tf.profile(() => tf.tidy(() => tf.variableGrads(() => tf.sum(f()), variables).value))).kernels.map(
      (k) => k.name,
    );
  expect(run(ours)).toEqual(run(fused));
  const names = { ours: await kernels(ours), fused: await kernels(fused) };
  x.dispose();
  return names;
}

describe('the input layer skips the gradient with respect to the data', () => {
  for (const backend of ['cpu', 'wasm'] as const) {
    it(`dense on ${backend}: same value and weight gradients bit for bit, one product less`, async () => {
      await tf.setBackend(backend);
      const layer: DenseLayer = {
        kind: 'dense',
        name: 'dense_1',
        kernel: parameter([37, 19]),
        bias: parameter([19]),
      };
      const x = tf.tensor(randomArray(rng, [23, 37]), [23, 37]) as tf.Tensor2D;
      const { ours, fused } = await compare(
        backend,
        layer,
        x,
        () => inputDense(x, layer),
        () => tf.fused.matMul({ a: x, b: layer.kernel.variable as tf.Tensor2D, bias: layer.bias.variable }),
      );
      const products = (names: string[]) => names.filter((n) => n === 'BatchMatMul').length;
      expect(products(ours)).toBe(products(fused) - 1);
      tf.dispose([layer.kernel.variable, layer.bias.variable]);
    });

    it(`conv on ${backend}: same value and weight gradients bit for bit, no Conv2DBackpropInput`, async () => {
      await tf.setBackend(backend);
      const layer: Conv2DLayer = {
        kind: 'conv2d',
        name: 'conv2d_1',
        kernel: parameter([3, 3, 2, 5]),
        bias: parameter([5]),
        stride: 1,
        padding: 'same',
      };
      const x = tf.tensor(randomArray(rng, [3, 9, 7, 2]), [3, 9, 7, 2]) as tf.Tensor4D;
      const { ours, fused } = await compare(
        backend,
        layer,
        x,
        () => inputConv(x, layer),
        () =>
          tf.fused.conv2d({
            x,
            filter: layer.kernel.variable as tf.Tensor4D,
            strides: 1,
            pad: 'same',
            bias: layer.bias.variable,
          }),
      );
      expect(fused).toContain('Conv2DBackpropInput');
      expect(ours).not.toContain('Conv2DBackpropInput');
      expect(ours).toContain('Conv2DBackpropFilter');
      tf.dispose([layer.kernel.variable, layer.bias.variable]);
    });
  }

  it('leaves no tensors behind', async () => {
    expect(await tf.setBackend('wasm')).toBe(true);
    const layer: DenseLayer = {
      kind: 'dense',
      name: 'dense_1',
      kernel: parameter([8, 4]),
      bias: parameter([4]),
    };
    const x = tf.ones([5, 8]) as tf.Tensor2D;
    const variables = [layer.kernel.variable, layer.bias.variable];
    const step = () =>
      tf.tidy(() => {
        const { grads } = tf.variableGrads(() => tf.sum(inputDense(x, layer)), variables);
        for (const g of Object.values(grads)) g.dataSync();
      });
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, ...variables]);
  });
});
