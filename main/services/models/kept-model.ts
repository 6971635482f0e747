import { decodeTrainingState, type TrainingState } from '../../../common/checkpoints/training-state';
import type { CheckpointInfo, EpochChoice } from '../../../common/checkpoints/types';
import { UserInputError } from '../../../common/errors';
import type { RunDetail } from '../../../common/run-types';
import { buildModel } from '../../engine/model/build-model';
import type { Model } from '../../engine/model/types';
import { restoreWeights } from '../../engine/training/training-state';
import type { RunStore } from '../../store/run-store';

/** A run's model at one kept epoch, read from the store with its hash checked. */
export interface KeptModel {
  run: RunDetail;
  epoch: number;
  checkpoint: CheckpointInfo;
  state: TrainingState;
}

/**
 * Finds the run (id or unique prefix) and reads its checkpoint at `choice` (best, last or an epoch number).
 * Errors are one line: an unknown run, an epoch without a checkpoint (naming those kept), a damaged one.
 */
export function readKeptModel(
  store: RunStore,
  runIdOrPrefix: string,
  choice: EpochChoice,
  options: { optimizer?: boolean } = {},
): KeptModel {
  const run = store.getRun(runIdOrPrefix);
  if (!run) throw new UserInputError(`no run with id ${runIdOrPrefix} (see \`workbench runs\`)`);
  const epoch = store.checkpoints.resolveEpoch(run.id, choice);
  const stored = store.checkpoints.read(run.id, epoch, { optimizer: options.optimizer ?? false });
  return { run, epoch, checkpoint: stored.info, state: decodeTrainingState(stored) };
}

/**
 * The network of a kept model, ready to run: built from the run's config for data of this shape, then given
 * the checkpoint's weights. The caller disposes it.
 */
export function buildKeptModel(kept: KeptModel, shape: { featureShape: number[]; classes: number }): Model {
  const { config } = kept.run;
  const model = buildModel({
    model: config.model,
    featureShape: shape.featureShape,
    classes: shape.classes,
    seed: config.seed,
    dropoutKeep: config.regularization.dropout?.keep,
  });
  try {
    restoreWeights(model, kept.state.weights);
    return model;
  } catch (error) {
    model.dispose();
    throw error;
  }
}
