import type { OptimizerName } from '../config/run-config';
import { decodeTensors, encodeTensors, CheckpointFormatError, type NamedTensor } from './codec';

/**
 * Everything training needs to go on exactly after an epoch: the model's tensors, the optimizer's, and the
 * random streams. The streams are counter-based (common/random deriveSeed): the epoch shuffle draws from
 * deriveSeed(seed, epoch) and each dropout mask from deriveSeed(seed, DROP, epoch, batch), so their whole
 * state is the seed and the next epoch. Nothing else carries over between epochs (no generator position,
 * no data-loader cursor), which is what makes a resume exact by construction.
 */
export interface TrainingState {
  /** Epochs completed: training goes on with epoch + 1. */
  epoch: number;
  /** The model's trainable tensors and its non-trainable state (batch norm's moving statistics), in layer order. */
  weights: NamedTensor[];
  /** Null where a checkpoint kept the weights only (a best epoch): a fork from it starts a fresh optimizer. */
  optimizer: OptimizerState | null;
  random: RandomStreams;
}

export interface OptimizerState {
  kind: OptimizerName;
  /** Optimizer steps taken (Adam's t). */
  step: number;
  /** "<slot>/<parameter name>", e.g. "velocity/dense_1/kernel", "m/conv2d_1/kernel". */
  slots: NamedTensor[];
}

export interface RandomStreams {
  kind: 'counter';
  seed: number;
  nextEpoch: number;
}

interface WeightsHeader {
  part: 'weights';
  epoch: number;
  random: RandomStreams;
}

interface OptimizerHeader {
  part: 'optimizer';
  epoch: number;
  kind: OptimizerName;
  step: number;
}

/** The two blobs a checkpoint is stored as: weights always, the optimizer state where kept. */
export interface EncodedState {
  weights: Uint8Array;
  optimizer: Uint8Array | null;
}

/**
 * `reuse`: the previous epoch's encoding, once the store has taken it: its buffers are written again where
 * the sizes match (see encodeTensors), so that no new tens of MB are allocated every epoch.
 */
export function encodeTrainingState(state: TrainingState, reuse?: EncodedState | null): EncodedState {
  const weights = encodeTensors<WeightsHeader>(
    { part: 'weights', epoch: state.epoch, random: state.random },
    state.weights,
    reuse?.weights,
  );
  const optimizer = state.optimizer
    ? encodeTensors<OptimizerHeader>(
        { part: 'optimizer', epoch: state.epoch, kind: state.optimizer.kind, step: state.optimizer.step },
        state.optimizer.slots,
        reuse?.optimizer ?? undefined,
      )
    : null;
  return { weights, optimizer };
}

export function decodeTrainingState(encoded: {
  weights: Uint8Array;
  optimizer: Uint8Array | null;
}): TrainingState {
  const weights = decodeTensors<WeightsHeader>(encoded.weights);
  if (weights.header.part !== 'weights') throw new CheckpointFormatError('expected a weights blob');
  let optimizer: OptimizerState | null = null;
  if (encoded.optimizer) {
    const slots = decodeTensors<OptimizerHeader>(encoded.optimizer);
    if (slots.header.part !== 'optimizer') throw new CheckpointFormatError('expected an optimizer blob');
    if (slots.header.epoch !== weights.header.epoch) {
      throw new CheckpointFormatError(
        `optimizer state of epoch ${slots.header.epoch} beside weights of epoch ${weights.header.epoch}`,
      );
    }
    optimizer = { kind: slots.header.kind, step: slots.header.step, slots: slots.tensors };
  }
  return {
    epoch: weights.header.epoch,
    weights: weights.tensors,
    optimizer,
    random: weights.header.random,
  };
}
