import { createRng, deriveSeed, permutation } from '../../../common/random';
import type { SplitArrays } from '../types';
import { disposeChunks, ranges, uploadChunk, type ExampleChunk } from './batches';

export interface BatchSourceSpec {
  split: SplitArrays;
  inputShape: readonly number[];
  classes: number;
  /** Rows per batch; 'full' = the whole split in one step. */
  batchSize: number | 'full';
  shuffle: boolean;
  seed: number;
  /** Largest chunk a batch may be cut into, or null when a batch must stay in one piece (batch norm). */
  chunkRows: number | null;
}

export interface Batch {
  chunks: ExampleChunk[];
  rows: number;
}

export interface BatchSource {
  readonly batchesPerEpoch: number;
  /** The epoch's example order: a seeded permutation (deriveSeed(seed, epoch)), or null for stored order. */
  orderFor(epoch: number): Int32Array | null;
  batch(order: Int32Array | null, index: number): Batch;
  /** Gives back what batch() uploaded (a no-op for the resident full batch). */
  release(batch: Batch): void;
  dispose(): void;
}

function chunkBatch(spec: BatchSourceSpec, order: Int32Array | null, start: number, end: number): Batch {
  const rows = end - start;
  const pieces = spec.chunkRows === null ? [[0, rows] as [number, number]] : ranges(rows, spec.chunkRows);
  const chunks = pieces.map(([from, to]) =>
    uploadChunk(spec.split, spec.inputShape, spec.classes, order, start + from, start + to, from),
  );
  return { chunks, rows };
}

/**
 * Full batch: the gradient of the whole split does not depend on the order of its rows, so the split is used
 * in stored order, uploaded once and kept on the device for the whole run (no per-epoch copy or shuffle).
 */
function fullBatchSource(spec: BatchSourceSpec): BatchSource {
  let resident: Batch | null = null;
  return {
    batchesPerEpoch: 1,
    orderFor: () => null,
    batch() {
      resident ??= chunkBatch(spec, null, 0, spec.split.count);
      return resident;
    },
    release() {},
    dispose() {
      if (resident) disposeChunks(resident.chunks);
      resident = null;
    },
  };
}

function miniBatchSource(spec: BatchSourceSpec, batchSize: number): BatchSource {
  const count = spec.split.count;
  return {
    batchesPerEpoch: Math.ceil(count / batchSize),
    orderFor: (epoch) => (spec.shuffle ? permutation(count, createRng(deriveSeed(spec.seed, epoch))) : null),
    batch(order, index) {
      const start = index * batchSize;
      return chunkBatch(spec, order, start, Math.min(count, start + batchSize));
    },
    release(batch) {
      disposeChunks(batch.chunks);
    },
    dispose() {},
  };
}

export function createBatchSource(spec: BatchSourceSpec): BatchSource {
  const count = spec.split.count;
  if (spec.batchSize === 'full' || spec.batchSize >= count) return fullBatchSource(spec);
  return miniBatchSource(spec, spec.batchSize);
}
