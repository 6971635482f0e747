import type { TrainingConfig } from '../../../common/config/run-config';

/**
 * Learning rate of a 1-based epoch: α for "constant", α·factor^⌊(epoch − 1)/everyEpochs⌋ for "step"
 * (E8: factor 0.5 every epoch gives α, α/2, α/4, …).
 */
export function learningRateAt(
  training: Pick<TrainingConfig, 'learningRate' | 'lrSchedule'>,
  epoch: number,
): number {
  const schedule = training.lrSchedule;
  if (schedule.kind === 'constant') return training.learningRate;
  return training.learningRate * Math.pow(schedule.factor, Math.floor((epoch - 1) / schedule.everyEpochs));
}
