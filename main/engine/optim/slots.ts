import * as tf from '@tensorflow/tfjs-core';

/** Per-variable optimizer state (velocity, moments), zero at the start and never trained itself. */
export function zeroSlots(variables: readonly tf.Variable[]): tf.Variable[] {
  return variables.map((v) => tf.tidy(() => tf.variable(tf.zerosLike(v), false)));
}

export function disposeAll(tensors: readonly tf.Tensor[]): void {
  for (const t of tensors) t.dispose();
}

/** Assigns saved values to a slot's variables, checking that each has the variable's size. */
export function restoreSlot(
  name: string,
  slot: readonly tf.Variable[],
  values: readonly Float32Array[] | undefined,
): void {
  if (!values || values.length !== slot.length) {
    throw new Error(`optimizer slot "${name}": expected ${slot.length} tensors, got ${values?.length ?? 0}`);
  }
  slot.forEach((variable, i) => {
    if (values[i].length !== variable.size) {
      throw new Error(
        `optimizer slot "${name}" tensor ${i}: expected ${variable.size} values, got ${values[i].length}`,
      );
    }
    tf.tidy(() => variable.assign(tf.tensor(values[i], variable.shape, 'float32')));
  });
}
