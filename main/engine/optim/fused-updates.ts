/**
 * The optimizers' per-variable updates. Where the current backend has a usable fused kernel
 * (../backend/update-kernels.ts: wasm with SIMD, after registerWasmTrainingKernels) one kernel makes one pass over
 * the variable, its gradient and its slots; elsewhere (cpu, tensorflow) the tf op sequence below runs,
 * which is also the definition: the kernels compute exactly these operations, in this order, in float32.
 * Call inside tf.tidy; the results are new tensors for assign().
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  ADAM_UPDATE,
  LOOK_AHEAD,
  MOMENTUM_UPDATE,
  SGD_UPDATE,
  type AdamUpdateAttrs,
  type UpdateKernelConfig,
} from '../backend/update-kernels';

function hasKernel(kernelName: string): boolean {
  const config = tf.getKernel(kernelName, tf.getBackend()) as UpdateKernelConfig | undefined;
  return config != null && (config.usable?.(tf.backend()) ?? true);
}

function runKernel(kernelName: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor[] {
  const out = tf.engine().runKernel(kernelName, inputs, attrs as tf.NamedAttrMap);
  return Array.isArray(out) ? out : [out];
}

/**
 * Adam: m' = β1·m + (1−β1)·g; v' = β2·v + (1−β2)·g²; w' = w − α·(m'/c1)/(√(v'/c2) + ε), with
 * c1 = 1 − β1^t, c2 = 1 − β2^t. Returns [w', m', v'].
 */
export function adamUpdate(
  w: tf.Tensor,
  g: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  attrs: AdamUpdateAttrs,
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  if (hasKernel(ADAM_UPDATE)) {
    const [w1, m1, v1] = runKernel(ADAM_UPDATE, { w, g, m, v }, attrs);
    return [w1, m1, v1];
  }
  const { beta1, beta2, epsilon, correction1, correction2, learningRate } = attrs;
  const m1 = tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
  const v1 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
  const mHat = tf.div(m1, correction1);
  const vHat = tf.div(v1, correction2);
  const w1 = tf.sub(w, tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), epsilon)), learningRate));
  return [w1, m1, v1];
}

/** Momentum (and Nesterov's update from the saved w): v' = γ·v − α·g; w' = w + v'. Returns [w', v']. */
export function momentumUpdate(
  w: tf.Tensor,
  g: tf.Tensor,
  v: tf.Tensor,
  momentum: number,
  learningRate: number,
): [tf.Tensor, tf.Tensor] {
  if (hasKernel(MOMENTUM_UPDATE)) {
    const [w1, v1] = runKernel(MOMENTUM_UPDATE, { w, g, v }, { momentum, learningRate });
    return [w1, v1];
  }
  const v1 = tf.sub(tf.mul(v, momentum), tf.mul(g, learningRate));
  return [tf.add(w, v1), v1];
}

/** w − α·g. */
export function sgdUpdate(w: tf.Tensor, g: tf.Tensor, learningRate: number): tf.Tensor {
  if (hasKernel(SGD_UPDATE)) return runKernel(SGD_UPDATE, { w, g }, { learningRate })[0];
  return tf.sub(w, tf.mul(g, learningRate));
}

/** w + γ·v: Nesterov's look-ahead point. */
export function lookAhead(w: tf.Tensor, v: tf.Tensor, momentum: number): tf.Tensor {
  if (hasKernel(LOOK_AHEAD)) return runKernel(LOOK_AHEAD, { w, v }, { momentum })[0];
  return tf.add(w, tf.mul(v, momentum));
}
