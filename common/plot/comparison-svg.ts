import { UserInputError } from '../errors';
import type { ComparisonSeries, YScale } from '../compare/comparison';
import {
  estimateTextWidth,
  layoutLegend,
  LEGEND_FONT_SIZE,
  SWATCH_WIDTH,
  type LegendLayout,
} from './legend-layout';
import { seriesStyles, type LineStyle } from './series-style';
import { coord, escapeXml } from './svg-xml';
import { axisLabels, formatTick, linearTicks, logTicks, type AxisTicks } from './ticks';

export interface SvgPlotOptions {
  title?: string;
  xTitle: string;
  /** The y-axis title of the single panel drawn when `panels` is not given. */
  yTitle: string;
  yScale: YScale;
  /** Of the figure without its legend, in px (default 800 × 500); the legend adds room right or below. */
  width?: number;
  height?: number;
  /** Draw each series' raw values faintly behind its smoothed line. */
  showRaw?: boolean;
  /** A dot at every point, for charts of a few values (e.g. one per run against a hyperparameter). */
  markers?: boolean;
  /**
   * Stacked panels sharing the x axis, top first, each with its own y axis for the series whose metric it
   * lists (loss and accuracy never share a scale). Default: one panel with every series, titled `yTitle`.
   */
  panels?: readonly SvgPanel[];
}

export interface SvgPanel {
  title: string;
  metrics: readonly string[];
  /** Values are fractions written as percentages (accuracies). */
  percent?: boolean;
}

/**
 * What the figure draws of a series. A comparison series is one; other charts (best epoch against a
 * hyperparameter) use any `metric` key: it only tells line styles apart.
 */
export type SvgSeries = Omit<ComparisonSeries, 'metric'> & { metric: string };

const FONT_FAMILY = 'DejaVu Sans, Arial, Helvetica, sans-serif';
const TICK_FONT_SIZE = 11;
const AXIS_TITLE_FONT_SIZE = 13;
const TITLE_FONT_SIZE = 15;
const TICK_LENGTH = 5;
const LINE_WIDTH = 1.75;
/** Vertical room between stacked panels. */
const PANEL_GAP = 28;
/** The figure sizes (px, legend excluded) the layout can draw: below 200 the margins leave no plot. */
export const PLOT_SIZE_LIMITS = { min: 200, max: 20000 } as const;
const { min: MIN_SIZE, max: MAX_SIZE } = PLOT_SIZE_LIMITS;

interface Frame {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** An axis with the text written at each tick. */
export interface FigureAxis extends AxisTicks {
  labels: string[];
}

export interface FigurePanel {
  title: string;
  metrics: string[];
  percent: boolean;
  /** Pixel rows of the plot area. */
  top: number;
  bottom: number;
  y: FigureAxis;
  /** Indices of the series drawn here. */
  series: number[];
  /** Some series of this panel has a value to draw. */
  hasData: boolean;
}

/**
 * Where everything of a comparison figure goes: the plot area, the shared x axis and each panel's y axis.
 * The chart on screen is laid out from the same object (ranges, ticks and their labels), so the exported
 * figure shows exactly what the screen shows.
 */
export interface ComparisonFigure {
  width: number;
  height: number;
  left: number;
  right: number;
  yScale: YScale;
  x: FigureAxis;
  panels: FigurePanel[];
  /** Per series: whether it has any value to draw. A series without one shapes no axis. */
  drawable: boolean[];
}

export function comparisonFigure(series: readonly SvgSeries[], options: SvgPlotOptions): ComparisonFigure {
  const width = checkSize('width', options.width ?? 800);
  const height = checkSize('height', options.height ?? 500);
  const log = options.yScale === 'log';
  const showRaw = options.showRaw === true;
  const usable = usableFor(log);
  const drawnAt = (s: SvgSeries, i: number) =>
    usable(s.y[i] ?? null) || (showRaw && usable(s.raw[i] ?? null));
  const drawable = series.map((s) => s.x.some((x, i) => Number.isFinite(x) && drawnAt(s, i)));

  const specs =
    options.panels && options.panels.length > 0
      ? options.panels
      : [{ title: options.yTitle, metrics: [...new Set(series.map((s) => s.metric))] }];
  const top0 = options.title ? 44 : 16;
  const bottomN = height - 52;
  const panelHeight = (bottomN - top0 - PANEL_GAP * (specs.length - 1)) / specs.length;
  const panels: FigurePanel[] = specs.map((spec, p) => {
    const indices = series.flatMap((s, i) => (spec.metrics.includes(s.metric) ? [i] : []));
    const values = indices.flatMap((i) => [...series[i].y, ...(showRaw ? series[i].raw : [])]).filter(usable);
    const hasData = values.length > 0;
    const maxTicks = Math.max(3, Math.round(panelHeight / 60));
    const [min, max] = hasData ? extent(values) : log ? [1, 10] : [0, 1];
    const ticks = log ? logTicks(min, max, maxTicks) : linearTicks(min, max, { maxTicks, extend: true });
    const percent = spec.percent === true;
    const top = top0 + p * (panelHeight + PANEL_GAP);
    return {
      title: spec.title,
      metrics: [...spec.metrics],
      percent,
      top,
      bottom: top + panelHeight,
      y: { ...ticks, labels: axisLabels(ticks, options.yScale, percent) },
      series: indices,
      hasData,
    };
  });
  const yLabelWidth = Math.max(
    0,
    ...panels.flatMap((p) => p.y.labels.map((l) => estimateTextWidth(l, TICK_FONT_SIZE))),
  );
  const left = Math.ceil(14 + AXIS_TITLE_FONT_SIZE + 10 + yLabelWidth + TICK_LENGTH + 4);
  const right = width - 24;
  // Only points that are drawn shape the x axis: a run without this metric (no validation split) or with
  // its values after a divergence missing would otherwise stretch it to epochs where nothing is shown.
  const xValues = series.flatMap((s, i) =>
    drawable[i] ? s.x.filter((x, j) => Number.isFinite(x) && drawnAt(s, j)) : [],
  );
  const [xMin, xMax] = xValues.length > 0 ? extent(xValues) : [0, 1];
  const xTicks = linearTicks(xMin, xMax, {
    maxTicks: Math.max(3, Math.round((right - left) / 90)),
    // Epochs: ticks at 1, 2, 3 rather than 1.5.
    integer: xValues.every(Number.isInteger),
  });
  return {
    width,
    height,
    left,
    right,
    yScale: options.yScale,
    x: { ...xTicks, labels: xTicks.ticks.map((t) => formatTick(t, xTicks.step)) },
    panels,
    drawable,
  };
}

function usableFor(log: boolean): (v: number | null) => v is number {
  return (v: number | null): v is number => v !== null && Number.isFinite(v) && (!log || v > 0);
}

/**
 * A standalone SVG line chart of comparison series, made to go into a paper or a report as it is: white
 * background, black axes, round-number ticks, every series in the legend (those with nothing to draw say
 * so). Pure string building, so the same figure comes out of the app and of `workbench plot`.
 */
export function renderComparisonSvg(series: readonly SvgSeries[], options: SvgPlotOptions): string {
  const figure = comparisonFigure(series, options);
  const { width, height, left, right, x: xAxis, drawable } = figure;
  const log = options.yScale === 'log';
  const showRaw = options.showRaw === true;
  const usable = usableFor(log);
  const sx = (x: number) =>
    left + ((x - xAxis.domain[0]) / (xAxis.domain[1] - xAxis.domain[0])) * (right - left);
  const toUnit = log ? Math.log10 : (v: number) => v;

  const styles = seriesStyles(series);
  const labels = series.map((s, i) => (drawable[i] ? s.label : `${s.label} (no data)`));
  const firstTop = figure.panels[0].top;
  const lastBottom = figure.panels[figure.panels.length - 1].bottom;
  const legend = layoutLegend(labels, { width, height, plotTop: firstTop, plotBottom: lastBottom });
  const totalWidth = Math.ceil(width + legend.extraWidth);
  const totalHeight = Math.ceil(height + legend.extraHeight);
  const clipBase = `plot-area-${hash(`${totalWidth}x${totalHeight}:${series.map((s) => s.label).join('\n')}`)}`;

  const parts = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${totalWidth}" height="${totalHeight}" viewBox="0 0 ${totalWidth} ${totalHeight}" font-family="${FONT_FAMILY}" font-size="${TICK_FONT_SIZE}">`,
    `<title>${escapeXml(options.title ?? `${figure.panels.map((p) => p.title).join(', ')} by ${options.xTitle}`)}</title>`,
    `<rect x="0" y="0" width="${totalWidth}" height="${totalHeight}" fill="#ffffff"/>`,
  ];
  figure.panels.forEach((panel, p) => {
    const { top, bottom, y: yAxis } = panel;
    const frame: Frame = { left, right, top, bottom };
    const [y0, y1] = yAxis.domain.map(toUnit);
    const sy = (y: number) => bottom - ((toUnit(y) - y0) / (y1 - y0)) * (bottom - top);
    const clipId = figure.panels.length === 1 ? clipBase : `${clipBase}-${p}`;
    const draw = (values: readonly (number | null)[], x: readonly number[]) =>
      polyline(
        x.map((xv, i) =>
          Number.isFinite(xv) && usable(values[i] ?? null) ? [sx(xv), sy(values[i] as number)] : null,
        ),
      );
    const drawn = panel.series.filter((i) => drawable[i]);
    parts.push(
      // A few px of slack so that a line running along the edge of the domain is not cut in half.
      `<defs><clipPath id="${clipId}"><rect x="${left - 3}" y="${coord(top - 3)}" width="${right - left + 6}" height="${coord(bottom - top + 6)}"/></clipPath></defs>`,
      grid(frame, xAxis, yAxis, sx, sy),
    );
    if (showRaw) {
      parts.push(`<g class="raw" clip-path="url(#${clipId})" fill="none" stroke-width="1" opacity="0.3">`);
      for (const i of drawn)
        parts.push(line(draw(series[i].raw, series[i].x), { ...styles[i], dash: '' }, 1));
      parts.push('</g>');
    }
    parts.push(
      `<g class="series" clip-path="url(#${clipId})" fill="none" stroke-linejoin="round" stroke-linecap="round">`,
    );
    for (const i of drawn) parts.push(line(draw(series[i].y, series[i].x), styles[i], LINE_WIDTH));
    parts.push('</g>');
    if (options.markers) {
      parts.push(`<g class="markers" clip-path="url(#${clipId})" stroke="#ffffff" stroke-width="1">`);
      for (const i of drawn) parts.push(dots(draw(series[i].y, series[i].x).flat(), styles[i].color));
      parts.push('</g>');
    }
    // The x tick labels are written once, under the lowest panel.
    const xLabels = p === figure.panels.length - 1;
    parts.push(axes(frame, xAxis, yAxis, sx, sy, xLabels));
    if (!panel.hasData) {
      parts.push(
        `<text x="${coord((left + right) / 2)}" y="${coord((top + bottom) / 2)}" text-anchor="middle" fill="#666666" font-size="${AXIS_TITLE_FONT_SIZE}">no data</text>`,
      );
    }
    parts.push(
      `<text class="y-title" transform="translate(${14 + AXIS_TITLE_FONT_SIZE / 2 + 4} ${coord((top + bottom) / 2)}) rotate(-90)" text-anchor="middle" font-size="${AXIS_TITLE_FONT_SIZE}">${escapeXml(panel.title)}</text>`,
    );
  });
  parts.push(
    `<text class="x-title" x="${coord((left + right) / 2)}" y="${height - 12}" text-anchor="middle" font-size="${AXIS_TITLE_FONT_SIZE}">${escapeXml(options.xTitle)}</text>`,
  );
  if (options.title) {
    parts.push(
      `<text x="${coord((left + right) / 2)}" y="28" text-anchor="middle" font-size="${TITLE_FONT_SIZE}" font-weight="bold">${escapeXml(options.title)}</text>`,
    );
  }
  parts.push(legendSvg(legend, styles, drawable), '</svg>', '');
  return parts.join('\n');
}

/** Min and max without spreading: 50 runs × thousands of epochs exceed the argument limit of Math.min. */
function extent(values: readonly number[]): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return [min, max];
}

function checkSize(field: 'width' | 'height', value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < MIN_SIZE || value > MAX_SIZE) {
    throw new UserInputError(
      `${field}: expected a size in px from ${MIN_SIZE} to ${MAX_SIZE}, got ${String(value)}`,
    );
  }
  return Math.round(value);
}

/** Runs of consecutive drawable points; a missing point ends a run, so gaps stay gaps. */
function polyline(points: ReadonlyArray<[number, number] | null>): Array<Array<[number, number]>> {
  const runs: Array<Array<[number, number]>> = [];
  let current: Array<[number, number]> = [];
  for (const p of points) {
    if (p === null) {
      if (current.length > 0) runs.push(current);
      current = [];
      continue;
    }
    const previous = current.at(-1);
    // Points on the same spot add bytes, not ink (long runs squeezed into a few hundred px).
    if (previous && coord(previous[0]) === coord(p[0]) && coord(previous[1]) === coord(p[1])) continue;
    current.push(p);
  }
  if (current.length > 0) runs.push(current);
  return runs;
}

/** A path per series; a lone point (one epoch, or between two gaps) becomes a dot, as a path would not show. */
function line(runs: Array<Array<[number, number]>>, style: LineStyle, strokeWidth: number): string {
  const segments = runs.filter((r) => r.length > 1);
  const dots = runs
    .filter((r) => r.length === 1)
    .map(
      ([[x, y]]) =>
        `<circle cx="${coord(x)}" cy="${coord(y)}" r="${coord(strokeWidth + 1)}" fill="${style.color}" stroke="none"/>`,
    );
  const path =
    segments.length === 0
      ? ''
      : `<path d="${segments.map((r) => r.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${coord(x)} ${coord(y)}`).join('')).join('')}" stroke="${style.color}" stroke-width="${strokeWidth}"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''}/>`;
  return [path, ...dots].filter((s) => s !== '').join('\n');
}

function dots(points: ReadonlyArray<[number, number]>, color: string): string {
  return points
    .map(([x, y]) => `<circle cx="${coord(x)}" cy="${coord(y)}" r="3.5" fill="${color}"/>`)
    .join('\n');
}

function grid(
  frame: Frame,
  xAxis: AxisTicks,
  yAxis: AxisTicks,
  sx: (x: number) => number,
  sy: (y: number) => number,
): string {
  const lines = [
    ...xAxis.ticks.map((t) => `M${coord(sx(t))} ${coord(frame.top)}V${coord(frame.bottom)}`),
    ...yAxis.ticks.map((t) => `M${frame.left} ${coord(sy(t))}H${frame.right}`),
  ];
  return `<path d="${lines.join('')}" stroke="#e5e5e5" stroke-width="1" fill="none"/>`;
}

function axes(
  frame: Frame,
  xAxis: FigureAxis,
  yAxis: FigureAxis,
  sx: (x: number) => number,
  sy: (y: number) => number,
  xLabels: boolean,
): string {
  const { left, right, top, bottom } = frame;
  const ticks = [
    ...xAxis.ticks.map((t) => `M${coord(sx(t))} ${coord(bottom)}v${TICK_LENGTH}`),
    ...yAxis.ticks.map((t) => `M${left} ${coord(sy(t))}h${-TICK_LENGTH}`),
    ...yAxis.minor.map((t) => `M${left} ${coord(sy(t))}h${-TICK_LENGTH / 2}`),
  ];
  const out = [
    `<path d="M${left} ${coord(top)}V${coord(bottom)}H${right}" stroke="#000000" stroke-width="1" fill="none"/>`,
    `<path d="${ticks.join('')}" stroke="#000000" stroke-width="1" fill="none"/>`,
    ...(xLabels
      ? [
          `<g class="x-ticks" text-anchor="middle" fill="#000000">`,
          ...xAxis.ticks.map(
            (t, i) =>
              `<text x="${coord(sx(t))}" y="${coord(bottom + TICK_LENGTH + TICK_FONT_SIZE + 2)}">${escapeXml(xAxis.labels[i])}</text>`,
          ),
          '</g>',
        ]
      : []),
    `<g class="y-ticks" text-anchor="end" fill="#000000">`,
    ...yAxis.ticks.map(
      (t, i) =>
        `<text x="${left - TICK_LENGTH - 3}" y="${coord(sy(t) + TICK_FONT_SIZE * 0.35)}">${escapeXml(yAxis.labels[i])}</text>`,
    ),
    '</g>',
  ];
  return out.join('\n');
}

/** Every series; one with nothing to draw has no line swatch and says "(no data)" in grey. */
function legendSvg(legend: LegendLayout, styles: readonly LineStyle[], drawable: readonly boolean[]): string {
  if (legend.entries.length === 0) return '';
  const out = [`<g class="legend" font-size="${LEGEND_FONT_SIZE}" fill="#000000">`];
  legend.entries.forEach((entry, i) => {
    const style = styles[i];
    if (!drawable[i]) {
      out.push(
        `<text class="no-data" x="${coord(entry.textX)}" y="${coord(entry.y + LEGEND_FONT_SIZE * 0.35)}" fill="#666666">${entry.text === entry.full ? '' : `<title>${escapeXml(entry.full)}</title>`}${escapeXml(entry.text)}</text>`,
      );
      return;
    }
    out.push(
      `<path d="M${coord(entry.x + 2)} ${coord(entry.y)}h${SWATCH_WIDTH - 4}" stroke="${style.color}" stroke-width="${LINE_WIDTH}"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''} fill="none"/>`,
      `<text x="${coord(entry.textX)}" y="${coord(entry.y + LEGEND_FONT_SIZE * 0.35)}">${entry.text === entry.full ? '' : `<title>${escapeXml(entry.full)}</title>`}${escapeXml(entry.text)}</text>`,
    );
  });
  out.push('</g>');
  return out.join('\n');
}

/** FNV-1a: a short stable id, so that two figures inlined in one page do not share a clip path by accident. */
function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16);
}
