import * as tf from '@tensorflow/tfjs-core';
import { momentumUpdate } from './fused-updates';
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
          const [w1, v] = momentumUpdate(w, grads[i], velocities[i], gamma, learningRate);
          velocities[i].assign(v);
          w.assign(w1);
        });
        return loss;
      });
    },
    dispose() {
      disposeAll(velocities);
    },
  };
}
