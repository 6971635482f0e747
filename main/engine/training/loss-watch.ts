import * as tf from '@tensorflow/tfjs-core';

/** Batches between reads of the batch losses: one device read per check, not one per batch. */
const CHECK_EVERY_BATCHES = 16;

/**
 * Holds the batch objectives until they are checked for NaN/±∞. Reading them in groups keeps a GPU backend
 * from synchronising after every batch; a diverged run wastes at most CHECK_EVERY_BATCHES − 1 batches.
 */
export class LossWatch {
  private pending: tf.Scalar[] = [];

  add(loss: tf.Scalar): void {
    this.pending.push(loss);
  }

  /** True when a check is due (every few batches, and at the end of an epoch). */
  due(endOfEpoch: boolean): boolean {
    return this.pending.length >= CHECK_EVERY_BATCHES || (endOfEpoch && this.pending.length > 0);
  }

  /** Reads and drops the pending losses; returns the first that is NaN or ±∞, else null. */
  firstNonFinite(): number | null {
    if (this.pending.length === 0) return null;
    const stacked = tf.stack(this.pending);
    const values = stacked.dataSync();
    stacked.dispose();
    this.dispose();
    for (const v of values) if (!Number.isFinite(v)) return v;
    return null;
  }

  dispose(): void {
    tf.dispose(this.pending);
    this.pending = [];
  }
}
