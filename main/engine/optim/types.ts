import type * as tf from '@tensorflow/tfjs-core';
import type { TrainingConfig } from '../../../common/config/run-config';

/** The objective and its gradient at the variables' current values; grads[i] belongs to variables[i]. */
export interface GradientEvaluation {
  loss: tf.Scalar;
  grads: tf.Tensor[];
}

/**
 * Computes the objective and its gradient at whatever values the variables hold when it is called.
 * Optimizers that need the gradient somewhere else (Nesterov's look-ahead) move the variables there first.
 */
export type EvaluateGradient = () => GradientEvaluation;

export interface Optimizer {
  /**
   * One update of the variables. Returns the objective's value at the point where the gradient was taken
   * (a kept scalar: the caller disposes it). Everything else is tidied.
   */
  step(evaluate: EvaluateGradient, learningRate: number): tf.Scalar;
  /** Its state now: steps taken and each slot's per-variable tensors (slot i belongs to variables[i]). */
  state(): OptimizerSlots;
  /** Puts back a state taken with state() by the same optimizer kind over variables of the same shapes. */
  restore(step: number, slots: Readonly<Record<string, readonly Float32Array[]>>): void;
  /** Frees the optimizer's state (velocities, moments); the variables themselves belong to the model. */
  dispose(): void;
}

export interface OptimizerSlots {
  step: number;
  /** Slot name → one variable per model variable, e.g. {"velocity": […]}, {"m": […], "v": […]}; {} for SGD. */
  slots: Record<string, readonly tf.Variable[]>;
}

export type OptimizerSettings = Pick<
  TrainingConfig,
  'optimizer' | 'momentum' | 'beta1' | 'beta2' | 'epsilon'
>;
