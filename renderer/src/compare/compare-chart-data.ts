import type { Dash, Data, Layout } from 'plotly.js-dist-min';
import {
  comparisonPanels,
  METRIC_LABELS,
  plottedComparison,
  xAxisTitle,
  yAxisTitle,
  type ComparisonSeries,
  type ComparisonSpec,
} from '../../../common/compare/comparison';
import type { ComparisonFigure, SvgPlotOptions } from '../../../common/plot/comparison-svg';
import type { LineStyle } from '../../../common/plot/series-style';
import { fixedAxis } from '../charts/figure-axes';
import { lineColor, plotlyDash, type PlotColors } from '../charts/plot-theme';

/** How faint the unsmoothed curve is behind its smoothed one. */
export const RAW_OPACITY = 0.25;

/** Size of the exported figure (legend excluded), in CSS px; the PNG is drawn at twice this. */
export const EXPORT_SIZE = { width: 960, height: 560 } as const;

/** Height of the chart on screen per panel, in px. */
export const PANEL_HEIGHT_PX = 380;

/**
 * What the comparison figure is drawn from, on screen and in the export alike: the metrics some run logged
 * (a metric none logged is left out, with a note), one panel per quantity (loss, accuracy), the export's
 * size. The screen takes its axes from the figure laid out for the export, so both show the same ranges
 * and ticks.
 */
export function comparisonFigureInput(
  series: readonly ComparisonSeries[],
  asked: ComparisonSpec,
): { series: ComparisonSeries[]; spec: ComparisonSpec; options: SvgPlotOptions } {
  const plotted = plottedComparison(asked, series);
  const spec = plotted.spec;
  return {
    series: plotted.series,
    spec,
    options: {
      title: chartTitle(spec),
      xTitle: xAxisTitle(spec.x),
      yTitle: yAxisTitle(spec.metrics),
      yScale: spec.yScale,
      width: EXPORT_SIZE.width,
      height: EXPORT_SIZE.height,
      showRaw: spec.showRaw && spec.smoothing.kind !== 'none',
      panels: comparisonPanels(spec.metrics),
    },
  };
}

/**
 * Plotly traces for the comparison, styled as the SVG export is (same colour per run, same dash per
 * metric), each in its quantity's panel. A series with nothing to draw (a run without this metric) gets no
 * trace: an all-empty trace would still stretch Plotly's axes over its x values.
 *
 * Series drawn alike (same colour, dash and panel: beyond the 56 distinct line styles, as in a grid of 200
 * runs) share one trace, their curves separated by gaps, each point's hover naming its own run. Plotly's cost
 * grows with the number of traces far more than with their points, so 200 runs draw as at most 56 lines per
 * metric; up to 56 series every trace is still one run's. The raw values, when shown, are drawn first, so
 * every smoothed curve lies above every faint one.
 */
export function comparisonTraces(
  series: readonly ComparisonSeries[],
  styles: readonly LineStyle[],
  spec: ComparisonSpec,
  colors: PlotColors,
  figure?: ComparisonFigure,
): Data[] {
  const drawRaw = spec.showRaw && spec.smoothing.kind !== 'none';
  const panelOf = (metric: string) =>
    Math.max(0, figure?.panels.findIndex((p) => p.metrics.includes(metric)) ?? 0);
  const groups = new Map<string, LineGroup>();
  series.forEach((s, i) => {
    if (figure && !figure.drawable[i]) return;
    const color = lineColor(styles[i].color, colors);
    const dash = plotlyDash(styles[i].dash);
    const panel = panelOf(s.metric);
    // A lone point is drawn with a marker, which a shared line trace would not give it.
    const key = s.x.length > 1 ? `${color}|${dash}|${panel}` : `point:${i}`;
    const group = groups.get(key) ?? {
      color,
      dash,
      yaxis: panel === 0 ? 'y' : `y${panel + 1}`,
      percent: figure?.panels[panel]?.percent === true,
      members: [],
    };
    group.members.push(s);
    groups.set(key, group);
  });
  const lines = [...groups.values()];
  const raw: Data[] = drawRaw
    ? lines.map((g) => ({
        type: 'scatter',
        mode: 'lines',
        ...joinedPoints(g.members, (s) => s.raw),
        yaxis: g.yaxis,
        name: `${groupName(g.members)} (raw)`,
        showlegend: false,
        hoverinfo: 'skip',
        opacity: RAW_OPACITY,
        line: { color: g.color, dash: g.dash, width: 1 },
      }))
    : [];
  const smoothed: Data[] = lines.map((g) => ({
    type: 'scatter',
    mode: g.members.length === 1 && g.members[0].x.length <= 1 ? 'lines+markers' : 'lines',
    ...joinedPoints(g.members, (s) => s.y),
    yaxis: g.yaxis,
    name: groupName(g.members),
    line: { color: g.color, dash: g.dash, width: 2 },
    hovertemplate: `${g.percent ? '%{y:.2%}' : '%{y:.4g}'}<extra>%{customdata}</extra>`,
  }));
  return [...raw, ...smoothed];
}

/** Series that share one trace: drawn alike, in the same panel. */
interface LineGroup {
  color: string;
  dash: Dash;
  yaxis: string;
  percent: boolean;
  members: ComparisonSeries[];
}

/** The members' points one after another, a gap (null) between two curves, each point labelled with its run. */
function joinedPoints(
  members: readonly ComparisonSeries[],
  values: (s: ComparisonSeries) => readonly (number | null)[],
): { x: (number | null)[]; y: (number | null)[]; customdata: (string | null)[] } {
  const x: (number | null)[] = [];
  const y: (number | null)[] = [];
  const customdata: (string | null)[] = [];
  members.forEach((s, m) => {
    if (m > 0) {
      x.push(null);
      y.push(null);
      customdata.push(null);
    }
    const label = escapeHover(s.label);
    const v = values(s);
    for (let i = 0; i < s.x.length; i += 1) {
      x.push(s.x[i]);
      y.push(v[i] ?? null);
      customdata.push(label);
    }
  });
  return { x, y, customdata };
}

function groupName(members: readonly ComparisonSeries[]): string {
  return members.length === 1 ? members[0].label : `${members[0].label} and ${members.length - 1} more`;
}

/** Gap between stacked panels, as a fraction of the plot height. */
const PANEL_GAP = 0.12;

/**
 * The layout: the figure's panels stacked top to bottom (loss above accuracy), each with the y range,
 * ticks and labels the exported figure has, and the shared x axis under the lowest one.
 */
export function comparisonLayout(figure: ComparisonFigure, spec: ComparisonSpec): Partial<Layout> {
  const count = figure.panels.length;
  const height = (1 - PANEL_GAP * (count - 1)) / count;
  const layout: Record<string, unknown> = {
    title: { text: chartTitle(spec), x: 0.02, xanchor: 'left' },
    showlegend: false,
    hovermode: 'closest',
    xaxis: {
      ...fixedAxis(figure.x, 'linear'),
      title: { text: xAxisTitle(spec.x) },
      anchor: count > 1 ? `y${count}` : 'y',
    },
  };
  const annotations: unknown[] = [];
  figure.panels.forEach((panel, i) => {
    const top = 1 - i * (height + PANEL_GAP);
    // Empty axes with no word of why read as a broken chart: the panel says it has nothing yet.
    if (!panel.hasData) {
      annotations.push({
        text: 'no data yet',
        xref: 'paper',
        yref: 'paper',
        x: 0.5,
        y: top - height / 2,
        showarrow: false,
        font: { size: 13 },
      });
    }
    layout[i === 0 ? 'yaxis' : `yaxis${i + 1}`] = {
      ...fixedAxis(panel.y, figure.yScale),
      domain: [Math.max(0, top - height), Math.min(1, top)],
      title: { text: panel.title },
      anchor: 'x',
      zeroline: false,
    };
  });
  if (annotations.length > 0) layout.annotations = annotations;
  return layout as Partial<Layout>;
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
