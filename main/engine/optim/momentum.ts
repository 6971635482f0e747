import * as tf from '@tensorflow/tfjs-core';
import { momentumUpdate } from './fused-updates';
import { disposeAll, restoreSlot, zeroSlots } from './slots';
import type { Optimizer } from './types';

/** Classical (heavy-ball) momentum: v ← γ·v − α·g(w); w ← w + v. */
export function createMomentum(variables: readonly tf.Variable[], gamma: number): Optimizer {
  const velocities = zeroSlots(variables);
  let steps = 0;
  return {
    step(evaluate, learningRate) {
      steps += 1;
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
    state: () => ({ step: steps, slots: { velocity: velocities } }),
    restore(step, slots) {
      restoreSlot('velocity', velocities, slots.velocity);
      steps = step;
    },
    dispose() {
      disposeAll(velocities);
    },
  };
}
