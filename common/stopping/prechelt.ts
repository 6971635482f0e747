import type { EpochMetrics, MetricName } from '../types';
import { formatNumber } from './format';
import { errorOf, METRIC_TEXT, trainingCounterpart } from './monitor';
import type { GlRule, PqRule, UpRule } from './rule-schema';
import type { MonitoredPoint, RuleScan, ScanContext } from './scan';

/**
 * Prechelt, "Early Stopping — But When?" (1998), on the validation error E_va (a loss as it is, an
 * accuracy as 1 − accuracy):
 * - GL(t) = 100 · (E_va(t) / E_opt(t) − 1), E_opt(t) = min over monitored t' ≤ t of E_va(t');
 * - strips are k epochs counted from the first monitored one; t ends a strip when (t − startFromEpoch) is a
 *   multiple of k;
 * - P_k(t) = 1000 · (Σ E_tr over the strip ending at t / (k · min E_tr over it) − 1), the training progress;
 * - GL_α stops after the first t with GL(t) > α; PQ_α after the first strip end with GL(t) / P_k(t) > α;
 *   UP_s after the first strip end at which E_va rose (E_va(t) > E_va(t − k)) for s strip ends in a row.
 * All return the epoch of E_opt as their best (Prechelt keeps the network with the lowest validation error).
 */

/** Tracks E_opt and its epoch (the earliest on ties). */
class BestError {
  value = Infinity;
  epoch: number | null = null;
  add(epoch: number, error: number): void {
    if (error < this.value) {
      this.value = error;
      this.epoch = epoch;
    }
  }
  /** GL in percent; an E_opt of 0 (a perfect score) makes any error above it an infinite loss. */
  generalisationLoss(error: number): number {
    if (this.value > 0) return 100 * (error / this.value - 1);
    return error > this.value ? Infinity : 0;
  }
}

function isStripEnd(epoch: number, start: number, k: number): boolean {
  return epoch > start && (epoch - start) % k === 0;
}

export function scanGl(points: readonly MonitoredPoint[], rule: GlRule, ctx: ScanContext): RuleScan {
  const best = new BestError();
  let highest = 0;
  for (const point of points) {
    const error = errorOf(ctx.monitor, point.value);
    best.add(point.epoch, error);
    const gl = best.generalisationLoss(error);
    highest = Math.max(highest, gl);
    if (gl > rule.alpha) {
      return {
        stopEpoch: point.epoch,
        bestEpoch: best.epoch,
        reason: `generalisation loss GL(${point.epoch}) = ${formatNumber(gl)} % > α = ${formatNumber(rule.alpha)} % (${errorText(ctx.monitor)} ${formatNumber(error)} vs ${formatNumber(best.value)} at epoch ${best.epoch}): stopped after epoch ${point.epoch}`,
      };
    }
  }
  return {
    stopEpoch: null,
    bestEpoch: best.epoch,
    reason: `GL never exceeded α = ${formatNumber(rule.alpha)} % in ${ctx.lastEpoch} epochs (highest ${formatNumber(highest)} %)`,
  };
}

export function scanPq(points: readonly MonitoredPoint[], rule: PqRule, ctx: ScanContext): RuleScan {
  const best = new BestError();
  const k = rule.stripLength;
  const training = trainingErrors(ctx.rows, ctx.monitor);
  let highest = 0;
  for (const point of points) {
    const error = errorOf(ctx.monitor, point.value);
    best.add(point.epoch, error);
    if (!isStripEnd(point.epoch, rule.startFromEpoch, k)) continue;
    const progress = trainingProgress(training, point.epoch, k);
    if (progress === null) continue;
    const gl = best.generalisationLoss(error);
    const pq = progress > 0 ? gl / progress : gl > 0 ? Infinity : 0;
    highest = Math.max(highest, pq);
    if (pq > rule.alpha) {
      return {
        stopEpoch: point.epoch,
        bestEpoch: best.epoch,
        reason: `GL(${point.epoch}) / P${k}(${point.epoch}) = ${formatNumber(gl)} / ${formatNumber(progress)} = ${formatNumber(pq)} > α = ${formatNumber(rule.alpha)} (generalisation loss outgrew training progress): stopped after epoch ${point.epoch}`,
      };
    }
  }
  return {
    stopEpoch: null,
    bestEpoch: best.epoch,
    reason: `PQ never exceeded α = ${formatNumber(rule.alpha)} at the ends of strips of ${k} epochs in ${ctx.lastEpoch} epochs (highest ${formatNumber(highest)})`,
  };
}

export function scanUp(points: readonly MonitoredPoint[], rule: UpRule, ctx: ScanContext): RuleScan {
  const best = new BestError();
  const k = rule.stripLength;
  const errorAt = new Map<number, number>();
  let rises = 0;
  const chain: number[] = [];
  for (const point of points) {
    const error = errorOf(ctx.monitor, point.value);
    best.add(point.epoch, error);
    errorAt.set(point.epoch, error);
    if (!isStripEnd(point.epoch, rule.startFromEpoch, k)) continue;
    const previous = errorAt.get(point.epoch - k);
    if (previous !== undefined && error > previous) {
      rises += 1;
      chain.push(point.epoch);
    } else {
      rises = 0;
      chain.length = 0;
    }
    if (rises >= rule.strips) {
      const epochs = [chain[chain.length - rule.strips] - k, ...chain.slice(-rule.strips)];
      return {
        stopEpoch: point.epoch,
        bestEpoch: best.epoch,
        reason: `${errorText(ctx.monitor)} rose at the end of ${rule.strips} successive strip${rule.strips === 1 ? '' : 's'} of ${k} epochs (epochs ${epochs.join(' → ')}): stopped after epoch ${point.epoch}`,
      };
    }
  }
  return {
    stopEpoch: null,
    bestEpoch: best.epoch,
    reason: `${errorText(ctx.monitor)} never rose at the end of ${rule.strips} successive strip${rule.strips === 1 ? '' : 's'} of ${k} epochs in ${ctx.lastEpoch} epochs`,
  };
}

function errorText(metric: MetricName): string {
  return metric.endsWith('Acc')
    ? `${METRIC_TEXT[metric].replace('accuracy', 'error')} (1 − accuracy)`
    : METRIC_TEXT[metric];
}

/** Training error by epoch (finite values only), of the same kind as the monitored metric. */
function trainingErrors(rows: readonly EpochMetrics[], monitor: MetricName): Map<number, number> {
  const metric = trainingCounterpart(monitor);
  const errors = new Map<number, number>();
  for (const row of rows) {
    const value = row[metric];
    if (value !== null && Number.isFinite(value)) errors.set(row.epoch, errorOf(metric, value));
  }
  return errors;
}

/** P_k(t) in per mille; null when an epoch of the strip has no finite training error. */
function trainingProgress(training: ReadonlyMap<number, number>, end: number, k: number): number | null {
  let sum = 0;
  let min = Infinity;
  for (let epoch = end - k + 1; epoch <= end; epoch += 1) {
    const value = training.get(epoch);
    if (value === undefined) return null;
    sum += value;
    min = Math.min(min, value);
  }
  if (min <= 0) return sum > 0 ? Infinity : 0;
  return 1000 * (sum / (k * min) - 1);
}
