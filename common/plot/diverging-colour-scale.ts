/**
 * The diverging colour scale of difference figures (model B − model A): blue below zero, white at zero, red
 * above (ColorBrewer RdBu, reversed so that "more" reads warm). Symmetric around zero; the same stops feed
 * Plotly on screen and the SVG export.
 */

export const DIVERGING: readonly string[] = [
  '#2166ac',
  '#4393c3',
  '#92c5de',
  '#d1e5f0',
  '#f7f7f7',
  '#fddbc7',
  '#f4a582',
  '#d6604d',
  '#b2182b',
];

/** Plotly's colorscale form: [[0, colour], …, [1, colour]]. */
export function plotlyDivergingColourscale(): [number, string][] {
  return DIVERGING.map((colour, i) => [i / (DIVERGING.length - 1), colour]);
}

/** The colour of `value` on a scale from −limit (blue) through 0 (white) to +limit (red). */
export function divergingColourFor(value: number, limit: number): string {
  const t =
    limit > 0 && Number.isFinite(value) ? (Math.max(-limit, Math.min(limit, value)) / limit + 1) / 2 : 0.5;
  const x = t * (DIVERGING.length - 1);
  const i = Math.min(DIVERGING.length - 2, Math.floor(x));
  const f = x - i;
  const a = rgb(DIVERGING[i]);
  const b = rgb(DIVERGING[i + 1]);
  return `#${a
    .map((c, k) =>
      Math.round(c + (b[k] - c) * f)
        .toString(16)
        .padStart(2, '0'),
    )
    .join('')}`;
}

function rgb(colour: string): [number, number, number] {
  const h = colour.replace('#', '');
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
}
