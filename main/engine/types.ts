import type { EpochMetrics } from '../../common/types';

/** One split after shuffling and normalisation. */
export interface SplitArrays {
  /** count × prod(featureShape), normalised. */
  x: Float32Array;
  y: Int32Array;
  count: number;
}

export interface TrainingData {
  train: SplitArrays;
  validation: SplitArrays;
  test: SplitArrays;
  /** Shape of one example, e.g. [28, 28, 1]; an MLP flattens it. */
  featureShape: number[];
  classes: number;
}

export interface TrainCallbacks {
  onEpoch(metrics: EpochMetrics): void;
  /** Polled once per batch; true stops the run before the next batch. */
  shouldStop(): boolean;
  onBatch?(epoch: number, batch: number, batches: number): void;
}

export type TrainOutcome =
  | { status: 'completed'; epochs: number }
  | { status: 'cancelled'; epochs: number }
  | { status: 'diverged'; epochs: number; divergedAtEpoch: number; message: string };
