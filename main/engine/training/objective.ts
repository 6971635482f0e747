import * as tf from '@tensorflow/tfjs-core';
import type { RegularizationConfig, TrainingConfig } from '../../../common/config/run-config';
import type { ModelParameter } from '../model/types';
// Everything built from these functions is differentiated.
import './register-gradients';

export type L2Settings = Pick<RegularizationConfig, 'l2' | 'l2Convention' | 'l2Covers'>;

export interface ObjectiveSettings {
  lossReduction: TrainingConfig['lossReduction'];
  regularization: L2Settings;
}

/** Softmax cross-entropy per example from logits, stable for large logits: logΣexp(z) − z_y. */
export function crossEntropyPerExample(logits: tf.Tensor2D, oneHotLabels: tf.Tensor2D): tf.Tensor1D {
  return tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(logits, oneHotLabels), 1));
}

/** λ·Σ‖W‖²/2 ("half", TF's l2_loss) or λ·Σ‖W‖² ("full"): the factor in front of Σ‖W‖². */
export function l2Coefficient(settings: L2Settings): number {
  return settings.l2Convention === 'half' ? settings.l2 / 2 : settings.l2;
}

/** Kernels always; biases only with l2Covers "weights-and-biases"; batch norm's γ and β never. */
export function isPenalised(parameter: ModelParameter, settings: L2Settings): boolean {
  if (parameter.role === 'weight') return true;
  return parameter.role === 'bias' && settings.l2Covers === 'weights-and-biases';
}

/** The L2 term of the objective, or null when λ = 0 (nothing to add, nothing to differentiate). */
export function l2Penalty(parameters: readonly ModelParameter[], settings: L2Settings): tf.Scalar | null {
  if (settings.l2 === 0) return null;
  const covered = parameters.filter((p) => isPenalised(p, settings));
  if (covered.length === 0) return null;
  const sumOfSquares = tf.addN(covered.map((p) => tf.sum(tf.square(p.variable))));
  return tf.mul(sumOfSquares, l2Coefficient(settings));
}

/**
 * One chunk's share of a batch's data loss: Σ CE over the chunk, divided by the whole batch's row count for
 * "mean". Chunks of one batch add up to exactly the batch's loss (up to float summation order).
 */
export function dataLoss(
  logits: tf.Tensor2D,
  oneHotLabels: tf.Tensor2D,
  batchRows: number,
  reduction: TrainingConfig['lossReduction'],
): tf.Scalar {
  const total: tf.Scalar = tf.sum(crossEntropyPerExample(logits, oneHotLabels));
  return reduction === 'mean' ? tf.div(total, batchRows) : total;
}

/**
 * The training objective of one batch: data loss (mean or sum over the batch) + L2 penalty. The penalty is
 * added once per batch whatever the reduction, as TF code does with reduce_sum(ce) + λ·l2_loss(W): with
 * "sum" the penalty's weight relative to the data therefore shrinks as the batch grows.
 */
export function batchObjective(
  logits: tf.Tensor2D,
  oneHotLabels: tf.Tensor2D,
  parameters: readonly ModelParameter[],
  settings: ObjectiveSettings,
): tf.Scalar {
  const loss = dataLoss(logits, oneHotLabels, logits.shape[0], settings.lossReduction);
  const penalty = l2Penalty(parameters, settings.regularization);
  return penalty === null ? loss : tf.add(loss, penalty);
}
