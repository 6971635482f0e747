import type { RunEpochs, RunPoints } from '../api/contract';
import { UserInputError } from '../errors';
import { evaluationTimeline, X_AXES, xOf, type Evaluation, type XAxis } from '../metrics/eval-points';
import { METRIC_NAMES, type MetricName } from '../types';
import { legendLabels, type CompareRun } from './differing-params';
import { smoothSeries, type Smoothing } from './smoothing';

export type { XAxis };
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
  /**
   * Epochs (fractional at points inside an epoch), steps, examples seen, or seconds since the run started
   * (the epochs' seconds summed, plus a point's seconds into its epoch).
   */
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
  return x === 'time' ? 'time (s)' : x === 'examples' ? 'examples seen' : x;
}

/**
 * Each run's evaluations in step order: its epoch rows, and its points where `points` has the run. A run
 * without a schedule (recorded before schedules were) has its epochs alone, with no step or examples.
 */
export function runTimelines(
  epochs: readonly RunEpochs[],
  points: readonly RunPoints[] = [],
): Map<string, { rows: Evaluation[]; steps: boolean }> {
  const byRun = new Map(points.map((p) => [p.runId, p]));
  return new Map(
    epochs.map((r) => {
      const known = byRun.get(r.runId);
      const schedule = known?.schedule ?? { trainExamples: NaN, stepsPerEpoch: NaN, evaluateEvery: null };
      const rows = evaluationTimeline(schedule, r.epochs, known?.schedule ? known.points : []);
      return [r.runId, { rows, steps: Boolean(known?.schedule) }];
    }),
  );
}

/** The runs whose curves cannot go on `x` (steps and examples need a schedule). */
export function runsWithoutAxis(
  x: XAxis,
  epochs: readonly RunEpochs[],
  points: readonly RunPoints[] = [],
): string[] {
  if (x === 'epoch' || x === 'time') return [];
  return [...runTimelines(epochs, points)].filter(([, t]) => !t.steps).map(([runId]) => runId);
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
  points: readonly RunPoints[] = [],
): ComparisonSeries[] {
  checkSpec(spec);
  const labels = legendLabels(runs);
  const timelines = runTimelines(epochs, points);
  const series: ComparisonSeries[] = [];
  for (const metric of spec.metrics) {
    for (const run of runs) {
      const timeline = timelines.get(run.id);
      // Steps and examples of a run without a schedule are unknown: an empty series keeps its legend entry.
      const usable = timeline && (timeline.steps || spec.x === 'epoch' || spec.x === 'time');
      const rows = usable ? timeline.rows : [];
      const raw = rows.map((e) => finiteOrNull(e[metric]));
      series.push({
        runId: run.id,
        metric,
        label: spec.metrics.length > 1 ? `${labels[run.id]} (${METRIC_LABELS[metric]})` : labels[run.id],
        x: rows.map((e) => xOf(spec.x, e)),
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
 * Every evaluation of every run (logged epochs, and points inside epochs where `points` has them), one row
 * each (no downsampling), for a spreadsheet or pandas: run_id, run_name, label, epoch (fractional at a
 * point), step, examples (empty for a run recorded before schedules were), time_s (cumulative), every
 * metric, lr, then `<metric>_smoothed` for the spec's metrics when the spec smooths. RFC 4180 (CRLF, quotes where needed); numbers are written in
 * JavaScript's shortest round-trip form, so they parse back to exactly the stored doubles; empty = not logged.
 */
export function comparisonCsv(
  runs: readonly CompareRun[],
  epochs: readonly RunEpochs[],
  spec?: ComparisonSpec,
  points: readonly RunPoints[] = [],
): string {
  if (spec) checkSpec(spec);
  const smoothed = spec && spec.smoothing.kind !== 'none' ? spec.metrics : [];
  const header = [
    'run_id',
    'run_name',
    'label',
    'epoch',
    'step',
    'examples',
    'time_s',
    ...METRIC_NAMES.map((m) => CSV_METRIC_COLUMNS[m]),
    'lr',
    ...smoothed.map((m) => `${CSV_METRIC_COLUMNS[m]}_smoothed`),
  ];
  const lines = [header.map(csvField).join(',')];
  const labels = legendLabels(runs);
  const timelines = runTimelines(epochs, points);
  for (const run of runs) {
    const timeline = timelines.get(run.id);
    const rows = timeline?.rows ?? [];
    const steps = timeline?.steps ?? false;
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
        steps ? e.step : null,
        steps ? e.examples : null,
        e.elapsed,
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
  if (!(X_AXES as readonly string[]).includes(spec.x)) {
    throw new UserInputError(`x: expected one of ${X_AXES.join(', ')}, got ${JSON.stringify(spec.x)}`);
  }
  if (spec.yScale !== 'linear' && spec.yScale !== 'log') {
    throw new UserInputError(`yScale: expected "linear" or "log", got ${JSON.stringify(spec.yScale)}`);
  }
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
