import { METRIC_NAMES, type EpochMetrics, type MetricName } from '../types';

/** Which way is better for a monitored metric. */
export type StoppingMode = 'min' | 'max';

export const METRIC_TEXT: Record<MetricName, string> = {
  trainLoss: 'training loss',
  trainAcc: 'training accuracy',
  valLoss: 'validation loss',
  valAcc: 'validation accuracy',
  testLoss: 'test loss',
  testAcc: 'test accuracy',
};

export function isAccuracy(metric: MetricName): boolean {
  return metric.endsWith('Acc');
}

/** Keras's mode "auto": accuracies are maximised, losses minimised. */
export function defaultMode(metric: MetricName): StoppingMode {
  return isAccuracy(metric) ? 'max' : 'min';
}

/** The split a metric is measured on; a run without that split logs null for it. */
export function splitOf(metric: MetricName): 'train' | 'validation' | 'test' {
  if (metric.startsWith('train')) return 'train';
  return metric.startsWith('val') ? 'validation' : 'test';
}

/** The training metric of the same kind (Prechelt's training progress uses the training error). */
export function trainingCounterpart(metric: MetricName): MetricName {
  return isAccuracy(metric) ? 'trainAcc' : 'trainLoss';
}

/**
 * Prechelt's rules are stated for an error (lower is better, ≥ 0): a loss is one as it is, an accuracy
 * becomes its error rate 1 − accuracy.
 */
export function errorOf(metric: MetricName, value: number): number {
  return isAccuracy(metric) ? 1 - value : value;
}

export function isMetricName(name: unknown): name is MetricName {
  return typeof name === 'string' && (METRIC_NAMES as readonly string[]).includes(name);
}

/** Epochs in epoch order (live updates may arrive out of order; every rule reads them in order). */
export function inEpochOrder(history: readonly EpochMetrics[]): EpochMetrics[] {
  const sorted = [...history];
  for (let i = 1; i < sorted.length; i += 1) {
    if (sorted[i].epoch < sorted[i - 1].epoch) return sorted.sort((a, b) => a.epoch - b.epoch);
  }
  return sorted;
}

/**
 * Why a rule on `metric` cannot run with these split sizes, e.g. validation loss without a validation split;
 * undefined when it can.
 */
export function missingSplitIssue(
  metric: MetricName,
  counts: { train: number; validation: number; test: number },
): string | undefined {
  const split = splitOf(metric);
  if (counts[split] > 0) return undefined;
  return `${metric} (${METRIC_TEXT[metric]}) is never logged: the ${split} split is empty (dataset.split.${split} gives 0 examples)`;
}
