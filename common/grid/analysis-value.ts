import { METRIC_NAMES, type MetricName } from '../types';
import { isLossMetric } from './results';
import type { GridCellResult, GridCellStatus } from './types';

/**
 * Which number of a cell the analysis views (heatmap, parallel coordinates, importance) work with: a metric
 * at the cell's best epoch (the epoch where the grid's monitored metric was best; the default, since users
 * want the best a setting reached, not where it happened to end) or at its last epoch.
 */
export interface AnalysisMetric {
  at: 'best' | 'final';
  metric: MetricName;
}

const METRIC_TEXT: Record<MetricName, string> = {
  trainLoss: 'training loss',
  trainAcc: 'training accuracy',
  valLoss: 'validation loss',
  valAcc: 'validation accuracy',
  testLoss: 'test loss',
  testAcc: 'test accuracy',
};

export function metricText(metric: MetricName): string {
  return METRIC_TEXT[metric];
}

/** "validation loss at the best epoch", "final test accuracy". */
export function analysisMetricLabel(m: AnalysisMetric): string {
  return m.at === 'best' ? `${METRIC_TEXT[m.metric]} at the best epoch` : `final ${METRIC_TEXT[m.metric]}`;
}

/** Short form for column headers and axis titles: "val loss @best", "final test acc". */
export function analysisMetricShort(m: AnalysisMetric): string {
  const short = METRIC_TEXT[m.metric]
    .replace('validation', 'val')
    .replace('training', 'train')
    .replace('accuracy', 'acc');
  return m.at === 'best' ? `${short} @best` : `final ${short}`;
}

export function lowerIsBetter(m: AnalysisMetric): boolean {
  return isLossMetric(m.metric);
}

/** Every choice, best-epoch values first. */
export const ANALYSIS_METRICS: readonly AnalysisMetric[] = [
  ...METRIC_NAMES.map((metric) => ({ at: 'best' as const, metric })),
  ...METRIC_NAMES.map((metric) => ({ at: 'final' as const, metric })),
];

export function analysisMetricKey(m: AnalysisMetric): string {
  return `${m.at}:${m.metric}`;
}

export function parseAnalysisMetricKey(key: string): AnalysisMetric | null {
  return ANALYSIS_METRICS.find((m) => analysisMetricKey(m) === key) ?? null;
}

/**
 * Where a cell stands for the analysis. Only completed runs count: a failed run has no result, a diverged
 * one's "best" value is from before it blew up (counting it would flatter the setting that diverged), and
 * a cancelled or interrupted one stopped part-way, and a pruned one was ended at a rung: its best is the
 * best of its first epochs, not of the full training the completed cells had.
 */
export type CellOutcome =
  'value' | 'failed' | 'diverged' | 'waiting' | 'cancelled' | 'interrupted' | 'pruned' | 'no-value';

export function cellOutcome(status: GridCellStatus, value: number | null): CellOutcome {
  switch (status) {
    case 'completed':
      return value !== null && Number.isFinite(value) ? 'value' : 'no-value';
    case 'failed':
      return 'failed';
    case 'diverged':
      return 'diverged';
    case 'cancelled':
      return 'cancelled';
    case 'interrupted':
      return 'interrupted';
    case 'pruned':
      return 'pruned';
    case 'pending':
    case 'paused':
    case 'queued':
    case 'running':
      return 'waiting';
  }
}

/** The chosen metric of a cell; null where it was not logged (no validation split) or not reached yet. */
export function rawAnalysisValue(
  cell: Pick<GridCellResult, 'atBest' | 'final'>,
  m: AnalysisMetric,
): number | null {
  const source = m.at === 'best' ? cell.atBest : cell.final;
  const value = source?.[m.metric];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** The chosen metric of a cell where the analysis may use it (a completed run that logged it), else null. */
export function analysisValue(
  cell: Pick<GridCellResult, 'atBest' | 'final' | 'status'>,
  m: AnalysisMetric,
): number | null {
  const value = rawAnalysisValue(cell, m);
  return cellOutcome(cell.status, value) === 'value' ? value : null;
}

/** A value as a table cell or a chart label writes it: accuracies as percentages, losses to 4 digits. */
export function formatAnalysisValue(
  value: number | null | undefined,
  m: Pick<AnalysisMetric, 'metric'>,
): string {
  if (value === null || value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  if (!isLossMetric(m.metric)) return `${(value * 100).toFixed(2)}%`;
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude < 1e-3 || magnitude >= 1e6) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
}

/**
 * A spread (sd over seeds) beside its mean: two significant digits, in plain decimals where that stays
 * short ("0.00043", "0.35%"), so "0.01278 ± 0.00043" fits a table column where "± 4.270e-4" did not.
 */
export function formatAnalysisSpread(
  value: number | null | undefined,
  m: Pick<AnalysisMetric, 'metric'>,
): string {
  if (value === null || value === undefined) return '—';
  if (!Number.isFinite(value)) return String(value);
  const scaled = isLossMetric(m.metric) ? value : value * 100;
  const unit = isLossMetric(m.metric) ? '' : '%';
  if (scaled === 0) return `0${unit}`;
  const magnitude = Math.abs(scaled);
  if (magnitude < 1e-4 || magnitude >= 1e6) return `${scaled.toExponential(1)}${unit}`;
  return `${Number(scaled.toPrecision(2))}${unit}`;
}
