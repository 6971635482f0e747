import * as tf from '@tensorflow/tfjs-core';
import type { Optimizer } from './types';

/** w ← w − α·g. Serves both "gd" (the trainer feeds it the full batch) and "sgd". */
export function createSgd(variables: readonly tf.Variable[]): Optimizer {
  return {
    step(evaluate, learningRate) {
      return tf.tidy(() => {
        const { loss, grads } = evaluate();
        variables.forEach((w, i) => w.assign(tf.sub(w, tf.mul(grads[i], learningRate))));
        return loss;
      });
    },
    dispose() {},
  };
}
