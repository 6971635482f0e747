import type { EpochMetrics, EvalPoint, MetricName } from '../types';

/**
 * What a grid reads off each cell's run: the epoch where the monitored metric was best (not the last
 * epoch: users want the best), every metric at that epoch, and the final epoch's values.
 */

export type MetricValues = Pick<EpochMetrics, MetricName>;

export interface RunResult {
  /** The monitored metric and the epoch where it was best; null when no epoch logged it. */
  monitor: MetricName;
  /** Fractional where the best was a point inside an epoch (`training.evaluateEvery`). */
  bestEpoch: number | null;
  /** The best point's step; null where the best is an epoch's end (or nothing was logged). */
  bestStep: number | null;
  /** Every metric at the best epoch. */
  atBest: MetricValues | null;
  /** Every metric at the last logged epoch. */
  final: MetricValues | null;
  epochs: number;
  /** Seconds spent in the logged epochs. */
  seconds: number;
}

export function isLossMetric(metric: MetricName): boolean {
  return metric.endsWith('Loss');
}

function values(e: MetricValues): MetricValues {
  return {
    trainLoss: e.trainLoss,
    trainAcc: e.trainAcc,
    valLoss: e.valLoss,
    valAcc: e.valAcc,
    testLoss: e.testLoss,
    testAcc: e.testAcc,
  };
}

/**
 * Losses are best lowest, accuracies highest; the first of equal values wins (the earlier epoch is the one
 * a stopped run would have kept). Non-finite values never count as best.
 */
export function runResult(
  epochs: readonly EpochMetrics[],
  monitor: MetricName,
  points: readonly EvalPoint[] = [],
): RunResult {
  const lower = isLossMetric(monitor);
  let best: (MetricValues & { epoch: number; step: number | null }) | null = null;
  const seconds = epochs.reduce((total, e) => total + e.seconds, 0);
  // A run with points is read at every evaluation, epoch ends and points alike, in order.
  const evaluations = [
    ...epochs.map((e) => ({ ...e, step: null })),
    ...points.map((p) => ({ ...p, step: p.step })),
  ].sort((a, b) => a.epoch - b.epoch);
  for (const e of evaluations) {
    const v = e[monitor];
    if (v === null || !Number.isFinite(v)) continue;
    const b = best?.[monitor];
    if (best === null || b === null || b === undefined || (lower ? v < b : v > b)) best = e;
  }
  const last = epochs.length > 0 ? epochs[epochs.length - 1] : null;
  return {
    monitor,
    bestEpoch: best?.epoch ?? null,
    bestStep: best?.step ?? null,
    atBest: best ? values(best) : null,
    final: last ? values(last) : null,
    epochs: epochs.length,
    seconds,
  };
}

/** The metric a grid ranks by when the user chose none: validation loss, or training loss without a validation split. */
export function defaultMonitor(epochs: readonly EpochMetrics[]): MetricName {
  return epochs.some((e) => e.valLoss !== null) ? 'valLoss' : 'trainLoss';
}

export interface MeanSd {
  mean: number;
  /** Sample standard deviation (n − 1); null for a single value. */
  sd: number | null;
  n: number;
}

/** Mean ± sd over the finite values; null when there are none. */
export function meanSd(xs: readonly (number | null | undefined)[]): MeanSd | null {
  const finite = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  if (finite.length === 0) return null;
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  if (finite.length === 1) return { mean, sd: null, n: 1 };
  const variance = finite.reduce((a, b) => a + (b - mean) ** 2, 0) / (finite.length - 1);
  return { mean, sd: Math.sqrt(variance), n: finite.length };
}
