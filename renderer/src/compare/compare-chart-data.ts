import type { Data, Layout } from 'plotly.js-dist-min';
import {
  METRIC_LABELS,
  xAxisTitle,
  yAxisTitle,
  type ComparisonSeries,
  type ComparisonSpec,
} from '../../../common/compare/comparison';
import type { LineStyle } from '../../../common/plot/series-style';
import { epochTicks, lineColor, plotlyDash, type PlotColors } from '../charts/plot-theme';

/** How faint the unsmoothed curve is behind its smoothed one. */
export const RAW_OPACITY = 0.25;

/**
 * Plotly traces for the comparison, styled as the SVG export is (same colour per run, same dash per
 * metric), so the picture on screen and the exported figure match. Plain 'scatter' lines: SVG keeps hover
 * and export crisp, and 50 runs × 100 epochs is well within what it draws quickly.
 */
export function comparisonTraces(
  series: readonly ComparisonSeries[],
  styles: readonly LineStyle[],
  spec: ComparisonSpec,
  colors: PlotColors,
): Data[] {
  const drawRaw = spec.showRaw && spec.smoothing.kind !== 'none';
  const traces: Data[] = [];
  series.forEach((s, i) => {
    const color = lineColor(styles[i].color, colors);
    const dash = plotlyDash(styles[i].dash);
    const group = `${s.runId}:${s.metric}`;
    if (drawRaw) {
      traces.push({
        type: 'scatter',
        mode: 'lines',
        x: s.x,
        y: s.raw,
        name: `${s.label} (raw)`,
        legendgroup: group,
        showlegend: false,
        hoverinfo: 'skip',
        opacity: RAW_OPACITY,
        line: { color, dash, width: 1 },
      });
    }
    traces.push({
      type: 'scatter',
      mode: s.x.length > 1 ? 'lines' : 'lines+markers',
      x: s.x,
      y: s.y,
      name: s.label,
      legendgroup: group,
      line: { color, dash, width: 2 },
      hovertemplate: `%{y:.4g}<extra>${escapeHover(s.label)}</extra>`,
    });
  });
  return traces;
}

export function comparisonLayout(spec: ComparisonSpec, maxX: number): Partial<Layout> {
  return {
    title: { text: chartTitle(spec), x: 0.02, xanchor: 'left' },
    showlegend: false,
    xaxis: { title: { text: xAxisTitle(spec.x) }, ...(spec.x === 'epoch' ? epochTicks(maxX) : {}) },
    yaxis: {
      title: { text: yAxisTitle(spec.metrics) },
      type: spec.yScale,
      tickformat:
        spec.yScale === 'linear' && spec.metrics.every((m) => m.endsWith('Acc')) ? '.0%' : undefined,
    },
    hovermode: 'closest',
  };
}

/** "validation loss, EMA 0.6" — also the exported figure's title. */
export function chartTitle(spec: ComparisonSpec): string {
  const metrics = spec.metrics.map((m) => METRIC_LABELS[m]).join(', ');
  switch (spec.smoothing.kind) {
    case 'none':
      return metrics;
    case 'ema':
      return `${metrics} (EMA ${spec.smoothing.weight})`;
    case 'moving-average':
      return `${metrics} (moving average of ${spec.smoothing.window})`;
  }
}

/** Plotly hover templates treat `%{…}` and HTML specially; run names are user text. */
function escapeHover(text: string): string {
  return text.replace(/[<>&%]/g, (c) => `&#${c.charCodeAt(0)};`);
}
