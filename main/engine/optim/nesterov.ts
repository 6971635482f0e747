import * as tf from '@tensorflow/tfjs-core';
import { lookAhead, momentumUpdate } from './fused-updates';
import { disposeAll, restoreSlot, zeroSlots } from './slots';
import type { Optimizer } from './types';

/**
 * Nesterov accelerated gradient, literally: v ← γ·v − α·g(w + γ·v); w ← w + v.
 * The variables are moved to the look-ahead point w + γ·v, the gradient (and the reported objective) is
 * evaluated there, and the update is applied to the saved w, not to the look-ahead values, so no rounding
 * from "add γv, subtract γv" creeps in.
 */
export function createNesterov(variables: readonly tf.Variable[], gamma: number): Optimizer {
  const velocities = zeroSlots(variables);
  let steps = 0;
  return {
    step(evaluate, learningRate) {
      steps += 1;
      return tf.tidy(() => {
        // clone() shares the data; assign() below gives the variable new data, so `saved` keeps w.
        const saved = variables.map((w) => w.clone());
        variables.forEach((w, i) => w.assign(lookAhead(w, velocities[i], gamma)));
        const { loss, grads } = evaluate();
        variables.forEach((w, i) => {
          const [w1, v] = momentumUpdate(saved[i], grads[i], velocities[i], gamma, learningRate);
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
