import * as tf from '@tensorflow/tfjs-core';
import { disposeAll, zeroSlots } from './slots';
import type { Optimizer } from './types';

/** Classical (heavy-ball) momentum: v ← γ·v − α·g(w); w ← w + v. */
export function createMomentum(variables: readonly tf.Variable[], gamma: number): Optimizer {
  const velocities = zeroSlots(variables);
  return {
    step(evaluate, learningRate) {
      return tf.tidy(() => {
        const { loss, grads } = evaluate();
        variables.forEach((w, i) => {
          const v = tf.sub(tf.mul(velocities[i], gamma), tf.mul(grads[i], learningRate));
          velocities[i].assign(v);
          w.assign(tf.add(w, v));
        });
        return loss;
      });
    },
    dispose() {
      disposeAll(velocities);
    },
  };
}
