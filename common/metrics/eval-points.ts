import type { EpochMetrics, EvalPoint } from '../types';

/** `training.evaluateEvery`: evaluate after every N training examples or every N optimizer steps. */
export type EvaluateEvery = { examples: number } | { steps: number };

/** How a run's steps and examples relate to its epochs: what puts its curves on a step or examples axis. */
export interface RunSchedule {
  trainExamples: number;
  stepsPerEpoch: number;
  evaluateEvery: EvaluateEvery | null;
}

/** Where training stands after a step. */
export interface Progress {
  step: number;
  examples: number;
}

/** Optimizer steps per epoch: one for full-batch training, else one per batch (the last may be short). */
export function stepsPerEpoch(trainExamples: number, batchSize: number | 'full'): number {
  if (batchSize === 'full' || batchSize >= trainExamples) return 1;
  return Math.ceil(trainExamples / batchSize);
}

/** Rows in batch `index` (0-based) of an epoch. */
export function batchRows(trainExamples: number, batchSize: number | 'full', index: number): number {
  if (batchSize === 'full' || batchSize >= trainExamples) return trainExamples;
  return Math.min(batchSize, trainExamples - index * batchSize);
}

/** Where training stands after batch `index` (0-based) of `epoch` (1-based). */
export function progressAfter(
  trainExamples: number,
  batchSize: number | 'full',
  epoch: number,
  index: number,
): Progress {
  const steps = stepsPerEpoch(trainExamples, batchSize);
  const full = batchSize === 'full' || batchSize >= trainExamples ? trainExamples : batchSize;
  return {
    step: (epoch - 1) * steps + index + 1,
    examples: (epoch - 1) * trainExamples + Math.min(trainExamples, (index + 1) * full),
  };
}

/**
 * Whether the step from `before` to `after` crosses an evaluation point: every N steps, or the first step
 * after which the examples seen reach a multiple of N (a batch of 100 with N = 250 evaluates after 300).
 */
export function pointDue(every: EvaluateEvery, before: Progress, after: Progress): boolean {
  if ('steps' in every) return Math.floor(after.step / every.steps) > Math.floor(before.step / every.steps);
  return Math.floor(after.examples / every.examples) > Math.floor(before.examples / every.examples);
}

/** Whether `epoch`'s end is an evaluation point, so that its row is one of the run's points. */
export function epochEndIsPoint(schedule: RunSchedule, batchSize: number | 'full', epoch: number): boolean {
  if (!schedule.evaluateEvery) return false;
  const last = schedule.stepsPerEpoch - 1;
  const after = progressAfter(schedule.trainExamples, batchSize, epoch, last);
  const before =
    last === 0
      ? { step: after.step - 1, examples: after.examples - schedule.trainExamples }
      : progressAfter(schedule.trainExamples, batchSize, epoch, last - 1);
  return pointDue(schedule.evaluateEvery, before, after);
}

/** One evaluation on a run's timeline: a point inside an epoch or an epoch's end. */
export interface Evaluation extends EvalPoint {
  /** True for an epoch's row; its `epoch` is that whole number. */
  epochEnd: boolean;
  /** Seconds since the run's first epoch began (training and evaluation time, summed over its epochs). */
  elapsed: number;
}

/** An evaluation's numbers as an epoch row numbered `epoch`: what curve and stopping code read. */
export function asEpochRow(e: EpochMetrics, epoch: number): EpochMetrics {
  return {
    epoch,
    trainLoss: e.trainLoss,
    trainAcc: e.trainAcc,
    valLoss: e.valLoss,
    valAcc: e.valAcc,
    testLoss: e.testLoss,
    testAcc: e.testAcc,
    lr: e.lr,
    seconds: e.seconds,
  };
}

/** An epoch row placed on the step and examples axes. */
export function epochAsEvaluation(schedule: RunSchedule, row: EpochMetrics): EvalPoint {
  return {
    ...asEpochRow(row, row.epoch),
    step: row.epoch * schedule.stepsPerEpoch,
    examples: row.epoch * schedule.trainExamples,
  };
}

/**
 * Every evaluation of a run in step order: its points and its epoch rows, each with the time elapsed since
 * training began. A point's time is the epochs before its own plus its seconds into the epoch.
 */
export function evaluationTimeline(
  schedule: RunSchedule,
  epochs: readonly EpochMetrics[],
  points: readonly EvalPoint[],
): Evaluation[] {
  const rows = [...epochs].sort((a, b) => a.epoch - b.epoch);
  const doneBy = new Map<number, number>();
  let total = 0;
  for (const row of rows) {
    total += row.seconds;
    doneBy.set(row.epoch, total);
  }
  const before = (epoch: number) => doneBy.get(epoch - 1) ?? (epoch === 1 ? 0 : NaN);
  const all: Evaluation[] = [
    ...rows.map((row) => ({
      ...epochAsEvaluation(schedule, row),
      epochEnd: true,
      elapsed: doneBy.get(row.epoch) ?? NaN,
    })),
    ...points.map((p) => ({ ...p, epochEnd: false, elapsed: before(Math.ceil(p.epoch)) + p.seconds })),
  ];
  // By epoch, not step: a run recorded before schedules has no steps, and the two orders agree otherwise.
  return all.sort((a, b) => a.epoch - b.epoch || Number(a.epochEnd) - Number(b.epochEnd));
}

/**
 * The run's evaluation points as `workbench show --json` gives them: every stored point and every epoch
 * row that falls on a point, in step order. Empty for a run that evaluates once per epoch.
 */
export function evaluationPoints(
  schedule: RunSchedule,
  batchSize: number | 'full',
  epochs: readonly EpochMetrics[],
  points: readonly EvalPoint[],
): EvalPoint[] {
  if (!schedule.evaluateEvery) return [];
  return evaluationTimeline(schedule, epochs, points)
    .filter((e) => !e.epochEnd || epochEndIsPoint(schedule, batchSize, e.epoch))
    .map(({ epochEnd: _end, elapsed: _elapsed, ...point }) => point);
}

export const X_AXES = ['epoch', 'step', 'examples', 'time'] as const;
export type XAxis = (typeof X_AXES)[number];

export const X_AXIS_TITLE: Record<XAxis, string> = {
  epoch: 'Epoch',
  step: 'Step',
  examples: 'Examples seen',
  time: 'Time (s)',
};

/** An evaluation's place on the chosen x axis. */
export function xOf(axis: XAxis, e: Evaluation): number {
  switch (axis) {
    case 'epoch':
      return e.epoch;
    case 'step':
      return e.step;
    case 'examples':
      return e.examples;
    case 'time':
      return e.elapsed;
  }
}

/** Why a run's curves cannot go on `axis`, or null when they can. */
export function axisUnavailable(axis: XAxis, schedule: RunSchedule | null): string | null {
  if (axis === 'epoch' || axis === 'time' || schedule) return null;
  return `recorded before runs logged their steps: its curves have epoch and time axes only`;
}

/**
 * A run's curve rows on `axis`: every evaluation (points and epoch ends) as an EpochMetrics row whose
 * `epoch` field holds the x value, which is what every curve drawing reads. Without a schedule (a run
 * recorded before them) the epochs alone, on epoch or time.
 */
export function curveRows(
  axis: XAxis,
  schedule: RunSchedule | null,
  epochs: readonly EpochMetrics[],
  points: readonly EvalPoint[] = [],
): EpochMetrics[] {
  const known: RunSchedule = schedule ?? { trainExamples: 1, stepsPerEpoch: 1, evaluateEvery: null };
  if (!schedule && axis !== 'epoch' && axis !== 'time') return [];
  if (axis === 'epoch' && points.length === 0) return [...epochs].sort((a, b) => a.epoch - b.epoch);
  return evaluationTimeline(known, epochs, schedule ? points : []).map((e) => asEpochRow(e, xOf(axis, e)));
}
