import type { EpochMetrics } from '../types';

/**
 * Every logged epoch of a run as columns, one array per field, all of the run's epoch count long: what
 * `runs.epochColumns` sends for views over many runs (Compare, a grid's early stopping). The same numbers as
 * `runs.epochs`, without each field's name repeated on every epoch: 200 runs × 200 epochs are 4.5 MB of JSON
 * instead of 8, and less to build and parse on either side.
 */
export const EPOCH_FIELDS = [
  'epoch',
  'trainLoss',
  'trainAcc',
  'valLoss',
  'valAcc',
  'testLoss',
  'testAcc',
  'lr',
  'seconds',
] as const satisfies readonly (keyof EpochMetrics)[];

export type EpochField = (typeof EPOCH_FIELDS)[number];

/** A value JSON carries: a training metric that was NaN travels as null (JSON has no NaN). */
export type EpochColumns = { [F in EpochField]: (number | null)[] };

export interface RunEpochColumns {
  runId: string;
  columns: EpochColumns;
}

/** Columns of these epochs, in their order. */
export function toEpochColumns(epochs: readonly EpochMetrics[]): EpochColumns {
  const columns = Object.fromEntries(EPOCH_FIELDS.map((f) => [f, [] as (number | null)[]])) as EpochColumns;
  for (const e of epochs) for (const f of EPOCH_FIELDS) columns[f].push(e[f]);
  return columns;
}

/**
 * The epochs back from their columns, as `runs.epochs` gives them (a null training metric is NaN again).
 * Columns of different lengths are refused: a truncated answer must not pass for a shorter run.
 */
export function fromEpochColumns(columns: EpochColumns): EpochMetrics[] {
  const count = columns.epoch.length;
  const uneven = EPOCH_FIELDS.find((f) => !Array.isArray(columns[f]) || columns[f].length !== count);
  if (uneven) {
    throw new Error(
      `epoch columns: "${uneven}" has ${columns[uneven]?.length ?? 'no'} values, expected ${count}`,
    );
  }
  const epochs: EpochMetrics[] = new Array(count);
  for (let i = 0; i < count; i += 1) {
    epochs[i] = {
      epoch: columns.epoch[i] ?? Number.NaN,
      trainLoss: columns.trainLoss[i] ?? Number.NaN,
      trainAcc: columns.trainAcc[i] ?? Number.NaN,
      valLoss: columns.valLoss[i],
      valAcc: columns.valAcc[i],
      testLoss: columns.testLoss[i],
      testAcc: columns.testAcc[i],
      lr: columns.lr[i] ?? Number.NaN,
      seconds: columns.seconds[i] ?? Number.NaN,
    };
  }
  return epochs;
}
