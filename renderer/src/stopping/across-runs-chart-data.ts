import type { Data, Layout } from 'plotly.js-dist-min';
import { renderComparisonSvg } from '../../../common/plot/comparison-svg';
import { seriesStyles } from '../../../common/plot/series-style';
import type { ParamChart } from '../../../common/stopping/param-chart';
import { lineColor, plotlyDash, type PlotColors } from '../charts/plot-theme';
import { EXPORT_SIZE } from '../compare/exports';

/**
 * Several runs at one x (a grid's cells against one of its axes, or repeats of a setting): a line through
 * them would zigzag through an order that does not exist, so such charts draw dots only.
 */
export function sharesX(chart: ParamChart): boolean {
  const xs = chart.series[0]?.x ?? [];
  return new Set(xs).size < xs.length;
}

/** Lines with a dot per run (dots only where runs share an x), styled as the SVG export. */
export function paramChartTraces(chart: ParamChart, colors: PlotColors): Data[] {
  const styles = seriesStyles(chart.series);
  const labels = chart.runs.map((r) => r.label);
  const mode = sharesX(chart) ? 'markers' : 'lines+markers';
  return chart.series.map((s, i) => ({
    type: 'scatter',
    mode,
    name: s.label,
    x: s.x,
    y: s.y,
    customdata: labels,
    line: { color: lineColor(styles[i].color, colors), dash: plotlyDash(styles[i].dash), width: 2 },
    marker: { size: 8 },
    hovertemplate: `%{customdata}<br>${escapeHover(s.label)}: %{y}<extra></extra>`,
  }));
}

export function paramChartLayout(chart: ParamChart, title: string): Partial<Layout> {
  return {
    title: { text: title, x: 0.02, xanchor: 'left' },
    xaxis: { title: { text: chart.xTitle } },
    yaxis: { title: { text: chart.yTitle }, rangemode: 'tozero' },
    hovermode: 'closest',
  };
}

/** The exported figure: the same series as on screen, with a dot at every run. */
export function paramChartSvg(chart: ParamChart, title: string): string {
  // A gap after every point leaves each one on its own: the figure draws a lone point as a dot, not a line.
  const series = sharesX(chart)
    ? chart.series.map((s) => ({
        ...s,
        x: s.x.flatMap((x) => [x, x]),
        y: s.y.flatMap((y) => [y, null]),
        raw: s.raw.flatMap((y) => [y, null]),
      }))
    : chart.series;
  return renderComparisonSvg(series, {
    title,
    xTitle: chart.xTitle,
    yTitle: chart.yTitle,
    yScale: 'linear',
    width: EXPORT_SIZE.width,
    height: EXPORT_SIZE.height,
    markers: true,
  });
}

/** "best epoch and stop epoch (rule) against λ (L2)". */
export function paramChartTitle(chart: ParamChart, axisLabel: string): string {
  const names = chart.series.map((s) => s.label);
  const what =
    names.length <= 1 ? (names[0] ?? 'epochs') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return `${what} against ${axisLabel}`;
}

/** Run names go into Plotly's hover template, where % and < would be markup. */
function escapeHover(text: string): string {
  return text.replace(/[%<>&]/g, (c) => `&#${c.charCodeAt(0)};`);
}
