import * as tf from '@tensorflow/tfjs-core';
import type { Model } from '../model/types';
import type { SplitArrays } from '../types';
import { gatherRows, ranges } from './batches';

export interface SplitMetrics {
  /** Mean cross-entropy per example (no L2 term). */
  loss: number;
  accuracy: number;
}

/**
 * Loss and accuracy of a split in eval mode (no dropout, batch norm on moving statistics), `chunkRows` examples
 * at a time so memory stays bounded. Every chunk's forward pass is queued before any logits are read, so a
 * backend that computes asynchronously (WebGL, WebGPU, TensorFlow) is not made to wait once per chunk; only the
 * logits (rows × classes) stay on the device in between. The cross-entropy is summed in float64 here, so a long
 * split does not lose digits. Null for an empty split.
 */
export function evaluateSplit(model: Model, split: SplitArrays, chunkRows: number): SplitMetrics | null {
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
        const { loss, predicted } = crossEntropyOfRow(row, split.y[start + r]);
        lossSum += loss;
        if (predicted === split.y[start + r]) correct += 1;
      }
    });
    return { loss: lossSum / split.count, accuracy: correct / split.count };
  } finally {
    tf.dispose(logits);
  }
}

/** logΣexp(z) − z_label in float64, and the arg-max (first on ties, like tf.argMax). NaN/∞ logits give NaN. */
export function crossEntropyOfRow(
  logits: ArrayLike<number>,
  label: number,
): { loss: number; predicted: number } {
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
  // A NaN logit never wins the comparison above; make sure it still poisons the loss.
  for (let c = 0; c < logits.length; c++) if (Number.isNaN(logits[c])) loss = NaN;
  return { loss, predicted };
}
