import type { EarlyStopRecord } from '../../common/run-types';
import type { EpochMetrics } from '../../common/types';

// What the engine trains on is what datasets/ prepares; the engine sits above datasets and imports it.
export type { SplitArrays, TrainingData } from '../datasets/types';

export interface TrainCallbacks {
  onEpoch(metrics: EpochMetrics): void;
  /** Polled once per batch; true stops the run before the next batch. */
  shouldStop(): boolean;
  onBatch?(epoch: number, batch: number, batches: number): void;
}

export type TrainOutcome =
  /** `earlyStop`: the config's early-stopping rule ended training after `epochs` (see common/stopping). */
  | { status: 'completed'; epochs: number; earlyStop?: EarlyStopRecord }
  | { status: 'cancelled'; epochs: number }
  | { status: 'diverged'; epochs: number; divergedAtEpoch: number; message: string };
