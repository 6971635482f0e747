/**
 * The sequential colour scale of the grid figures (heatmap cells, parallel-coordinate lines): viridis
 * (van der Walt & Smith, matplotlib), perceptually uniform, readable in grey and by colour-blind readers.
 * The same stops feed Plotly on screen and the SVG export, so both show the same colour for a value.
 */

export const VIRIDIS: readonly string[] = [
  '#440154',
  '#482878',
  '#3e4989',
  '#31688e',
  '#26828e',
  '#1f9e89',
  '#35b779',
  '#6ece58',
  '#b5de2b',
  '#fde725',
];

/** Plotly's colorscale form: [[0, colour], …, [1, colour]]. */
export function plotlyColourscale(): [number, string][] {
  return VIRIDIS.map((colour, i) => [i / (VIRIDIS.length - 1), colour]);
}

/** The colour at `t` in [0, 1] (clamped), interpolated linearly between stops. */
export function colourAt(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = rgb(VIRIDIS[i]);
  const b = rgb(VIRIDIS[i + 1]);
  return hex(a.map((c, k) => c + (b[k] - c) * f) as [number, number, number]);
}

/** The colour of `value` on a scale from `min` to `max` (a one-value scale gives the middle colour). */
export function colourFor(value: number, min: number, max: number): string {
  return colourAt(max > min ? (value - min) / (max - min) : 0.5);
}

/** Black or white, whichever reads better on `background` (WCAG relative luminance). */
export function textColourOn(background: string): '#000000' | '#ffffff' {
  const [r, g, b] = rgb(background).map((c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  // Contrast with black is (L + 0.05) / 0.05, with white 1.05 / (L + 0.05); they are equal at L ≈ 0.179.
  return luminance > 0.179 ? '#000000' : '#ffffff';
}

function rgb(colour: string): [number, number, number] {
  const h = colour.replace('#', '');
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
}

function hex(channels: [number, number, number]): string {
  return `#${channels.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;
}
