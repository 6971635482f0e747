import type { RunEpochs } from '../api/contract';
import { UserInputError } from '../errors';
import { METRIC_NAMES, type EpochMetrics, type MetricName } from '../types';
import { legendLabels, type CompareRun } from './differing-params';
import { smoothSeries, type Smoothing } from './smoothing';

export type XAxis = 'epoch' | 'time';
export type YScale = 'linear' | 'log';

/** What to plot: shared by the comparison view, its exports and `workbench plot`. */
export interface ComparisonSpec {
  metrics: MetricName[];
  x: XAxis;
  yScale: YScale;
  smoothing: Smoothing;
  /** Draw the unsmoothed curve faintly behind the smoothed one. */
  showRaw: boolean;
}

/** One curve: one metric of one run. */
export interface ComparisonSeries {
  runId: string;
  metric: MetricName;
  label: string;
  /** Epoch numbers, or seconds since the run started (the running sum of each epoch's seconds). */
  x: number[];
  /** Smoothed values; null where the metric was not logged (e.g. no validation split). */
  y: (number | null)[];
  /** The values as logged. */
  raw: (number | null)[];
}

export const METRIC_LABELS: Record<MetricName, string> = {
  trainLoss: 'training loss',
  trainAcc: 'training accuracy',
  valLoss: 'validation loss',
  valAcc: 'validation accuracy',
  testLoss: 'test loss',
  testAcc: 'test accuracy',
};

export function isMetricName(name: unknown): name is MetricName {
  return typeof name === 'string' && (METRIC_NAMES as readonly string[]).includes(name);
}

export function xAxisTitle(x: XAxis): string {
  return x === 'epoch' ? 'epoch' : 'time (s)';
}

/** "validation loss"; "loss" when every metric is a loss (likewise accuracy); else the labels joined. */
export function yAxisTitle(metrics: readonly MetricName[]): string {
  if (metrics.length === 1) return METRIC_LABELS[metrics[0]];
  if (metrics.length > 1 && metrics.every((m) => m.endsWith('Loss'))) return 'loss';
  if (metrics.length > 1 && metrics.every((m) => m.endsWith('Acc'))) return 'accuracy';
  return metrics.map((m) => METRIC_LABELS[m]).join(' / ');
}

/** What a metric measures: losses and accuracies are never drawn against one y axis. */
export type Quantity = 'loss' | 'accuracy';

export function quantityOf(metric: MetricName): Quantity {
  return metric.endsWith('Acc') ? 'accuracy' : 'loss';
}

/** One panel of a comparison figure: the metrics of one quantity, with their own y axis. */
export interface ComparisonPanel {
  quantity: Quantity;
  metrics: MetricName[];
  /** The panel's y-axis title, e.g. "loss" or "validation accuracy". */
  title: string;
  /** Accuracies are stored as fractions and written as percentages. */
  percent: boolean;
}

/**
 * The panels for these metrics, loss above accuracy (a cross-entropy of 2.3 and an accuracy of 0.9 share no
 * scale, and on a log axis an accuracy near 1 is a flat line): one panel when every metric is one quantity.
 */
export function comparisonPanels(metrics: readonly MetricName[]): ComparisonPanel[] {
  const quantities: Quantity[] = ['loss', 'accuracy'];
  return quantities.flatMap((quantity) => {
    const chosen = metrics.filter((m) => quantityOf(m) === quantity);
    return chosen.length === 0
      ? []
      : [{ quantity, metrics: chosen, title: yAxisTitle(chosen), percent: quantity === 'accuracy' }];
  });
}

/** Whether a series has any logged value (a run without a validation split has no validation values). */
export function seriesHasData(series: Pick<ComparisonSeries, 'raw'>): boolean {
  return series.raw.some((v) => v !== null);
}

/**
 * One series per (metric, run), metric by metric in the order asked, runs in the order given. A run with
 * no epochs yet (or none in `epochs`) gets an empty series, so that a run just started still has its legend
 * entry.
 */
export function buildComparisonSeries(
  runs: readonly CompareRun[],
  epochs: readonly RunEpochs[],
  spec: ComparisonSpec,
): ComparisonSeries[] {
  checkSpec(spec);
  const labels = legendLabels(runs);
  const byRun = epochsByRun(epochs);
  const series: ComparisonSeries[] = [];
  for (const metric of spec.metrics) {
    for (const run of runs) {
      const rows = byRun.get(run.id) ?? [];
      const raw = rows.map((e) => finiteOrNull(e[metric]));
      series.push({
        runId: run.id,
        metric,
        label: spec.metrics.length > 1 ? `${labels[run.id]} (${METRIC_LABELS[metric]})` : labels[run.id],
        x: spec.x === 'epoch' ? rows.map((e) => e.epoch) : elapsedSeconds(rows),
        y: smoothSeries(raw, spec.smoothing),
        raw,
      });
    }
  }
  return series;
}

const CSV_METRIC_COLUMNS: Record<MetricName, string> = {
  trainLoss: 'train_loss',
  trainAcc: 'train_acc',
  valLoss: 'val_loss',
  valAcc: 'val_acc',
  testLoss: 'test_loss',
  testAcc: 'test_acc',
};

/**
 * Every logged epoch of every run, one row each (no downsampling), for a spreadsheet or pandas:
 * run_id, run_name, label, epoch, time_s (cumulative), every metric, lr, then `<metric>_smoothed` for the
 * spec's metrics when the spec smooths. RFC 4180 (CRLF, quotes where needed); numbers are written in
 * JavaScript's shortest round-trip form, so they parse back to exactly the stored doubles; empty = not logged.
 */
export function comparisonCsv(
  runs: readonly CompareRun[],
  epochs: readonly RunEpochs[],
  spec?: ComparisonSpec,
): string {
  if (spec) checkSpec(spec);
  const smoothed = spec && spec.smoothing.kind !== 'none' ? spec.metrics : [];
  const header = [
    'run_id',
    'run_name',
    'label',
    'epoch',
    'time_s',
    ...METRIC_NAMES.map((m) => CSV_METRIC_COLUMNS[m]),
    'lr',
    ...smoothed.map((m) => `${CSV_METRIC_COLUMNS[m]}_smoothed`),
  ];
  const lines = [header.map(csvField).join(',')];
  const labels = legendLabels(runs);
  const byRun = epochsByRun(epochs);
  for (const run of runs) {
    const rows = byRun.get(run.id) ?? [];
    const time = elapsedSeconds(rows);
    const smoothedColumns = smoothed.map((m) =>
      smoothSeries(
        rows.map((e) => e[m]),
        spec?.smoothing ?? { kind: 'none' },
      ),
    );
    rows.forEach((e, i) => {
      const fields = [
        run.id,
        run.name,
        labels[run.id],
        e.epoch,
        time[i],
        ...METRIC_NAMES.map((m) => e[m]),
        e.lr,
        ...smoothedColumns.map((column) => column[i]),
      ];
      lines.push(fields.map(csvField).join(','));
    });
  }
  return lines.map((line) => line + '\r\n').join('');
}

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break. */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function checkSpec(spec: ComparisonSpec): void {
  if (!Array.isArray(spec.metrics) || spec.metrics.length === 0) {
    throw new UserInputError(`metrics: expected at least one of ${METRIC_NAMES.join(', ')}`);
  }
  for (const metric of spec.metrics) {
    if (!isMetricName(metric)) {
      throw new UserInputError(
        `metrics: unknown metric "${String(metric)}" (expected one of ${METRIC_NAMES.join(', ')})`,
      );
    }
  }
  if (spec.x !== 'epoch' && spec.x !== 'time') {
    throw new UserInputError(`x: expected "epoch" or "time", got ${JSON.stringify(spec.x)}`);
  }
  if (spec.yScale !== 'linear' && spec.yScale !== 'log') {
    throw new UserInputError(`yScale: expected "linear" or "log", got ${JSON.stringify(spec.yScale)}`);
  }
}

/** Sorted by epoch: live updates may arrive out of order, and a curve drawn unsorted zig-zags. */
function epochsByRun(epochs: readonly RunEpochs[]): Map<string, EpochMetrics[]> {
  return new Map(epochs.map((r) => [r.runId, [...r.epochs].sort((a, b) => a.epoch - b.epoch)]));
}

function elapsedSeconds(rows: readonly EpochMetrics[]): number[] {
  let total = 0;
  return rows.map((e) => (total += e.seconds));
}

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}

/** What a figure shows: the metrics some run logged, their series, and the metrics none logged. */
export interface PlottedComparison {
  spec: ComparisonSpec;
  series: ComparisonSeries[];
  /** Asked for but logged by none of the runs (e.g. validation loss of runs without a validation split). */
  missing: MetricName[];
}

/**
 * Narrows a comparison to the metrics that have data, so that titles, axis labels and legends never name a
 * curve that is not drawn. When no metric has data, everything is kept (the figure says "no data").
 */
export function plottedComparison(
  spec: ComparisonSpec,
  series: readonly ComparisonSeries[],
): PlottedComparison {
  const logged = new Set(series.filter(seriesHasData).map((s) => s.metric));
  const missing = spec.metrics.filter((m) => !logged.has(m));
  if (missing.length === spec.metrics.length) return { spec, series: [...series], missing };
  return {
    spec: { ...spec, metrics: spec.metrics.filter((m) => logged.has(m)) },
    series: series.filter((s) => logged.has(s.metric)),
    missing,
  };
}
