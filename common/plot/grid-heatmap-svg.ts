import { describeHeatmapCell, markText, type HeatmapCell, type HeatmapMatrix } from '../grid/heatmap';
import { colourFor, textColourOn, VIRIDIS } from './grid-colour-scale';
import { estimateTextWidth } from './legend-layout';
import { coord, escapeXml } from './svg-xml';
import { levelTicks, linearTicks } from './ticks';

/**
 * A grid heatmap as a standalone SVG in the style of the comparison export (white background, black text,
 * DejaVu Sans): one square per pair of levels, coloured by the metric on the viridis scale with its colour
 * bar, the value written in it; failed and diverged cells hatched and named, cells still to run or not in
 * the grid marked so, the best cell outlined. Levels sit at evenly spaced positions labelled with their
 * real values, so a log axis reads 1e-4, 1e-3, 0.01 instead of squeezing into "0".
 */

export interface HeatmapSvgOptions {
  title: string;
  xTitle: string;
  yTitle: string;
  /** The colour bar's title: the metric. */
  valueTitle: string;
  lowerIsBetter: boolean;
  /** How a value is written in its cell and on the colour bar ticks. */
  formatValue: (value: number) => string;
  width?: number;
  height?: number;
}

const FONT_FAMILY = 'DejaVu Sans, Arial, Helvetica, sans-serif';
const TICK_FONT_SIZE = 11;
const AXIS_TITLE_FONT_SIZE = 13;
const TITLE_FONT_SIZE = 15;
const NOTE_FONT_SIZE = 11;
const BAR_WIDTH = 16;
const HATCH_ID = 'grid-heatmap-hatch';

export function renderHeatmapSvg(matrix: HeatmapMatrix, options: HeatmapSvgOptions): string {
  const width = Math.round(options.width ?? 760);
  const height = Math.round(options.height ?? 560);
  const nx = matrix.x.values.length;
  const ny = matrix.rows.length;
  const yLabels = matrix.y ? matrix.y.labels : [''];

  const notes = [
    ...(matrix.reductions.length > 0 ? [matrix.reductions.join('; ')] : []),
    ...(hasPartial(matrix)
      ? ['* mean over fewer runs than the cell has (the others failed or are unfinished)']
      : []),
  ];
  const top = 44 + notes.length * (NOTE_FONT_SIZE + 5);
  const yLabelWidth = Math.max(0, ...yLabels.map((l) => estimateTextWidth(l, TICK_FONT_SIZE)));
  const left = Math.ceil(14 + (matrix.y ? AXIS_TITLE_FONT_SIZE + 10 : 0) + yLabelWidth + 8);
  const barTicks = colourBarTicks(matrix.range);
  const barLabels = barTicks.map((t) => options.formatValue(t));
  const barLabelWidth = Math.max(0, ...barLabels.map((l) => estimateTextWidth(l, TICK_FONT_SIZE)));
  const right = width - Math.ceil(24 + BAR_WIDTH + 6 + barLabelWidth + 10 + AXIS_TITLE_FONT_SIZE + 8);
  const bottom = height - 56;
  const cellW = (right - left) / nx;
  const cellH = (bottom - top) / ny;
  // Rows go up the page: the first level of y at the bottom, as on any y axis.
  const cx = (i: number) => left + i * cellW;
  const cy = (j: number) => bottom - (j + 1) * cellH;

  const best = bestCell(matrix, options.lowerIsBetter);
  const fontSize = Math.max(8, Math.min(13, cellH / 3, cellW / 6));
  const showText = cellW >= 28 && cellH >= 16;
  // As many level labels as fit without overlapping: a label's line height down the side, its width across.
  const widest = Math.max(...matrix.x.labels.map((l) => estimateTextWidth(l, TICK_FONT_SIZE)));
  const xTicks = levelTicks(matrix.x.labels, Math.max(1, Math.floor((right - left) / (widest + 8))));
  const yTicks = levelTicks(yLabels, Math.max(1, Math.floor((bottom - top) / (TICK_FONT_SIZE * 1.3))));

  const parts = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}" font-size="${TICK_FONT_SIZE}">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    '<defs>',
    `<pattern id="${HATCH_ID}" patternUnits="userSpaceOnUse" width="8" height="8" patternTransform="rotate(45)"><rect width="8" height="8" fill="#eeeeee"/><path d="M0 0V8" stroke="#999999" stroke-width="3"/></pattern>`,
    `<linearGradient id="grid-heatmap-bar" x1="0" y1="1" x2="0" y2="0">${VIRIDIS.map((c, i) => `<stop offset="${coord(i / (VIRIDIS.length - 1))}" stop-color="${c}"/>`).join('')}</linearGradient>`,
    '</defs>',
    `<text x="${coord(width / 2)}" y="26" text-anchor="middle" font-size="${TITLE_FONT_SIZE}" font-weight="bold">${escapeXml(options.title)}</text>`,
    ...notes.map(
      (note, i) =>
        `<text class="note" x="${coord(width / 2)}" y="${44 + i * (NOTE_FONT_SIZE + 5)}" text-anchor="middle" font-size="${NOTE_FONT_SIZE}" fill="#444444">${escapeXml(note)}</text>`,
    ),
    '<g class="cells">',
  ];
  matrix.rows.forEach((row, j) =>
    row.forEach((cell, i) => {
      parts.push(cellSvg(cell, cx(i), cy(j), cellW, cellH, matrix, options, showText ? fontSize : 0));
    }),
  );
  parts.push('</g>');
  if (best) {
    parts.push(
      `<rect class="best" x="${coord(cx(best.i) + 1.5)}" y="${coord(cy(best.j) + 1.5)}" width="${coord(cellW - 3)}" height="${coord(cellH - 3)}" fill="none" stroke="#000000" stroke-width="3"><title>best</title></rect>`,
    );
  }
  parts.push(
    `<path d="M${left} ${top}V${bottom}H${right}" stroke="#000000" stroke-width="1" fill="none"/>`,
    '<g class="x-ticks" text-anchor="middle" fill="#000000">',
    ...xTicks.tickvals.map(
      (i, k) =>
        `<text x="${coord(cx(i) + cellW / 2)}" y="${bottom + TICK_FONT_SIZE + 6}">${escapeXml(xTicks.ticktext[k])}</text>`,
    ),
    '</g>',
    `<text class="x-title" x="${coord((left + right) / 2)}" y="${height - 14}" text-anchor="middle" font-size="${AXIS_TITLE_FONT_SIZE}">${escapeXml(options.xTitle)}</text>`,
  );
  if (matrix.y) {
    parts.push(
      '<g class="y-ticks" text-anchor="end" fill="#000000">',
      ...yTicks.tickvals.map(
        (j, k) =>
          `<text x="${left - 6}" y="${coord(cy(j) + cellH / 2 + TICK_FONT_SIZE * 0.35)}">${escapeXml(yTicks.ticktext[k])}</text>`,
      ),
      '</g>',
      `<text class="y-title" transform="translate(${14 + AXIS_TITLE_FONT_SIZE / 2 + 4} ${coord((top + bottom) / 2)}) rotate(-90)" text-anchor="middle" font-size="${AXIS_TITLE_FONT_SIZE}">${escapeXml(options.yTitle)}</text>`,
    );
  }
  parts.push(colourBar(matrix, options, barTicks, barLabels, right + 24, top, bottom), '</svg>', '');
  return parts.join('\n');
}

function cellSvg(
  cell: HeatmapCell,
  x: number,
  y: number,
  w: number,
  h: number,
  matrix: HeatmapMatrix,
  options: HeatmapSvgOptions,
  fontSize: number,
): string {
  const rect = (fill: string) =>
    `<rect x="${coord(x)}" y="${coord(y)}" width="${coord(w)}" height="${coord(h)}" fill="${fill}" stroke="#ffffff" stroke-width="1"><title>${escapeXml(describeHeatmapCell(cell))}</title></rect>`;
  const text = (content: string, colour: string) =>
    fontSize > 0
      ? `<text x="${coord(x + w / 2)}" y="${coord(y + h / 2 + fontSize * 0.35)}" text-anchor="middle" font-size="${coord(fontSize)}" fill="${colour}">${escapeXml(content)}</text>`
      : '';
  if (cell.value !== null && matrix.range) {
    const fill = colourFor(cell.value, matrix.range.min, matrix.range.max);
    const label = options.formatValue(cell.value) + (cell.mark === 'partial' ? '*' : '');
    return rect(fill) + text(label, textColourOn(fill));
  }
  const mark = cell.mark === 'value' || cell.mark === 'partial' ? 'no-value' : cell.mark;
  const failed = mark === 'failed' || mark === 'diverged';
  return (
    rect(failed ? `url(#${HATCH_ID})` : mark === 'absent' ? '#ffffff' : '#f2f2f2') +
    text(markText(cell), failed ? '#000000' : '#555555')
  );
}

function colourBar(
  matrix: HeatmapMatrix,
  options: HeatmapSvgOptions,
  ticks: readonly number[],
  labels: readonly string[],
  x: number,
  top: number,
  bottom: number,
): string {
  const title = `${options.valueTitle} (${options.lowerIsBetter ? 'lower' : 'higher'} is better)`;
  const titleX =
    x +
    BAR_WIDTH +
    6 +
    Math.max(0, ...labels.map((l) => estimateTextWidth(l, TICK_FONT_SIZE))) +
    10 +
    AXIS_TITLE_FONT_SIZE / 2;
  const out = [
    '<g class="colour-bar">',
    `<rect x="${x}" y="${top}" width="${BAR_WIDTH}" height="${bottom - top}" fill="url(#grid-heatmap-bar)" stroke="#000000" stroke-width="0.5"/>`,
    `<text class="colour-title" transform="translate(${coord(titleX)} ${coord((top + bottom) / 2)}) rotate(90)" text-anchor="middle" font-size="${AXIS_TITLE_FONT_SIZE}">${escapeXml(title)}</text>`,
  ];
  if (matrix.range) {
    const { min, max } = matrix.range;
    const sy = (v: number) =>
      max > min ? bottom - ((v - min) / (max - min)) * (bottom - top) : (top + bottom) / 2;
    ticks.forEach((t, i) => {
      const y = sy(t);
      out.push(
        `<path d="M${x + BAR_WIDTH} ${coord(y)}h4" stroke="#000000" stroke-width="1"/>`,
        `<text x="${x + BAR_WIDTH + 6}" y="${coord(y + TICK_FONT_SIZE * 0.35)}">${escapeXml(labels[i])}</text>`,
      );
    });
  }
  out.push('</g>');
  return out.join('\n');
}

/** Round-number ticks inside the value range; a one-value range gets that one value. */
function colourBarTicks(range: HeatmapMatrix['range']): number[] {
  if (!range) return [];
  if (!(range.max > range.min)) return [range.min];
  return linearTicks(range.min, range.max, { maxTicks: 6 }).ticks;
}

function hasPartial(matrix: HeatmapMatrix): boolean {
  return matrix.rows.some((row) => row.some((cell) => cell.mark === 'partial'));
}

/** The cell with the best value (lowest loss, highest accuracy); the first of equals. */
export function bestCell(matrix: HeatmapMatrix, lowerIsBetter: boolean): { i: number; j: number } | null {
  let best: { i: number; j: number } | null = null;
  let bestValue = 0;
  for (let j = 0; j < matrix.rows.length; j++) {
    for (let i = 0; i < matrix.rows[j].length; i++) {
      const value = matrix.rows[j][i].value;
      if (value === null) continue;
      if (best === null || (lowerIsBetter ? value < bestValue : value > bestValue)) {
        best = { i, j };
        bestValue = value;
      }
    }
  }
  return best;
}
