/** Small statistics helpers shared by the runner and the worker. */

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Linear-interpolated quantile (q in [0, 1]); NaN for an empty list. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? NaN : sum(values) / values.length;
}

/** A timestamp taken right after a training step, as onBatch reports it. */
export interface StepStamp {
  epoch: number;
  /** 1-based index of the step within its epoch. */
  batch: number;
  /** Steps in that epoch. */
  batches: number;
  /** ms, any origin (one origin per run). */
  t: number;
}

export interface StepWindow {
  /** Rows trained in the window. */
  samples: number;
  /** Sum of the window's step durations. */
  ms: number;
  stepMs: number[];
  /** Intervals that crossed an epoch boundary (they include evaluation) and were left out. */
  epochBoundariesSkipped: number;
}

/**
 * The steps after the first `warmup` ones, at most `measure` of them: each step's duration is the time from
 * the previous step's stamp to its own. A step whose previous stamp is in an earlier epoch is left out, since
 * trainRun evaluates between epochs. `rowsOf(batch, batches)` gives a step's rows (the last may be short).
 */
export function stepWindow(
  stamps: readonly StepStamp[],
  warmup: number,
  measure: number,
  rowsOf: (batch: number, batches: number) => number,
): StepWindow {
  const stepMs: number[] = [];
  let samples = 0;
  let skipped = 0;
  for (let i = Math.max(1, warmup); i < stamps.length && i < warmup + measure; i++) {
    const previous = stamps[i - 1];
    const current = stamps[i];
    if (current.epoch !== previous.epoch) {
      skipped += 1;
      continue;
    }
    stepMs.push(current.t - previous.t);
    samples += rowsOf(current.batch, current.batches);
  }
  return { samples, ms: sum(stepMs), stepMs, epochBoundariesSkipped: skipped };
}

/** Rows of step `batch` (1-based) of an epoch over `count` rows in batches of `batchSize`. */
export function rowsOfStep(count: number, batchSize: number): (batch: number, batches: number) => number {
  return (batch, batches) => (batch < batches ? batchSize : count - (batches - 1) * batchSize);
}

/**
 * Like stepWindow, for stamps that need not come after every step (the product's progress events are
 * throttled): each pair of consecutive stamps within one epoch contributes its time and the rows of the
 * steps between them, once the earlier stamp is past the first `warmup` steps of the run.
 */
export function spanWindow(
  stamps: readonly StepStamp[],
  warmup: number,
  rowsOf: (batch: number, batches: number) => number,
): { samples: number; ms: number; steps: number } {
  let samples = 0;
  let ms = 0;
  let steps = 0;
  for (let i = 1; i < stamps.length; i++) {
    const previous = stamps[i - 1];
    const current = stamps[i];
    const globalStep = (previous.epoch - 1) * previous.batches + previous.batch;
    if (current.epoch !== previous.epoch || globalStep < warmup) continue;
    ms += current.t - previous.t;
    for (let b = previous.batch + 1; b <= current.batch; b++) samples += rowsOf(b, current.batches);
    steps += current.batch - previous.batch;
  }
  return { samples, ms, steps };
}
