/**
 * Axis ticks for plots: "nice" round numbers (1, 2 or 5 × 10ⁿ apart) on linear axes, whole decades on log
 * axes, and the text written at each tick.
 */

export interface AxisTicks {
  /** The axis range in data units. */
  domain: [number, number];
  /** Labelled ticks, ascending, all inside the domain. */
  ticks: number[];
  /** Unlabelled small ticks (log axes: 2…9 × 10ⁿ). */
  minor: number[];
  /** Tick spacing, which decides how many decimals the labels need; on log axes in decades. */
  step: number;
}

/**
 * The nice number (1, 2, 5 or 10 × 10ⁿ) nearest to `x` (round) or the smallest one ≥ `x` (Heckbert,
 * "Nice numbers for graph labels", Graphics Gems 1990). Ticks take the rounded step of the raw range rather
 * than of Heckbert's rounded-up range, which can halve the number of ticks (0–2.1 in steps of 1, not 0.5).
 */
export function niceNumber(x: number, round: boolean): number {
  const exponent = Math.floor(Math.log10(x));
  const fraction = x / 10 ** exponent;
  let nice: number;
  if (round) nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
  else nice = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10;
  // 5 × 10⁻¹ computes as 0.5 but 3 × 10⁻¹ would not; cleaning keeps tick values free of float noise.
  return Number((nice * 10 ** exponent).toPrecision(12));
}

export interface LinearTickOptions {
  /** About how many ticks fit the axis. */
  maxTicks: number;
  /** Only whole-number ticks (epochs). */
  integer?: boolean;
  /** Widen the domain out to the enclosing ticks (value axes); otherwise the domain is the data range. */
  extend?: boolean;
}

export function linearTicks(min: number, max: number, options: LinearTickOptions): AxisTicks {
  let lo = Number.isFinite(min) ? min : 0;
  let hi = Number.isFinite(max) ? max : 1;
  if (lo > hi) [lo, hi] = [hi, lo];
  if (lo === hi) {
    // One value (one epoch, a flat curve): give it room instead of a zero-width axis.
    const pad = options.integer ? 1 : Math.abs(lo) * 0.1 || 1;
    lo -= pad;
    hi += pad;
  }
  let step = niceNumber((hi - lo) / Math.max(1, options.maxTicks - 1), true);
  if (options.integer) step = Math.max(1, step);
  const decimals = decimalsFor(step);
  const clean = (v: number) => Number(v.toFixed(Math.min(decimals + 2, 100)));
  const domain: [number, number] = options.extend
    ? [clean(Math.floor(lo / step) * step), clean(Math.ceil(hi / step) * step)]
    : [lo, hi];
  const ticks: number[] = [];
  // Multiples of the step, not repeated additions, so that errors do not accumulate along the axis.
  for (let k = Math.ceil(domain[0] / step - 1e-9); k * step <= domain[1] + step * 1e-9; k += 1) {
    ticks.push(clean(k * step));
  }
  return { domain, ticks, minor: [], step };
}

/** Whole decades around [min, max] (both > 0); decades are skipped evenly when there are too many. */
export function logTicks(min: number, max: number, maxTicks: number): AxisTicks {
  let lo = Math.floor(Math.log10(min > 0 && Number.isFinite(min) ? min : 1));
  let hi = Math.ceil(Math.log10(max > 0 && Number.isFinite(max) ? max : 10));
  if (lo > hi) [lo, hi] = [hi, lo];
  if (lo === hi) {
    lo -= 1;
    hi += 1;
  }
  const every = Math.max(1, Math.ceil((hi - lo) / Math.max(1, maxTicks - 1)));
  // Over one or two decades, whole decades alone are two or three labels for the whole axis: 2 × and 5 ×
  // each decade are labelled too, so that a loss between 0.2 and 0.9 can still be read off the axis.
  const labelled = hi - lo <= 2 && every === 1 ? [1, 2, 5] : [1];
  const ticks: number[] = [];
  for (let k = lo; k <= hi; k += every) {
    for (const m of labelled) if (k < hi || m === 1) ticks.push(powerOfTen(k, m));
  }
  const minor: number[] = [];
  if (every === 1) {
    for (let k = lo; k < hi; k += 1) {
      for (let m = 2; m <= 9; m += 1) if (!labelled.includes(m)) minor.push(powerOfTen(k, m));
    }
  }
  return { domain: [powerOfTen(lo), powerOfTen(hi)], ticks, minor, step: every };
}

/** m × 10^k parsed from text: `10 ** -5` is 0.000009999999999999999, not 1e-5. */
function powerOfTen(k: number, m = 1): number {
  return Number(`${m}e${k}`);
}

function decimalsFor(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}

const MINUS = '\u2212';

/** A linear tick label with as many decimals as the step needs; scientific notation for extreme sizes. */
export function formatTick(value: number, step: number): string {
  if (Math.abs(value) < step * 1e-6) return '0';
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  let text: string;
  if (magnitude >= 6 || step < 1e-4) {
    const digits = Math.min(10, Math.max(0, magnitude - Math.floor(Math.log10(step) + 1e-9)));
    text = value.toExponential(digits).replace('e+', 'e');
  } else {
    text = value.toFixed(decimalsFor(step));
  }
  // The typographic minus sign, as in printed figures (a hyphen is shorter and sits lower).
  return text.replace(/-/g, MINUS);
}

/**
 * Every label of an axis, the same on screen and in the exported figure. Log axes: 10ⁿ at whole decades over
 * a wide range; plain numbers (0.2, 0.5, 1) where 2 × and 5 × are labelled too, so that no label is a bare
 * digit. Percent axes (accuracies stored as 0–1) write the value × 100 with the decimals the step needs, so
 * that a narrow range reads 13.12 %, 13.14 %, never 13 %, 13 %, 13 %.
 */
export function axisLabels(axis: AxisTicks, scale: 'linear' | 'log', percent = false): string[] {
  if (scale === 'log') {
    const decadesOnly = axis.ticks.every((t) => t.toExponential().startsWith('1e'));
    return axis.ticks.map((t) => {
      if (percent) return `${plainNumber(t * 100)}%`;
      return decadesOnly ? formatPowerOfTen(t) : plainNumber(t);
    });
  }
  if (percent) return axis.ticks.map((t) => `${formatTick(t * 100, axis.step * 100)}%`);
  return axis.ticks.map((t) => formatTick(t, axis.step));
}

/** 0.02, 0.5, 20: a 1-2-5 tick value in its shortest exact form. */
function plainNumber(value: number): string {
  return String(Number(value.toPrecision(6))).replace(/-/g, MINUS);
}

const SUPERSCRIPT_DIGITS = '⁰¹²³⁴⁵⁶⁷⁸⁹';

/** 10ⁿ with a superscript exponent, e.g. 10⁻³. */
export function formatPowerOfTen(value: number): string {
  const exponent = Math.round(Math.log10(value));
  const digits = [...String(Math.abs(exponent))].map((d) => SUPERSCRIPT_DIGITS[Number(d)]).join('');
  return `10${exponent < 0 ? '⁻' : ''}${digits}`;
}

/**
 * Tick positions and labels for an axis of levels at 0…n−1 (a grid heatmap's): every level while at most
 * `max` fit, else every k-th, starting from the first, so the labels do not overlap; each cell's own levels
 * are in its hover and the results table.
 */
export function levelTicks(
  labels: readonly string[],
  max: number,
): { tickvals: number[]; ticktext: string[] } {
  const step = Math.max(1, Math.ceil(labels.length / max));
  const tickvals = labels.map((_, i) => i).filter((i) => i % step === 0);
  return { tickvals, ticktext: tickvals.map((i) => labels[i]) };
}
