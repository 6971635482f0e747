import { describe, expect, it } from 'vitest';
import { buildComparisonSeries, type ComparisonSpec } from '../../../common/compare/comparison';
import { seriesStyles } from '../../../common/plot/series-style';
import { epoch, mlpConfig } from '../testing/fixtures';
import { comparisonFigure } from '../../../common/plot/comparison-svg';
import type { LayoutAxis } from 'plotly.js-dist-min';
import {
  chartTitle,
  comparisonFigureInput,
  comparisonLayout,
  comparisonTraces,
  RAW_OPACITY,
} from './compare-chart-data';
import { svgSize } from './exports';

const COLORS = { fg: '#eeeeee', muted: '#999999', grid: '#333333' };
const runs = [
  { id: 'a', name: 'run a', config: mlpConfig({ name: 'run a' }) },
  { id: 'b', name: 'run b', config: mlpConfig({ name: 'run b', seed: 2 }) },
];
const epochs = [
  { runId: 'a', epochs: [epoch(1), epoch(2), epoch(3)] },
  { runId: 'b', epochs: [epoch(2), epoch(1)] },
];
const spec = (patch: Partial<ComparisonSpec> = {}): ComparisonSpec => ({
  metrics: ['valLoss'],
  x: 'epoch',
  yScale: 'linear',
  smoothing: { kind: 'none' },
  showRaw: true,
  ...patch,
});

/** The trace fields these tests read (Plotly's Data type is a union over every trace type). */
interface LineTrace {
  name: string;
  x: number[];
  y: (number | null)[];
  line: { color: string; dash: string };
  opacity?: number;
  showlegend?: boolean;
}

function figureOf(s: ComparisonSpec) {
  const input = comparisonFigureInput(buildComparisonSeries(runs, epochs, s), s);
  return comparisonFigure(input.series, input.options);
}

function traces(s: ComparisonSpec): LineTrace[] {
  const series = buildComparisonSeries(runs, epochs, s);
  return comparisonTraces(series, seriesStyles(series), s, COLORS) as LineTrace[];
}

describe('comparison chart data', () => {
  it('draws one line per run and metric, colour per run and dash per metric', () => {
    const t = traces(spec({ metrics: ['valLoss', 'trainLoss'] }));
    expect(t).toHaveLength(4);
    // Metric by metric in the order asked, runs in the order given.
    expect(t.map((x) => x.name)).toEqual([
      'run a · seed=1 (validation loss)',
      'run b · seed=2 (validation loss)',
      'run a · seed=1 (training loss)',
      'run b · seed=2 (training loss)',
    ]);
    expect(t[0].line.color).toBe(t[2].line.color);
    expect(t[0].line.color).not.toBe(t[1].line.color);
    expect(t[0].line.dash).not.toBe(t[2].line.dash);
    // Epochs arrive out of order for run b; the line is drawn in epoch order.
    expect(t[1].x).toEqual([1, 2]);
  });

  it('adds the raw values faintly, behind, only when smoothing', () => {
    expect(traces(spec())).toHaveLength(2);
    const smoothed = traces(spec({ smoothing: { kind: 'ema', weight: 0.5 } }));
    expect(smoothed).toHaveLength(4);
    // Every faint raw line first, so that no smoothed curve is hidden behind another run's raw values.
    expect(smoothed.map((t) => t.opacity)).toEqual([RAW_OPACITY, RAW_OPACITY, undefined, undefined]);
    expect(smoothed[0].showlegend).toBe(false);
    expect(smoothed[0].y).toEqual([2.2, 1.1, 2.2 / 3]);
    expect(smoothed[2].y[1]).toBeCloseTo((0.5 * 0.5 * 2.2 + 0.5 * 1.1) / (1 - 0.25));
    expect(traces(spec({ smoothing: { kind: 'ema', weight: 0.5 }, showRaw: false }))).toHaveLength(2);
  });

  it('uses wall time on x and a log y axis when asked', () => {
    const s = spec({ x: 'time', yScale: 'log' });
    expect(traces(s)[0].x).toEqual([2, 4, 6]);
    const layout = comparisonLayout(figureOf(s), s);
    expect(layout.yaxis?.type).toBe('log');
    expect((layout.xaxis?.title as { text: string }).text).toBe('time (s)');
  });

  it('pins the chart to the exported figure’s ranges and tick labels, loss and accuracy in two panels', () => {
    const s = spec({ metrics: ['valLoss', 'valAcc'], yScale: 'log' });
    const figure = figureOf(s);
    const layout = comparisonLayout(figure, s) as Record<string, Partial<LayoutAxis>>;
    expect(figure.panels.map((p) => p.title)).toEqual(['validation loss', 'validation accuracy']);
    // The same range (in decades on a log axis) and labels as the export.
    expect(layout.yaxis.range).toEqual(figure.panels[0].y.domain.map(Math.log10));
    expect(layout.yaxis.ticktext).toEqual(figure.panels[0].y.labels);
    expect(layout.yaxis2.ticktext).toEqual(figure.panels[1].y.labels);
    expect((layout.yaxis2.ticktext as string[]).every((t) => t.endsWith('%'))).toBe(true);
    // Values from 0.73 to 2.2 on a log axis: labelled at 1, 2, 5 × each decade in plain numbers (never
    // bare minor digits that leave the reader to guess the decade).
    expect(layout.yaxis.ticktext).toEqual(['0.1', '0.2', '0.5', '1', '2', '5', '10']);
    expect(layout.xaxis.range).toEqual(figure.x.domain);
    // Accuracy traces go to the lower panel.
    const series = buildComparisonSeries(runs, epochs, s);
    const t = comparisonTraces(series, seriesStyles(series), s, COLORS, figure) as (LineTrace & {
      yaxis: string;
    })[];
    expect(t.map((x) => x.yaxis)).toEqual(['y', 'y', 'y2', 'y2']);
  });

  it('draws series styled alike as one trace with gaps, each point hovering with its own run', () => {
    // 60 runs: the palette's 7 colours × 8 dashes give 56 distinct lines; runs 57–60 repeat runs 1–4's.
    const many = Array.from({ length: 60 }, (_, r) => ({
      id: `r${r}`,
      name: `run ${r}`,
      config: mlpConfig({ name: `run ${r}`, seed: r + 1 }),
    }));
    const manyEpochs = many.map((run, r) => ({
      runId: run.id,
      epochs: [epoch(1, { valLoss: r }), epoch(2)],
    }));
    const s = spec();
    const series = buildComparisonSeries(many, manyEpochs, s);
    const t = comparisonTraces(series, seriesStyles(series), s, COLORS) as (LineTrace & {
      customdata: (string | null)[];
    })[];
    expect(t).toHaveLength(56);
    const shared = t[0];
    expect(shared.x).toEqual([1, 2, null, 1, 2]);
    expect(shared.y[0]).toBe(0);
    expect(shared.y[2]).toBeNull();
    expect(shared.y[3]).toBe(56);
    expect(shared.customdata).toEqual([
      series[0].label,
      series[0].label,
      null,
      series[56].label,
      series[56].label,
    ]);
    expect(shared.name).toBe(`${series[0].label} and 1 more`);
    // A run of its own style keeps a trace of its own.
    expect(t[4].x).toEqual([1, 2]);
    expect(t[4].customdata).toEqual([series[4].label, series[4].label]);
  });

  it('leaves a run without the metric out of the traces, so it cannot stretch the x axis', () => {
    const withIris = [...runs, { id: 'iris', name: 'iris', config: mlpConfig({ name: 'iris' }) }];
    const irisEpochs = Array.from({ length: 350 }, (_, i) => epoch(i + 1, { valLoss: null, valAcc: null }));
    const s = spec();
    const series = buildComparisonSeries(withIris, [...epochs, { runId: 'iris', epochs: irisEpochs }], s);
    const input = comparisonFigureInput(series, s);
    const figure = comparisonFigure(input.series, input.options);
    expect(figure.x.domain).toEqual([1, 3]);
    const t = comparisonTraces(input.series, seriesStyles(input.series), s, COLORS, figure) as LineTrace[];
    expect(t.map((x) => x.name)).not.toContain('iris');
    expect(comparisonLayout(figure, s).xaxis?.range).toEqual([1, 3]);
  });

  it('says "no data yet" in a panel with nothing to draw (runs just queued) instead of bare axes', () => {
    const s = spec();
    const series = buildComparisonSeries(runs, [], s);
    const input = comparisonFigureInput(series, s);
    const layout = comparisonLayout(comparisonFigure(input.series, input.options), s);
    expect((layout.annotations ?? []).map((a) => a.text)).toEqual(['no data yet']);
    expect(comparisonLayout(figureOf(s), s).annotations).toBeUndefined();
  });

  it('titles the chart with metrics and smoothing', () => {
    expect(chartTitle(spec())).toBe('validation loss');
    expect(chartTitle(spec({ smoothing: { kind: 'moving-average', window: 5 } }))).toBe(
      'validation loss (moving average of 5)',
    );
  });

  it('reads the exported figure’s size from its root element', () => {
    expect(
      svgSize('<?xml version="1.0"?><svg xmlns="x" width="1100" height="620" viewBox="0 0 1100 620">'),
    ).toEqual({
      width: 1100,
      height: 620,
    });
  });
});
