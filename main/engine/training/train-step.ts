import * as tf from '@tensorflow/tfjs-core';
import type { Model, BatchStatistics } from '../model/types';
import type { EvaluateGradient, GradientEvaluation } from '../optim/types';
import type { ExampleChunk } from './batches';
import { dataLoss, l2Penalty, type ObjectiveSettings } from './objective';
import './register-gradients';

export interface StepInput {
  /** The batch, in one or more chunks (several only for models without batch norm). */
  chunks: readonly ExampleChunk[];
  /** Rows in the whole batch: the divisor of the "mean" reduction. */
  batchRows: number;
  dropoutSeed: number;
}

function gradientsOf(model: Model, objective: () => tf.Scalar): GradientEvaluation {
  const variables = model.parameters.map((p) => p.variable);
  const { value, grads } = tf.variableGrads(objective, variables);
  // A variable the objective does not reach has no entry; its gradient is zero.
  return { loss: value, grads: variables.map((v) => grads[v.name] ?? tf.zerosLike(v)) };
}

/**
 * The gradient of one batch's objective at the variables' current values. A batch in several chunks sums the
 * chunks' gradients (the L2 term rides with the first chunk), which is exactly the one-pass gradient because
 * nothing couples the rows of a batch once batch norm is ruled out; dropout masks are seeded per row.
 * Batch norm statistics, if the model has any, are pushed to `statistics` for the caller to fold in.
 */
export function batchGradient(
  model: Model,
  input: StepInput,
  settings: ObjectiveSettings,
  statistics: BatchStatistics[],
): EvaluateGradient {
  const { chunks, batchRows, dropoutSeed } = input;
  if (chunks.length > 1 && model.hasBatchNorm) {
    throw new Error('a batch with batch norm must be evaluated in one piece');
  }
  const chunkObjective = (chunk: ExampleChunk, withPenalty: boolean) => (): tf.Scalar => {
    const logits = model.forward(chunk.x, true, dropoutSeed, {
      rowOffset: chunk.rowOffset,
      batchStatistics: statistics,
    });
    const loss = dataLoss(logits, chunk.oneHot, batchRows, settings.lossReduction);
    const penalty = withPenalty ? l2Penalty(model.parameters, settings.regularization) : null;
    return penalty === null ? loss : tf.add(loss, penalty);
  };

  return () => {
    let total = gradientsOf(model, chunkObjective(chunks[0], true));
    for (let i = 1; i < chunks.length; i++) {
      const part = gradientsOf(model, chunkObjective(chunks[i], false));
      // Free partial sums as we go: the peak stays at two gradients, not one per chunk.
      const next: GradientEvaluation = {
        loss: tf.add(total.loss, part.loss),
        grads: total.grads.map((g, j) => tf.add(g, part.grads[j])),
      };
      tf.dispose([total.loss, part.loss, ...total.grads, ...part.grads]);
      total = next;
    }
    return total;
  };
}
