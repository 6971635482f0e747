import {
  linesInside,
  type ParcoordsConstraints,
  type ParcoordsData,
  type ParcoordsDimension,
} from '../grid/parcoords';
import { colourFor, VIRIDIS } from './grid-colour-scale';
import { estimateTextWidth } from './legend-layout';
import { coord, escapeXml } from './svg-xml';
import { formatTick, linearTicks } from './ticks';

/**
 * Parallel coordinates of a grid as a standalone SVG, in the style of the comparison export: one vertical
 * axis per grid axis and metric, one line per run coloured by a metric on the viridis scale with its colour
 * bar. Log axes are drawn in log10 with ticks at their real values, categorical axes at evenly spaced
 * positions labelled with their values. Brushed intervals are drawn on their axes and the runs outside
 * them in light grey, as on screen.
 */

export interface ParcoordsSvgOptions {
  title: string;
  /** Tick text of a metric axis (its dimension key) and of the colour bar (null): accuracies as %, losses as numbers. */
  formatMetric: (value: number, dimensionKey: string | null) => string;
  lowerIsBetter: boolean;
  constraints?: ParcoordsConstraints;
  width?: number;
  height?: number;
}

const FONT_FAMILY = 'DejaVu Sans, Arial, Helvetica, sans-serif';
const TICK_FONT_SIZE = 11;
const AXIS_TITLE_FONT_SIZE = 13;
const TITLE_FONT_SIZE = 15;
const BAR_WIDTH = 16;
/** Between the last axis (its tick labels sit left of it) and the colour bar. */
const BAR_GAP = 32;
const TICK_LENGTH = 4;

export function renderParcoordsSvg(data: ParcoordsData, options: ParcoordsSvgOptions): string {
  const width = Math.round(options.width ?? 960);
  const height = Math.round(options.height ?? 560);
  const constraints = options.constraints ?? {};
  const inside = linesInside(data, constraints);
  const colourRange = extent(data.colour);
  const barTicks = colourRange ? colourTicks(colourRange) : [];
  const barLabels = barTicks.map((t) => options.formatMetric(t, null));
  const barLabelWidth = Math.max(0, ...barLabels.map((l) => estimateTextWidth(l, TICK_FONT_SIZE)));

  const top = 78;
  const bottom = height - 40;
  const firstLabels = tickLabels(data.dimensions[0], options);
  const left = Math.ceil(
    24 + Math.max(0, ...firstLabels.map((t) => estimateTextWidth(t.text, TICK_FONT_SIZE))),
  );
  // Right of the last axis: a gap, the colour bar, its tick labels and its title (rotated, so its glyphs
  // take a font size of width beyond the baseline), and a margin.
  const right = width - Math.ceil(BAR_GAP + BAR_WIDTH + 6 + barLabelWidth + 10 + AXIS_TITLE_FONT_SIZE + 10);
  const n = data.dimensions.length;
  const ax = (d: number) => (n === 1 ? (left + right) / 2 : left + (d * (right - left)) / (n - 1));
  const ay = (dim: ParcoordsDimension, v: number) => {
    const [lo, hi] = dim.range;
    return bottom - ((v - lo) / (hi - lo)) * (bottom - top);
  };

  const linePath = (i: number) =>
    data.dimensions
      .map((dim, d) => `${d === 0 ? 'M' : 'L'}${coord(ax(d))} ${coord(ay(dim, dim.values[i]))}`)
      .join('');
  const parts = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}" font-size="${TICK_FONT_SIZE}">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<defs><linearGradient id="grid-parcoords-bar" x1="0" y1="1" x2="0" y2="0">${VIRIDIS.map((c, i) => `<stop offset="${coord(i / (VIRIDIS.length - 1))}" stop-color="${c}"/>`).join('')}</linearGradient></defs>`,
    `<text x="${coord(width / 2)}" y="26" text-anchor="middle" font-size="${TITLE_FONT_SIZE}" font-weight="bold">${escapeXml(options.title)}</text>`,
    // Runs outside the brush first, faint, so the selected ones lie on top.
    '<g class="lines-outside" fill="none" stroke="#cccccc" stroke-width="1">',
    ...data.lines.flatMap((_, i) => (inside[i] ? [] : [`<path d="${linePath(i)}"/>`])),
    '</g>',
    '<g class="lines" fill="none" stroke-width="1.5" stroke-opacity="0.85" stroke-linejoin="round">',
    ...data.lines.flatMap((line, i) =>
      inside[i] && colourRange
        ? [
            `<path d="${linePath(i)}" stroke="${colourFor(data.colour[i], colourRange.min, colourRange.max)}"><title>${escapeXml(line.name)}</title></path>`,
          ]
        : [],
    ),
    '</g>',
  ];

  data.dimensions.forEach((dim, d) => {
    const x = ax(d);
    const labels = tickLabels(dim, options);
    parts.push(
      `<g class="axis" data-key="${escapeXml(dim.key)}">`,
      `<path d="M${coord(x)} ${top}V${bottom}" stroke="#000000" stroke-width="1"/>`,
      `<text class="axis-title" x="${coord(x)}" y="${top - 22}" text-anchor="middle" font-size="${AXIS_TITLE_FONT_SIZE}" font-weight="bold">${escapeXml(dim.label)}</text>`,
      ...(dim.kind === 'log'
        ? [`<text x="${coord(x)}" y="${top - 9}" text-anchor="middle" fill="#555555">(log scale)</text>`]
        : []),
      ...(constraints[dim.key] ?? []).map(([a, b]) => {
        const y1 = ay(dim, Math.max(a, b));
        const y2 = ay(dim, Math.min(a, b));
        return `<rect class="brush" x="${coord(x - 5)}" y="${coord(y1)}" width="10" height="${coord(y2 - y1)}" fill="#0072B2" fill-opacity="0.25" stroke="#0072B2"/>`;
      }),
      ...labels.map(
        (t) =>
          `<path d="M${coord(x)} ${coord(ay(dim, t.value))}h${-TICK_LENGTH}" stroke="#000000"/><text x="${coord(x - TICK_LENGTH - 2)}" y="${coord(ay(dim, t.value) + TICK_FONT_SIZE * 0.35)}" text-anchor="end" paint-order="stroke" stroke="#ffffff" stroke-width="3">${escapeXml(t.text)}</text>`,
      ),
      '</g>',
    );
  });

  const barX = right + BAR_GAP;
  const title = `${data.colourTitle} (${options.lowerIsBetter ? 'lower' : 'higher'} is better)`;
  parts.push(
    '<g class="colour-bar">',
    `<rect x="${barX}" y="${top}" width="${BAR_WIDTH}" height="${bottom - top}" fill="url(#grid-parcoords-bar)" stroke="#000000" stroke-width="0.5"/>`,
    ...barTicks.map((t, i) => {
      const y =
        colourRange && colourRange.max > colourRange.min
          ? bottom - ((t - colourRange.min) / (colourRange.max - colourRange.min)) * (bottom - top)
          : (top + bottom) / 2;
      return `<path d="M${barX + BAR_WIDTH} ${coord(y)}h4" stroke="#000000"/><text x="${barX + BAR_WIDTH + 6}" y="${coord(y + TICK_FONT_SIZE * 0.35)}">${escapeXml(barLabels[i])}</text>`;
    }),
    `<text class="colour-title" transform="translate(${coord(barX + BAR_WIDTH + 6 + barLabelWidth + 10 + AXIS_TITLE_FONT_SIZE / 2)} ${coord((top + bottom) / 2)}) rotate(90)" text-anchor="middle" font-size="${AXIS_TITLE_FONT_SIZE}">${escapeXml(title)}</text>`,
    '</g>',
  );
  if (data.lines.length === 0) {
    parts.push(
      `<text x="${coord((left + right) / 2)}" y="${coord((top + bottom) / 2)}" text-anchor="middle" fill="#666666" font-size="${AXIS_TITLE_FONT_SIZE}">no finished runs</text>`,
    );
  }
  parts.push('</svg>', '');
  return parts.join('\n');
}

/** Each axis' labelled ticks in plot units: the given ones (levels, decades, categories) or round numbers. */
function tickLabels(
  dim: ParcoordsDimension | undefined,
  options: ParcoordsSvgOptions,
): { value: number; text: string }[] {
  if (!dim) return [];
  if (dim.tickvals && dim.ticktext) {
    return dim.tickvals
      .map((value, i) => ({ value, text: dim.ticktext![i] }))
      .filter((t) => t.value >= dim.range[0] - 1e-9 && t.value <= dim.range[1] + 1e-9);
  }
  const ticks = linearTicks(dim.range[0], dim.range[1], { maxTicks: 6 });
  return ticks.ticks.map((value) => ({
    value,
    text: dim.kind === 'metric' ? options.formatMetric(value, dim.key) : formatTick(value, ticks.step),
  }));
}

function colourTicks(range: { min: number; max: number }): number[] {
  if (!(range.max > range.min)) return [range.min];
  return linearTicks(range.min, range.max, { maxTicks: 6 }).ticks;
}

function extent(values: readonly number[]): { min: number; max: number } | null {
  if (values.length === 0) return null;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { min, max };
}
