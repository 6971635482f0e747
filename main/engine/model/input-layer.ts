/**
 * The first dense or conv layer, applied to the model's input (the data, perhaps flattened), without the
 * gradient with respect to that input.
 *
 * tf.fused.matMul and tf.fused.conv2d compute all their gradients eagerly in one custom gradient, the
 * input's included, whether or not anything needs it; on the input layer nothing does. That product
 * costs as much as the weight gradient: for E2's 784→1000 layer at batch 100 a third of the step's
 * matmul FLOPs, for E4's conv about 2 ms per step on wasm. Here the same forward kernel runs (the same
 * values, bit for bit) inside a custom gradient whose only inputs are the weights, and the weight and
 * bias gradients are the same ops tfjs's fused gradients run, on the same shapes. The layer's input is
 * captured, not differentiated: nothing may take a gradient with respect to the model's input through it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Conv2DLayer, DenseLayer } from './types';

/** tfjs's getFusedBiasGradient for a [C] bias: dy summed over every axis but the last. */
function biasGradient(dy: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const axes = dy.shape.slice(0, -1).map((_, i) => i);
  return tf.reshape(tf.sum(dy, axes), bias.shape);
}

/** A custom gradient over the layer's kernel and bias only; `gradients(dy)` returns theirs. */
function overWeights<T extends tf.Tensor>(
  layer: DenseLayer | Conv2DLayer,
  forward: (kernel: tf.Tensor, bias: tf.Tensor) => T,
  gradients: (dy: T, kernel: tf.Tensor, bias: tf.Tensor) => [tf.Tensor, tf.Tensor],
): T {
  const op = tf.customGrad<T>((...inputs: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [kernel, bias] = inputs as [tf.Tensor, tf.Tensor];
    return { value: forward(kernel, bias), gradFunc: (dy: T) => gradients(dy, kernel, bias) };
  });
  return op(layer.kernel.variable, layer.bias.variable);
}

export function inputDense(x: tf.Tensor2D, layer: DenseLayer): tf.Tensor2D {
  return overWeights(
    layer,
    (kernel, bias) => tf.fused.matMul({ a: x, b: kernel as tf.Tensor2D, bias }) as tf.Tensor2D,
    (dy, kernel, bias) => {
      // As tf.fused.matMul's gradient does: x and dy viewed as [1, rows, ·], a batch of one.
      const dy3 = tf.reshape(dy, [1, ...dy.shape]);
      const x3 = tf.reshape(x, [1, ...x.shape]);
      return [tf.reshape(tf.matMul(x3, dy3, true, false), kernel.shape), biasGradient(dy3, bias)];
    },
  );
}

export function inputConv(x: tf.Tensor4D, layer: Conv2DLayer): tf.Tensor4D {
  const { stride, padding } = layer;
  return overWeights(
    layer,
    (filter, bias) =>
      tf.fused.conv2d({ x, filter: filter as tf.Tensor4D, strides: stride, pad: padding, bias }),
    (dy, filter, bias) => {
      // tf.conv2DBackpropFilter is not exported; this is its kernel call.
      const filterGradient = tf
        .engine()
        .runKernel(
          'Conv2DBackpropFilter',
          { x, dy },
          { strides: stride, pad: padding, dataFormat: 'NHWC', filterShape: filter.shape },
        ) as tf.Tensor;
      return [filterGradient, biasGradient(dy, bias)];
    },
  );
}
