import * as tf from '@tensorflow/tfjs-core';
import type { SplitArrays } from '../types';

/** Rows start..end of a split in the given order (identity when `order` is null), as a new array. */
export function gatherRows(
  values: Float32Array,
  rowSize: number,
  order: Int32Array | null,
  start: number,
  end: number,
): Float32Array {
  if (order === null) return values.subarray(start * rowSize, end * rowSize);
  const out = new Float32Array((end - start) * rowSize);
  for (let r = start; r < end; r++) {
    const from = order[r] * rowSize;
    out.set(values.subarray(from, from + rowSize), (r - start) * rowSize);
  }
  return out;
}

export function oneHotRows(
  labels: Int32Array,
  classes: number,
  order: Int32Array | null,
  start: number,
  end: number,
): Float32Array {
  const out = new Float32Array((end - start) * classes);
  for (let r = start; r < end; r++) {
    const label = labels[order === null ? r : order[r]];
    out[(r - start) * classes + label] = 1;
  }
  return out;
}

/** A chunk of examples on the device, ready for the model and the loss. */
export interface ExampleChunk {
  x: tf.Tensor;
  oneHot: tf.Tensor2D;
  rows: number;
  /** First row's index within its batch (for dropout masks). */
  rowOffset: number;
}

export function uploadChunk(
  split: SplitArrays,
  inputShape: readonly number[],
  classes: number,
  order: Int32Array | null,
  start: number,
  end: number,
  rowOffset: number,
): ExampleChunk {
  const rows = end - start;
  const rowSize = inputShape.reduce((a, b) => a * b, 1);
  return {
    x: tf.tensor(gatherRows(split.x, rowSize, order, start, end), [rows, ...inputShape], 'float32'),
    oneHot: tf.tensor2d(oneHotRows(split.y, classes, order, start, end), [rows, classes], 'float32'),
    rows,
    rowOffset,
  };
}

export function disposeChunks(chunks: readonly ExampleChunk[]): void {
  for (const c of chunks) {
    c.x.dispose();
    c.oneHot.dispose();
  }
}

/** [start, end) ranges of at most `size` rows covering 0..count. */
export function ranges(count: number, size: number): [number, number][] {
  const out: [number, number][] = [];
  for (let start = 0; start < count; start += size) out.push([start, Math.min(count, start + size)]);
  return out;
}

/** Checks that a split's arrays agree with its count, the example size and the class count. */
export function validateSplit(name: string, split: SplitArrays, rowSize: number, classes: number): void {
  if (split.x.length !== split.count * rowSize) {
    throw new Error(`${name}: expected ${split.count}×${rowSize} feature values, got ${split.x.length}`);
  }
  if (split.y.length !== split.count) {
    throw new Error(`${name}: expected ${split.count} labels, got ${split.y.length}`);
  }
  for (let i = 0; i < split.count; i++) {
    const label = split.y[i];
    if (!(label >= 0 && label < classes))
      throw new Error(`${name}: label ${label} at row ${i} is not in [0, ${classes})`);
  }
}
