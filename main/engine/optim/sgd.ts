import * as tf from '@tensorflow/tfjs-core';
import { sgdUpdate } from './fused-updates';
import type { Optimizer } from './types';

/** w ← w − α·g. Serves both "gd" (the trainer feeds it the full batch) and "sgd". */
export function createSgd(variables: readonly tf.Variable[]): Optimizer {
  let steps = 0;
  return {
    step(evaluate, learningRate) {
      steps += 1;
      return tf.tidy(() => {
        const { loss, grads } = evaluate();
        variables.forEach((w, i) => w.assign(sgdUpdate(w, grads[i], learningRate)));
        return loss;
      });
    },
    state: () => ({ step: steps, slots: {} }),
    restore(step) {
      steps = step;
    },
    dispose() {},
  };
}
