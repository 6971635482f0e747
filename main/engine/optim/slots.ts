import * as tf from '@tensorflow/tfjs-core';

/** Per-variable optimizer state (velocity, moments), zero at the start and never trained itself. */
export function zeroSlots(variables: readonly tf.Variable[]): tf.Variable[] {
  return variables.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
}

export function disposeAll(tensors: readonly tf.Tensor[]): void {
  for (const t of tensors) t.dispose();
}
