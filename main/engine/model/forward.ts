import * as tf from '@tensorflow/tfjs-core';
import { applyActivation } from './activation';
import { applyDropout } from './dropout';
import { inputConv, inputDense } from './input-layer';
import type { BatchNormLayer, BatchStatistics, ForwardExtras, Layer } from './types';

function batchNorm(
  layer: BatchNormLayer,
  x: tf.Tensor,
  training: boolean,
  statistics: BatchStatistics[] | undefined,
): tf.Tensor {
  let mean: tf.Tensor;
  let variance: tf.Tensor;
  if (training) {
    // Normalise over every axis but channels; the gradient flows through the batch mean and variance.
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const moments = tf.moments(x, axes);
    mean = moments.mean;
    variance = moments.variance;
    if (statistics) {
      // Kept so they outlive the gradient tape's tidy; the trainer folds them in and disposes them.
      statistics.push({
        layer,
        mean: tf.keep(mean) as tf.Tensor1D,
        variance: tf.keep(variance) as tf.Tensor1D,
      });
    }
  } else {
    mean = layer.movingMean.variable;
    variance = layer.movingVariance.variable;
  }
  const normalised = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, layer.epsilon)));
  return tf.add(tf.mul(normalised, layer.gamma.variable), layer.beta.variable);
}

/**
 * Runs the layers on x ([rows, …inputShape]) and returns the logits. Call it inside tf.tidy (or a gradient
 * function); intermediate tensors are left to that scope. x is data: the first dense or conv layer does not
 * differentiate with respect to it (input-layer.ts).
 */
export function forwardLayers(
  layers: readonly Layer[],
  x: tf.Tensor,
  training: boolean,
  dropoutSeed: number | undefined,
  extras: ForwardExtras = {},
): tf.Tensor2D {
  let h = x;
  // Whether h is still the input, perhaps flattened.
  let onInput = true;
  for (const [index, layer] of layers.entries()) {
    const first = onInput;
    onInput &&= layer.kind === 'flatten';
    switch (layer.kind) {
      case 'flatten':
        h = tf.reshape(h, [h.shape[0], -1]);
        break;
      case 'dense':
        if (first) {
          h = inputDense(h as tf.Tensor2D, layer);
          break;
        }
        h = tf.fused.matMul({
          a: h as tf.Tensor2D,
          b: layer.kernel.variable as tf.Tensor2D,
          bias: layer.bias.variable,
        });
        break;
      case 'conv2d':
        if (first) {
          h = inputConv(h as tf.Tensor4D, layer);
          break;
        }
        h = tf.fused.conv2d({
          x: h as tf.Tensor4D,
          filter: layer.kernel.variable as tf.Tensor4D,
          strides: layer.stride,
          pad: layer.padding,
          bias: layer.bias.variable,
        });
        break;
      case 'activation':
        h = applyActivation(h, layer.activation);
        extras.onActivation?.(index, h);
        break;
      case 'batchNorm':
        h = batchNorm(layer, h, training, extras.batchStatistics);
        break;
      case 'maxPool':
        h = tf.maxPool(h as tf.Tensor4D, layer.size, layer.size, 'valid');
        break;
      case 'dropout':
        if (!training) break;
        if (dropoutSeed === undefined) throw new Error('training with dropout needs a dropout seed');
        h = applyDropout(h as tf.Tensor2D, layer.keep, dropoutSeed, layer.index, extras.rowOffset ?? 0);
        break;
    }
  }
  return h as tf.Tensor2D;
}

/** moving ← momentum·moving + (1 − momentum)·batch, for each batch norm layer that reported statistics. */
export function foldBatchStatistics(statistics: readonly BatchStatistics[]): void {
  tf.tidy(() => {
    for (const { layer, mean, variance } of statistics) {
      const m = layer.momentum;
      const movingMean = layer.movingMean.variable;
      const movingVariance = layer.movingVariance.variable;
      movingMean.assign(tf.add(tf.mul(movingMean, m), tf.mul(mean, 1 - m)));
      movingVariance.assign(tf.add(tf.mul(movingVariance, m), tf.mul(variance, 1 - m)));
    }
  });
}
