import * as tf from '@tensorflow/tfjs-core';
import { createRng, deriveSeed } from '../../../common/random';

/**
 * Inverted dropout mask for rows [rowOffset, rowOffset + rows) of a batch: 1/keep where a unit is kept,
 * 0 where it is dropped. Every row has its own seeded stream (seed, layer, row), so a mask does not depend on
 * how the batch is chunked, nor on the backend, and a re-run draws exactly the same masks.
 */
export function dropoutMask(
  rows: number,
  units: number,
  keep: number,
  seed: number,
  layerIndex: number,
  rowOffset = 0,
): Float32Array {
  const mask = new Float32Array(rows * units);
  const kept = 1 / keep;
  for (let r = 0; r < rows; r++) {
    const rng = createRng(deriveSeed(seed, layerIndex, rowOffset + r));
    const base = r * units;
    for (let u = 0; u < units; u++) mask[base + u] = rng() < keep ? kept : 0;
  }
  return mask;
}

/** x·mask for a [rows, units] activation. Keep 1 still multiplies by an all-ones mask: exact, and tested. */
export function applyDropout(
  x: tf.Tensor2D,
  keep: number,
  seed: number,
  layerIndex: number,
  rowOffset: number,
): tf.Tensor2D {
  const [rows, units] = x.shape;
  return tf.tidy(() => {
    const mask = tf.tensor2d(dropoutMask(rows, units, keep, seed, layerIndex, rowOffset), [rows, units]);
    return tf.mul(x, mask);
  });
}
