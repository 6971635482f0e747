import { METRIC_NAMES, type EpochMetrics, type MetricName, type MetricSummary } from '../types';

/**
 * Per-metric summaries of a run's epochs: best (lowest loss, highest accuracy), min, max and last.
 *
 * Rules, shared by the batch and the incremental form so that both always agree:
 * - null (empty split) and NaN (a diverged epoch) values are skipped; ±Infinity counts.
 * - On a tie for best, the earliest epoch wins (the model had already got there).
 * - "Last" is the value at the highest epoch number seen, so epochs may arrive in any order.
 * - Summaries come back in METRIC_NAMES order; a metric with no value at all has no summary.
 */

export function isLossMetric(metric: MetricName): boolean {
  return metric.endsWith('Loss');
}

export function summarizeEpochs(epochs: readonly EpochMetrics[]): MetricSummary[] {
  return epochs.reduce<MetricSummary[]>((summaries, epoch) => updateSummaries(summaries, epoch), []);
}

/** The summaries after one more epoch; `previous` is not modified. */
export function updateSummaries(previous: readonly MetricSummary[], epoch: EpochMetrics): MetricSummary[] {
  const byMetric = new Map(previous.map((s) => [s.metric, s]));
  const next: MetricSummary[] = [];
  for (const metric of METRIC_NAMES) {
    const prior = byMetric.get(metric);
    const value = epoch[metric];
    if (value === null || Number.isNaN(value)) {
      if (prior) next.push(prior);
      continue;
    }
    next.push(prior ? mergeValue(prior, value, epoch.epoch) : firstValue(metric, value, epoch.epoch));
  }
  return next;
}

function firstValue(metric: MetricName, value: number, epoch: number): MetricSummary {
  return {
    metric,
    bestValue: value,
    bestEpoch: epoch,
    min: value,
    max: value,
    lastValue: value,
    lastEpoch: epoch,
  };
}

function mergeValue(prior: MetricSummary, value: number, epoch: number): MetricSummary {
  const better = isLossMetric(prior.metric) ? value < prior.bestValue : value > prior.bestValue;
  const tiedEarlier = value === prior.bestValue && epoch < prior.bestEpoch;
  const takesBest = better || tiedEarlier;
  const takesLast = epoch >= prior.lastEpoch;
  return {
    metric: prior.metric,
    bestValue: takesBest ? value : prior.bestValue,
    bestEpoch: takesBest ? epoch : prior.bestEpoch,
    min: Math.min(prior.min, value),
    max: Math.max(prior.max, value),
    lastValue: takesLast ? value : prior.lastValue,
    lastEpoch: takesLast ? epoch : prior.lastEpoch,
  };
}
