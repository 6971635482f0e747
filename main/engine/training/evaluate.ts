import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../model/types';
import type { SplitArrays } from '../types';
import { gatherRows, ranges } from './batches';

export interface SplitMetrics {
  /** Mean cross-entropy per example (no L2 term). */
  loss: number;
  accuracy: number;
}

/** Per-example predictions of a split, beside its loss and accuracy. */
export interface SplitPredictions extends SplitMetrics {
  /** Arg-max class of every example, in stored order. */
  predicted: Int32Array;
  /** Softmax probability of the predicted class (NaN where a logit is NaN). */
  confidence: Float64Array;
}

/**
 * Loss and accuracy of a split in eval mode (no dropout, batch norm on moving statistics), `chunkRows` examples
 * at a time so memory stays bounded. Every chunk's forward pass is queued before any logits are read, so a
 * backend that computes asynchronously (WebGL, WebGPU, TensorFlow) is not made to wait once per chunk; only the
 * logits (rows × classes) stay on the device in between. The cross-entropy is summed in float64 here, so a long
 * split does not lose digits. Null for an empty split.
 */
export function evaluateSplit(model: Model, split: SplitArrays, chunkRows: number): SplitMetrics | null {
  return scoreSplit(model, split, chunkRows, null);
}

/**
 * evaluateSplit with every example's predicted class and confidence: the same forward passes, chunks and
 * float64 sum, so its loss and accuracy are the ones an epoch logs for this model on this split.
 */
export function predictSplit(model: Model, split: SplitArrays, chunkRows: number): SplitPredictions | null {
  const predicted = new Int32Array(split.count);
  const confidence = new Float64Array(split.count);
  const metrics = scoreSplit(model, split, chunkRows, (row, score) => {
    predicted[row] = score.predicted;
    confidence[row] = score.confidence;
  });
  return metrics && { ...metrics, predicted, confidence };
}

type RowVisitor = (row: number, score: RowScore) => void;

function scoreSplit(
  model: Model,
  split: SplitArrays,
  chunkRows: number,
  visit: RowVisitor | null,
): SplitMetrics | null {
  if (split.count === 0) return null;
  const rowSize = model.inputShape.reduce((a, b) => a * b, 1);
  const classes = model.outputSize;
  const chunks = ranges(split.count, chunkRows);
  const logits: tf.Tensor[] = [];
  try {
    for (const [start, end] of chunks) {
      logits.push(
        tf.tidy(() => {
          // A view of the split's rows (stored order): tf.tensor copies it onto the device once.
          const x = tf.tensor(gatherRows(split.x, rowSize, null, start, end), [
            end - start,
            ...model.inputShape,
          ]);
          return model.forward(x, false);
        }),
      );
    }
    let lossSum = 0;
    let correct = 0;
    chunks.forEach(([start, end], i) => {
      const values = logits[i].dataSync();
      for (let r = 0; r < end - start; r++) {
        const row = values.subarray(r * classes, (r + 1) * classes);
        const score = crossEntropyOfRow(row, split.y[start + r]);
        lossSum += score.loss;
        if (score.predicted === split.y[start + r]) correct += 1;
        visit?.(start + r, score);
      }
    });
    return { loss: lossSum / split.count, accuracy: correct / split.count };
  } finally {
    tf.dispose(logits);
  }
}

export interface RowScore {
  loss: number;
  predicted: number;
  /** softmax(z)[predicted] = exp(z_max − z_max) / Σ exp(z − z_max) = 1 / Σ exp(z − z_max). */
  confidence: number;
}

/**
 * logΣexp(z) − z_label in float64, the arg-max (first on ties, like tf.argMax) and its softmax probability.
 * NaN/∞ logits give NaN.
 */
export function crossEntropyOfRow(logits: ArrayLike<number>, label: number): RowScore {
  let max = -Infinity;
  let predicted = 0;
  for (let c = 0; c < logits.length; c++) {
    if (logits[c] > max) {
      max = logits[c];
      predicted = c;
    }
  }
  let sum = 0;
  for (let c = 0; c < logits.length; c++) sum += Math.exp(logits[c] - max);
  let loss = max + Math.log(sum) - logits[label];
  let confidence = 1 / sum;
  // A NaN logit never wins the comparison above; make sure it still poisons the loss.
  for (let c = 0; c < logits.length; c++) {
    if (Number.isNaN(logits[c])) {
      loss = NaN;
      confidence = NaN;
    }
  }
  return { loss, predicted, confidence };
}
