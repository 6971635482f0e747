/**
 * Where the legend goes. It never shares space with the plot area: beside it on the right when every entry
 * fits in one column of modest width, otherwise below it in as many columns as the width allows; the figure
 * grows by the legend's size. Without font metrics (this runs in the renderer and in Node alike) text widths
 * are estimated from a generous average glyph width, so the estimate errs towards too much room.
 */

export const LEGEND_FONT_SIZE = 12;
export const LEGEND_ROW = 18;
export const SWATCH_WIDTH = 28;
const SWATCH_GAP = 6;
const PAD = 12;
const COLUMN_GAP = 20;
/** Average advance of a character in em for DejaVu Sans / Arial, rounded up. */
const CHAR_EM = 0.62;

export function estimateTextWidth(text: string, fontSize: number): number {
  return [...text].length * fontSize * CHAR_EM;
}

export interface LegendEntry {
  /** Left end of the swatch; `y` is the middle of the row. */
  x: number;
  y: number;
  /** What is written (shortened with "…" when it cannot fit). */
  text: string;
  /** The whole label, for a tooltip where `text` is shortened. */
  full: string;
  textX: number;
}

export interface LegendLayout {
  placement: 'none' | 'right' | 'below';
  /** Added to the figure's width (right) or height (below). */
  extraWidth: number;
  extraHeight: number;
  entries: LegendEntry[];
}

export function layoutLegend(
  labels: readonly string[],
  figure: { width: number; height: number; plotTop: number; plotBottom: number },
): LegendLayout {
  if (labels.length === 0) return { placement: 'none', extraWidth: 0, extraHeight: 0, entries: [] };
  const labelWidth = Math.max(...labels.map((l) => estimateTextWidth(l, LEGEND_FONT_SIZE)));
  const entryWidth = SWATCH_WIDTH + SWATCH_GAP + labelWidth;
  const fitsRight =
    labels.length * LEGEND_ROW <= figure.plotBottom - figure.plotTop &&
    entryWidth + PAD <= figure.width * 0.5;
  if (fitsRight) {
    return {
      placement: 'right',
      extraWidth: entryWidth + PAD,
      extraHeight: 0,
      entries: labels.map((label, i) => ({
        x: figure.width,
        y: figure.plotTop + i * LEGEND_ROW + LEGEND_ROW / 2,
        textX: figure.width + SWATCH_WIDTH + SWATCH_GAP,
        text: label,
        full: label,
      })),
    };
  }
  const available = figure.width - 2 * PAD;
  const columnWidth = Math.min(entryWidth + COLUMN_GAP, available);
  const columns = Math.max(1, Math.floor((available + COLUMN_GAP) / columnWidth));
  const rows = Math.ceil(labels.length / columns);
  const maxChars = Math.max(
    4,
    Math.floor((columnWidth - SWATCH_WIDTH - SWATCH_GAP) / (LEGEND_FONT_SIZE * CHAR_EM)),
  );
  return {
    placement: 'below',
    extraWidth: 0,
    extraHeight: rows * LEGEND_ROW + PAD,
    // Column by column, so that the order reads down like a list.
    entries: labels.map((label, i) => {
      const x = PAD + Math.floor(i / rows) * columnWidth;
      return {
        x,
        y: figure.height + (i % rows) * LEGEND_ROW + LEGEND_ROW / 2,
        textX: x + SWATCH_WIDTH + SWATCH_GAP,
        text: shorten(label, maxChars),
        full: label,
      };
    }),
  };
}

function shorten(text: string, maxChars: number): string {
  const chars = [...text];
  return chars.length <= maxChars ? text : chars.slice(0, maxChars - 1).join('') + '…';
}
