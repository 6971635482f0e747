import { UserInputError } from '../errors';
import type { EpochMetrics } from '../types';
import { formatNumber } from './format';
import { inEpochOrder } from './monitor';

/**
 * Overfitting onset: the epoch from which validation loss keeps rising while training loss keeps falling.
 *
 * How it is decided, on validation and training loss each smoothed by a centred moving average of `window`
 * epochs (this is analysis after the fact, so a centred window does not lag the turn the way a trailing one
 * would; it narrows at the ends):
 * 1. the candidate is the epoch of the lowest smoothed validation loss (the earliest on ties): from there on,
 *    validation loss never gets back down to it, and no earlier epoch has that property;
 * 2. at least `minEpochsAfter` epochs follow it;
 * 3. smoothed validation loss at the last epoch is at least `minRise` (relative) above its lowest value;
 * 4. smoothed training loss at the last epoch is below its value at the candidate: it kept falling.
 * When 2–4 fail there is no onset, and the reason says which.
 */
export interface OnsetParams {
  /** Width of the centred moving average, in epochs (1: raw values). */
  window: number;
  /** Relative rise of validation loss from its lowest to the last epoch that counts as rising (0.02: 2 %). */
  minRise: number;
  /** Epochs that must follow the lowest point before it can be called the onset. */
  minEpochsAfter: number;
}

export const DEFAULT_ONSET_PARAMS: OnsetParams = { window: 5, minRise: 0.02, minEpochsAfter: 3 };

export interface OverfittingOnset {
  /** The onset epoch; null when there is none (or it cannot be decided). */
  epoch: number | null;
  /** The epoch of the lowest smoothed validation loss (the candidate), when validation loss was logged. */
  lowestValEpoch: number | null;
  reason: string;
  params: OnsetParams;
}

export function findOverfittingOnset(
  history: readonly EpochMetrics[],
  params: OnsetParams = DEFAULT_ONSET_PARAMS,
): OverfittingOnset {
  checkParams(params);
  const rows = inEpochOrder(history).filter(
    (r) => r.valLoss !== null && Number.isFinite(r.valLoss) && Number.isFinite(r.trainLoss),
  );
  const none = (reason: string, lowestValEpoch: number | null = null): OverfittingOnset => ({
    epoch: null,
    lowestValEpoch,
    reason,
    params,
  });
  if (rows.length === 0) {
    return none(
      history.length === 0
        ? 'no epoch logged yet'
        : 'validation loss was never logged (the run has no validation split): no onset can be found',
    );
  }
  const val = centredMean(
    rows.map((r) => r.valLoss as number),
    params.window,
  );
  const train = centredMean(
    rows.map((r) => r.trainLoss),
    params.window,
  );
  const lowest = lowestIndex(val);
  const candidate = rows[lowest].epoch;
  const last = rows.length - 1;
  const after = last - lowest;
  // The sentence says which curve it read: the smoothed lowest can sit epochs away from the raw best epoch shown
  // beside it, and a sentence that names only one of them reads as a contradiction.
  const curve = params.window > 1 ? `validation loss (smoothed over ${params.window})` : 'validation loss';
  const rawLowest = lowestIndex(rows.map((r) => r.valLoss as number));
  const rawNote =
    params.window > 1 && rawLowest !== lowest
      ? `; unsmoothed it is lowest at epoch ${rows[rawLowest].epoch} (${formatNumber(rows[rawLowest].valLoss as number)})`
      : '';
  if (after < params.minEpochsAfter) {
    return none(
      after === 0
        ? `${curve} is lowest at the last epoch (${candidate})${rawNote}: still falling, no onset yet`
        : `${curve} is lowest at epoch ${candidate}, only ${after} epoch${after === 1 ? '' : 's'} before the end (fewer than ${params.minEpochsAfter})${rawNote}: too early to tell`,
      candidate,
    );
  }
  const rise = val[lowest] > 0 ? val[last] / val[lowest] - 1 : val[last] > 0 ? Infinity : 0;
  if (rise < params.minRise) {
    return none(
      `${curve} after its lowest point (epoch ${candidate}${rawNote}) ends only ${formatNumber(rise * 100)} % higher (less than ${formatNumber(params.minRise * 100)} %): a plateau, not a rise`,
      candidate,
    );
  }
  if (!(train[last] < train[lowest])) {
    return none(
      `${curve} rises after epoch ${candidate}${rawNote} but training loss does not fall (${formatNumber(train[lowest])} → ${formatNumber(train[last])}): not overfitting (learning rate too high?)`,
      candidate,
    );
  }
  return {
    epoch: candidate,
    lowestValEpoch: candidate,
    reason: `${curve} is lowest at epoch ${candidate} (${formatNumber(val[lowest])}) and ends ${formatNumber(rise * 100)} % higher at epoch ${rows[last].epoch}, while training loss falls from ${formatNumber(train[lowest])} to ${formatNumber(train[last])}${rawNote}`,
    params,
  };
}

/** The earliest index of the smallest value. */
function lowestIndex(values: readonly number[]): number {
  let lowest = 0;
  for (let i = 1; i < values.length; i += 1) if (values[i] < values[lowest]) lowest = i;
  return lowest;
}

/** Mean of the values within window/2 on either side (an even window takes one more before than after). */
function centredMean(values: readonly number[], window: number): number[] {
  const before = Math.floor(window / 2);
  const after = window - 1 - before;
  return values.map((_, i) => {
    const from = Math.max(0, i - before);
    const to = Math.min(values.length - 1, i + after);
    let sum = 0;
    for (let j = from; j <= to; j += 1) sum += values[j];
    return sum / (to - from + 1);
  });
}

function checkParams(params: OnsetParams): void {
  const { window, minRise, minEpochsAfter } = params;
  if (!Number.isInteger(window) || window < 1) {
    throw new UserInputError(`onset window: expected an integer ≥ 1, got ${String(window)}`);
  }
  if (!(minRise >= 0) || !Number.isFinite(minRise)) {
    throw new UserInputError(`onset minRise: expected a number ≥ 0, got ${String(minRise)}`);
  }
  if (!Number.isInteger(minEpochsAfter) || minEpochsAfter < 1) {
    throw new UserInputError(`onset minEpochsAfter: expected an integer ≥ 1, got ${String(minEpochsAfter)}`);
  }
}

/** One epoch of the generalisation gap: validation minus training; null where validation was not logged. */
export interface GapPoint {
  epoch: number;
  loss: number | null;
  accuracy: number | null;
}

export function generalisationGap(history: readonly EpochMetrics[]): GapPoint[] {
  const finite = (v: number | null): v is number => v !== null && Number.isFinite(v);
  return inEpochOrder(history).map((r) => ({
    epoch: r.epoch,
    loss: finite(r.valLoss) && Number.isFinite(r.trainLoss) ? r.valLoss - r.trainLoss : null,
    accuracy: finite(r.valAcc) && Number.isFinite(r.trainAcc) ? r.valAcc - r.trainAcc : null,
  }));
}
