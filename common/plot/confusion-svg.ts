import { describeConfusionCell, type ConfusionFigure } from '../model-eval/confusion-figure';
import { divergingColourFor, DIVERGING } from './diverging-colour-scale';
import { colourFor, textColourOn, VIRIDIS } from './grid-colour-scale';
import { estimateTextWidth } from './legend-layout';
import { coord, escapeXml } from './svg-xml';
import { linearTicks } from './ticks';

/**
 * A confusion matrix as a standalone SVG in the style of the other exports (white background, black text,
 * DejaVu Sans): true classes down the side (the first at the top, as the matrix is written), predicted
 * classes along the bottom, square cells coloured on viridis (one model) or on a diverging blue–white–red
 * scale around 0 (B − A), each with its value where it can be read, and a titled colour bar.
 */

export interface ConfusionSvgOptions {
  title: string;
  /** A second line under the title: the run, epoch and split. */
  subtitle?: string;
  width?: number;
  height?: number;
}

const FONT_FAMILY = 'DejaVu Sans, Arial, Helvetica, sans-serif';
const TICK_FONT_SIZE = 11;
const AXIS_TITLE_FONT_SIZE = 13;
const TITLE_FONT_SIZE = 15;
const BAR_WIDTH = 16;

export function fillFor(figure: ConfusionFigure, value: number): string {
  return figure.scale === 'diverging'
    ? divergingColourFor(value, figure.range.max)
    : colourFor(value, figure.range.min, figure.range.max);
}

export function renderConfusionSvg(figure: ConfusionFigure, options: ConfusionSvgOptions): string {
  const width = Math.round(options.width ?? 760);
  const height = Math.round(options.height ?? 680);
  const n = figure.classes.length;
  const labelWidth = Math.max(0, ...figure.classes.map((c) => estimateTextWidth(c, TICK_FONT_SIZE)));
  // Long class names ("Ankle boot") go up at 45° under the columns; short ones stay level.
  const slanted = labelWidth > 28;
  const top = options.subtitle ? 62 : 46;
  const left = Math.ceil(14 + AXIS_TITLE_FONT_SIZE + 10 + labelWidth + 8);
  const barTicks = colourBarTicks(figure);
  const barLabels = barTicks.map((t) => tickText(figure, t));
  const barLabelWidth = Math.max(0, ...barLabels.map((l) => estimateTextWidth(l, TICK_FONT_SIZE)));
  const rightSpace = Math.ceil(24 + BAR_WIDTH + 6 + barLabelWidth + 10 + AXIS_TITLE_FONT_SIZE + 8);
  const bottomSpace = Math.ceil(
    (slanted ? labelWidth * 0.72 + 10 : TICK_FONT_SIZE + 10) + AXIS_TITLE_FONT_SIZE + 22,
  );
  const side = Math.max(40, Math.min(width - left - rightSpace, height - top - bottomSpace));
  const cell = side / n;
  const right = left + side;
  const bottom = top + side;
  const fontSize = Math.max(7, Math.min(13, cell / 3.2));
  const showText = cell >= 22;

  const parts = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}" font-size="${TICK_FONT_SIZE}">`,
    `<title>${escapeXml(options.title)}</title>`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    '<defs>',
    `<linearGradient id="confusion-bar" x1="0" y1="1" x2="0" y2="0">${stops(figure)}</linearGradient>`,
    '</defs>',
    `<text class="title" x="${coord(width / 2)}" y="26" text-anchor="middle" font-size="${TITLE_FONT_SIZE}" font-weight="bold">${escapeXml(options.title)}</text>`,
  ];
  if (options.subtitle) {
    parts.push(
      `<text class="subtitle" x="${coord(width / 2)}" y="44" text-anchor="middle" fill="#444444">${escapeXml(options.subtitle)}</text>`,
    );
  }
  parts.push('<g class="cells">');
  figure.values.forEach((row, i) =>
    row.forEach((value, j) => {
      const x = left + j * cell;
      const y = top + i * cell;
      const fill = fillFor(figure, value);
      parts.push(
        `<rect x="${coord(x)}" y="${coord(y)}" width="${coord(cell)}" height="${coord(cell)}" fill="${fill}" stroke="#ffffff" stroke-width="1"><title>${escapeXml(describeConfusionCell(figure, i, j))}</title></rect>`,
      );
      if (showText) {
        parts.push(
          `<text x="${coord(x + cell / 2)}" y="${coord(y + cell / 2 + fontSize * 0.35)}" text-anchor="middle" font-size="${coord(fontSize)}" fill="${textColourOn(fill)}">${escapeXml(figure.text[i][j])}</text>`,
        );
      }
    }),
  );
  parts.push('</g>');
  parts.push(
    `<path d="M${coord(left)} ${coord(top)}V${coord(bottom)}H${coord(right)}" stroke="#000000" stroke-width="1" fill="none"/>`,
  );
  parts.push('<g class="x-ticks" fill="#000000">');
  figure.classes.forEach((name, j) => {
    const x = left + (j + 0.5) * cell;
    const y = bottom + TICK_FONT_SIZE + 6;
    parts.push(
      slanted
        ? `<text x="${coord(x)}" y="${coord(y)}" text-anchor="end" transform="rotate(-45 ${coord(x)} ${coord(y)})">${escapeXml(name)}</text>`
        : `<text x="${coord(x)}" y="${coord(y)}" text-anchor="middle">${escapeXml(name)}</text>`,
    );
  });
  parts.push('</g>');
  parts.push(
    `<text class="x-title" x="${coord((left + right) / 2)}" y="${coord(bottom + bottomSpace - 12)}" text-anchor="middle" font-size="${AXIS_TITLE_FONT_SIZE}">predicted class</text>`,
    '<g class="y-ticks" text-anchor="end" fill="#000000">',
    ...figure.classes.map(
      (name, i) =>
        `<text x="${coord(left - 6)}" y="${coord(top + (i + 0.5) * cell + TICK_FONT_SIZE * 0.35)}">${escapeXml(name)}</text>`,
    ),
    '</g>',
    `<text class="y-title" transform="translate(${14 + AXIS_TITLE_FONT_SIZE / 2 + 4} ${coord((top + bottom) / 2)}) rotate(-90)" text-anchor="middle" font-size="${AXIS_TITLE_FONT_SIZE}">true class</text>`,
  );
  parts.push(colourBar(figure, barTicks, barLabels, barLabelWidth, right + 24, top, bottom), '</svg>', '');
  return parts.join('\n');
}

function stops(figure: ConfusionFigure): string {
  const colours = figure.scale === 'diverging' ? DIVERGING : VIRIDIS;
  return colours
    .map((c, i) => `<stop offset="${coord(i / (colours.length - 1))}" stop-color="${c}"/>`)
    .join('');
}

function tickText(figure: ConfusionFigure, value: number): string {
  if (figure.mode === 'normalised') {
    const percent = Number((value * 100).toFixed(1));
    return `${percent < 0 ? '−' : figure.scale === 'diverging' && percent > 0 ? '+' : ''}${Math.abs(percent)}%`;
  }
  const whole = Math.round(value);
  return whole < 0 ? `−${-whole}` : figure.scale === 'diverging' && whole > 0 ? `+${whole}` : String(whole);
}

function colourBarTicks(figure: ConfusionFigure): number[] {
  const { min, max } = figure.range;
  if (!(max > min)) return [min];
  const ticks = linearTicks(min, max, { maxTicks: 6 }).ticks;
  // Counts are whole: a scale up to 3 ticks at 0, 1, 2, 3, not at 0.5.
  return figure.mode === 'counts' ? ticks.filter((t) => Number.isInteger(t)) : ticks;
}

function colourBar(
  figure: ConfusionFigure,
  ticks: readonly number[],
  labels: readonly string[],
  labelWidth: number,
  x: number,
  top: number,
  bottom: number,
): string {
  const { min, max } = figure.range;
  const sy = (v: number) =>
    max > min ? bottom - ((v - min) / (max - min)) * (bottom - top) : (top + bottom) / 2;
  const titleX = x + BAR_WIDTH + 6 + labelWidth + 10 + AXIS_TITLE_FONT_SIZE / 2;
  return [
    '<g class="colour-bar">',
    `<rect x="${coord(x)}" y="${coord(top)}" width="${BAR_WIDTH}" height="${coord(bottom - top)}" fill="url(#confusion-bar)" stroke="#000000" stroke-width="0.5"/>`,
    `<text class="colour-title" transform="translate(${coord(titleX)} ${coord((top + bottom) / 2)}) rotate(90)" text-anchor="middle" font-size="${AXIS_TITLE_FONT_SIZE}">${escapeXml(figure.valueTitle)}</text>`,
    ...ticks.flatMap((t, i) => [
      `<path d="M${coord(x + BAR_WIDTH)} ${coord(sy(t))}h4" stroke="#000000" stroke-width="1"/>`,
      `<text x="${coord(x + BAR_WIDTH + 6)}" y="${coord(sy(t) + TICK_FONT_SIZE * 0.35)}">${escapeXml(labels[i])}</text>`,
    ]),
    '</g>',
  ].join('\n');
}
