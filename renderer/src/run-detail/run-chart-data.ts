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
 * The chart's axes, laid out as the exported comparison figure lays out its own: ranges around the data,
 * round ticks, percentages with the decimals a narrow range needs.
 */
export function runCurveFigure(epochs: readonly EpochMetrics[], kind: CurveKind): ComparisonFigure {
  const series = splitSeries(epochs, kind);
  return comparisonFigure(series, {
    xTitle: 'epoch',
    yTitle: kind,
    yScale: 'linear',
    ...CHART_SIZE,
    panels: [{ title: kind, metrics: series.map((s) => s.metric), percent: kind === 'accuracy' }],
  });
}

export function runCurveTraces(epochs: readonly EpochMetrics[], kind: CurveKind, colors: PlotColors): Data[] {
  return splitSeries(epochs, kind).map((s) => {
    const i = SPLITS.findIndex((split) => split.label === s.label);
    const trace: Data = {
      type: 'scatter',
      mode: epochs.length > 1 ? 'lines' : 'lines+markers',
      name: s.label,
      x: s.x,
      y: s.y,
      line: { color: lineColor(PALETTE[i], colors), width: 2 },
      hovertemplate: kind === 'accuracy' ? '%{y:.2%}' : '%{y:.4g}',
    };
    return trace;
  });
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
export function runCurveFigureLayout(kind: CurveKind, figure: ComparisonFigure): Partial<Layout> {
  return {
    title: { text: curveTitle(kind), x: 0.02, xanchor: 'left' },
    xaxis: { ...fixedAxis(figure.x, 'linear'), title: { text: 'epoch' } },
    yaxis: { ...fixedAxis(figure.panels[0].y, 'linear'), title: { text: kind } },
    hovermode: 'x unified',
  };
}

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}
