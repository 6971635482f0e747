import * as tf from '@tensorflow/tfjs-core';
import { adamUpdate } from './fused-updates';
import { disposeAll, restoreSlot, zeroSlots } from './slots';
import type { Optimizer } from './types';

export interface AdamSettings {
  beta1: number;
  beta2: number;
  epsilon: number;
}

/**
 * Adam (Kingma & Ba, algorithm 1) with bias correction:
 * m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; w ← w − α·m̂/(√v̂ + ε), m̂ = m/(1−β1^t), v̂ = v/(1−β2^t).
 * ε is added outside the square root, as in the paper and TF1's AdamOptimizer docs. One fused pass per
 * variable where the backend has the kernel (fused-updates.ts).
 */
export function createAdam(variables: readonly tf.Variable[], settings: AdamSettings): Optimizer {
  const { beta1, beta2, epsilon } = settings;
  const firstMoments = zeroSlots(variables);
  const secondMoments = zeroSlots(variables);
  let t = 0;
  return {
    step(evaluate, learningRate) {
      t += 1;
      // The corrections are computed in float64 here; only their float32 value enters the tensors.
      const correction1 = 1 - Math.pow(beta1, t);
      const correction2 = 1 - Math.pow(beta2, t);
      return tf.tidy(() => {
        const { loss, grads } = evaluate();
        variables.forEach((w, i) => {
          const [w1, m, v] = adamUpdate(w, grads[i], firstMoments[i], secondMoments[i], {
            beta1,
            beta2,
            epsilon,
            correction1,
            correction2,
            learningRate,
          });
          firstMoments[i].assign(m);
          secondMoments[i].assign(v);
          w.assign(w1);
        });
        return loss;
      });
    },
    state: () => ({ step: t, slots: { m: firstMoments, v: secondMoments } }),
    restore(step, slots) {
      restoreSlot('m', firstMoments, slots.m);
      restoreSlot('v', secondMoments, slots.v);
      t = step;
    },
    dispose() {
      disposeAll(firstMoments);
      disposeAll(secondMoments);
    },
  };
}
