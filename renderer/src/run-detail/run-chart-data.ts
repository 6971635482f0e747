import type { Data, Layout } from 'plotly.js-dist-min';
import { comparisonFigure, type ComparisonFigure, type SvgSeries } from '../../../common/plot/comparison-svg';
import { PALETTE } from '../../../common/plot/series-style';
import type { EpochMetrics, MetricName } from '../../../common/types';
import { fixedAxis } from '../charts/figure-axes';
import { epochTicks, lineColor, type PlotColors } from '../charts/plot-theme';

export type CurveKind = 'loss' | 'accuracy';

const SPLITS: ReadonlyArray<{ label: string; loss: MetricName; accuracy: MetricName }> = [
  { label: 'train', loss: 'trainLoss', accuracy: 'trainAcc' },
  { label: 'validation', loss: 'valLoss', accuracy: 'valAcc' },
  { label: 'test', loss: 'testLoss', accuracy: 'testAcc' },
];

/** About the size of one run chart on screen, so that its ticks are spaced for it. */
const CHART_SIZE = { width: 620, height: 340 } as const;

/** One series per split that logged the metric (a run without a validation split has no validation line). */
function splitSeries(epochs: readonly EpochMetrics[], kind: CurveKind): SvgSeries[] {
  const x = epochs.map((e) => e.epoch);
  return SPLITS.flatMap((split) => {
    const y = epochs.map((e) => finiteOrNull(e[split[kind]]));
    if (y.every((v) => v === null)) return [];
    return [{ runId: split.label, metric: split[kind], label: split.label, x, y, raw: y }];
  });
}

/**
 * What a run chart draws besides the run's own curves: a fork's parent up to the fork point (so the fork is
 * seen leaving it), and the epochs whose checkpoints are kept (each can be forked from).
 */
export interface CurveContext {
  /** The parent's epochs up to and including the fork epoch. */
  parentEpochs?: readonly EpochMetrics[];
  forkEpoch?: number;
  keptEpochs?: readonly number[];
}

/**
 * The chart's axes, laid out as the exported comparison figure lays out its own: ranges around the data,
 * round ticks, percentages with the decimals a narrow range needs. A fork's axes take in its parent's
 * curve too.
 */
export function runCurveFigure(
  epochs: readonly EpochMetrics[],
  kind: CurveKind,
  context: CurveContext = {},
  xTitle = 'epoch',
): ComparisonFigure {
  const series = [...splitSeries(context.parentEpochs ?? [], kind), ...splitSeries(epochs, kind)];
  return comparisonFigure(series, {
    xTitle,
    yTitle: kind,
    yScale: 'linear',
    ...CHART_SIZE,
    panels: [{ title: kind, metrics: series.map((s) => s.metric), percent: kind === 'accuracy' }],
  });
}

export function runCurveTraces(
  epochs: readonly EpochMetrics[],
  kind: CurveKind,
  colors: PlotColors,
  context: CurveContext = {},
): Data[] {
  const start = forkStart(kind, context);
  const own = splitSeries(epochs, kind).map((s) => {
    const i = SPLITS.findIndex((split) => split.label === s.label);
    // A fork's curve starts where it left its parent: the fork epoch's metrics are the state it started from.
    const from = start.find((p) => p.label === s.label);
    const trace: Data = {
      type: 'scatter',
      mode: epochs.length > 1 || from ? 'lines' : 'lines+markers',
      name: s.label,
      legendgroup: s.label,
      x: from ? [from.x, ...s.x] : s.x,
      y: from ? [from.y, ...s.y] : s.y,
      line: { color: lineColor(PALETTE[i], colors), width: 2 },
      hovertemplate: kind === 'accuracy' ? '%{y:.2%}' : '%{y:.4g}',
    };
    return trace;
  });
  return [...parentTraces(kind, colors, context), ...own, ...keptTrace(epochs, kind, colors, context)];
}

/** The parent's point at the fork epoch, per split: where each of the fork's own curves begins. */
function forkStart(kind: CurveKind, context: CurveContext): { label: string; x: number; y: number | null }[] {
  const parent = context.parentEpochs ?? [];
  const at = parent[parent.length - 1];
  if (at === undefined || at.epoch !== context.forkEpoch) return [];
  return splitSeries([at], kind).map((s) => ({ label: s.label, x: s.x[0], y: s.y[0] }));
}

/**
 * The parent's curves before the fork point, dotted and fainter: where this run came from. They share the
 * fork's legend entries (a legend twice as long would cover the title), and say "parent" on hover.
 */
function parentTraces(kind: CurveKind, colors: PlotColors, context: CurveContext): Data[] {
  const parent = context.parentEpochs ?? [];
  if (parent.length === 0) return [];
  return splitSeries(parent, kind).map((s) => {
    const i = SPLITS.findIndex((split) => split.label === s.label);
    return {
      type: 'scatter',
      mode: 'lines',
      name: `${s.label} (parent)`,
      legendgroup: s.label,
      showlegend: false,
      x: s.x,
      y: s.y,
      opacity: 0.55,
      line: { color: lineColor(PALETTE[i], colors), width: 1.5, dash: 'dot' },
      hovertemplate:
        kind === 'accuracy'
          ? '%{y:.2%}<extra>%{fullData.name}</extra>'
          : '%{y:.4g}<extra>%{fullData.name}</extra>',
    } satisfies Data;
  });
}

/**
 * A marker on each kept epoch, on the curve the best checkpoint is chosen by (validation where logged, else
 * training): clicking one offers to fork from it.
 */
function keptTrace(
  epochs: readonly EpochMetrics[],
  kind: CurveKind,
  colors: PlotColors,
  context: CurveContext,
): Data[] {
  const kept = new Set(context.keptEpochs ?? []);
  const points = epochs.filter((e) => kept.has(e.epoch));
  if (points.length === 0) return [];
  const metric = epochs.some((e) => e[SPLITS[1][kind]] !== null) ? SPLITS[1][kind] : SPLITS[0][kind];
  return [
    {
      type: 'scatter',
      mode: 'markers',
      name: 'kept checkpoint',
      x: points.map((e) => e.epoch),
      y: points.map((e) => finiteOrNull(e[metric])),
      marker: { symbol: 'diamond-open', size: 11, color: colors.fg, line: { width: 2 } },
      hovertemplate: 'checkpoint kept: click to fork<extra></extra>',
    },
  ];
}

/** A dotted vertical line where a fork left its parent. */
export function forkShapes(context: CurveContext): Partial<Layout> {
  if (context.forkEpoch === undefined) return {};
  return {
    shapes: [
      {
        type: 'line',
        xref: 'x',
        yref: 'paper',
        x0: context.forkEpoch,
        x1: context.forkEpoch,
        y0: 0,
        y1: 1,
        line: { dash: 'dot', width: 1 },
      },
    ],
    annotations: [
      {
        x: context.forkEpoch,
        xref: 'x',
        yref: 'paper',
        y: 1,
        yanchor: 'bottom',
        text: `forked at ${context.forkEpoch}`,
        showarrow: false,
        font: { size: 11 },
      },
    ],
  };
}

function curveTitle(kind: CurveKind): string {
  return kind === 'loss' ? 'Loss (cross-entropy per example)' : 'Accuracy';
}

/** The layout with Plotly's own ranges (the early-stopping chart, which adds its markers and a log option). */
export function runCurveLayout(kind: CurveKind, maxEpoch: number): Partial<Layout> {
  return {
    title: { text: curveTitle(kind), x: 0.02, xanchor: 'left' },
    xaxis: { title: { text: 'epoch' }, ...epochTicks(maxEpoch) },
    yaxis:
      // Up to two decimals, trailing zeros trimmed: a narrow range reads 13.12 %, 13.14 %, not 13 %, 13 %.
      kind === 'accuracy' ? { title: { text: 'accuracy' }, tickformat: '.2~%' } : { title: { text: 'loss' } },
    hovermode: 'x unified',
  };
}

/** The run chart's layout, pinned to the figure's ranges and tick labels. */
export function runCurveFigureLayout(
  kind: CurveKind,
  figure: ComparisonFigure,
  xTitle = 'epoch',
): Partial<Layout> {
  return {
    title: { text: curveTitle(kind), x: 0.02, xanchor: 'left' },
    xaxis: { ...fixedAxis(figure.x, 'linear'), title: { text: xTitle } },
    yaxis: { ...fixedAxis(figure.panels[0].y, 'linear'), title: { text: kind } },
    hovermode: 'x unified',
  };
}

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}
