import type { TrainingState } from '../../common/checkpoints/training-state';
import type { EpochLayerStats } from '../../common/layers/layer-stats';
import type { EarlyStopRecord } from '../../common/run-types';
import type { EpochMetrics, EvalPoint } from '../../common/types';

// What the engine trains on is what datasets/ prepares; the engine sits above datasets and imports it.
export type { SplitArrays, TrainingData } from '../datasets/types';

export interface TrainCallbacks {
  /**
   * After each epoch. `state()` hands out the training state after it (weights, optimizer slots, random
   * streams), computed only when called: a run that keeps no checkpoint pays nothing. `layers`: the
   * epoch's per-layer statistics, null where the config's `layerStats` is false.
   */
  onEpoch(metrics: EpochMetrics, state: () => TrainingState, layers: EpochLayerStats | null): void;
  /**
   * After each evaluation point inside an epoch (`training.evaluateEvery`); a point on an epoch's end is
   * reported by onEpoch alone.
   */
  onPoint?(point: EvalPoint, layers: EpochLayerStats | null): void;
  /** Polled once per batch; true stops the run before the next batch. */
  shouldStop(): boolean;
  onBatch?(epoch: number, batch: number, batches: number): void;
}

export type TrainOutcome =
  /** `earlyStop`: the config's early-stopping rule ended training after `epochs` (see common/stopping). */
  | { status: 'completed'; epochs: number; earlyStop?: EarlyStopRecord }
  | { status: 'cancelled'; epochs: number }
  /** Trained to `TrainOptions.pauseAfterEpoch`, below the config's epochs: a pruned grid's rung. */
  | { status: 'paused'; epochs: number }
  | { status: 'diverged'; epochs: number; divergedAtEpoch: number; message: string };

/** How far this call trains, where that is not the config's epochs. */
export interface TrainOptions {
  /**
   * Stops after this epoch (below training.epochs) with status 'paused'. Everything that depends on the
   * planned epochs (the learning-rate schedule) still reads training.epochs, so that the paused run, taken up
   * again from its checkpoint, equals one that never paused.
   */
  pauseAfterEpoch?: number;
}

/** Where training starts when it does not start from the seed's initial weights: a resume or a fork. */
export interface TrainStart {
  /** The state after epoch `state.epoch`; training goes on with the next epoch. */
  state: TrainingState;
  /** Every epoch logged before the start (a fork's parent's, a resumed run's own): the stopping rule reads them. */
  history: EpochMetrics[];
  /** The points logged before the start, up to its epoch: a rule that counts points reads them too. */
  points?: EvalPoint[];
}
