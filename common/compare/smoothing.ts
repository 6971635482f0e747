import { UserInputError } from '../errors';

/** How a curve is smoothed for display; the raw values are always kept alongside. */
export type Smoothing =
  { kind: 'none' } | { kind: 'ema'; weight: number } | { kind: 'moving-average'; window: number };

/**
 * Smooths one series point by point. Missing points (null, or a non-finite number such as the NaN of a
 * diverged epoch) stay null and are skipped: they neither reset nor poison the running state, so one gap
 * does not blank the rest of the curve.
 *
 * - `ema`: TensorBoard's exponential moving average with debiasing. Without the debias the first points
 *   would be pulled towards 0 (the EMA starts at 0); dividing by 1 − weight^n makes the first smoothed
 *   point equal the first value. `weight` 0 is no smoothing.
 * - `moving-average`: the mean of the last `window` present points, current one included (trailing, so a
 *   point never depends on later epochs, as on a live curve).
 */
export function smoothSeries(values: readonly (number | null)[], smoothing: Smoothing): (number | null)[] {
  checkSmoothing(smoothing);
  const present = (v: number | null): v is number => v !== null && Number.isFinite(v);
  switch (smoothing.kind) {
    case 'none':
      return values.map((v) => (present(v) ? v : null));
    case 'ema': {
      const { weight } = smoothing;
      let accumulated = 0;
      let count = 0;
      return values.map((v) => {
        if (!present(v)) return null;
        accumulated = accumulated * weight + (1 - weight) * v;
        count += 1;
        return accumulated / (1 - weight ** count);
      });
    }
    case 'moving-average': {
      const recent: number[] = [];
      return values.map((v) => {
        if (!present(v)) return null;
        recent.push(v);
        if (recent.length > smoothing.window) recent.shift();
        // Summed afresh each time (windows are short): a running sum drifts over thousands of epochs.
        return recent.reduce((a, b) => a + b, 0) / recent.length;
      });
    }
  }
}

function checkSmoothing(smoothing: Smoothing): void {
  if (smoothing.kind === 'ema') {
    const { weight } = smoothing;
    if (typeof weight !== 'number' || !(weight >= 0 && weight < 1)) {
      throw new UserInputError(`smoothing.weight: expected an EMA weight in [0, 1), got ${String(weight)}`);
    }
  } else if (smoothing.kind === 'moving-average') {
    const { window } = smoothing;
    if (typeof window !== 'number' || !Number.isInteger(window) || window < 1) {
      throw new UserInputError(
        `smoothing.window: expected a moving-average window (an integer ≥ 1), got ${String(window)}`,
      );
    }
  } else if (smoothing.kind !== 'none') {
    throw new UserInputError(
      `smoothing.kind: expected "none", "ema" or "moving-average", got ${JSON.stringify((smoothing as { kind: unknown }).kind)}`,
    );
  }
}

/**
 * Reads the command-line form: `none`, `ema:0.6` (weight) or `ma:5` (window). Shared so that the CLI and
 * any text field in the UI accept the same spelling.
 */
export function parseSmoothing(text: string): Smoothing {
  const trimmed = text.trim();
  if (trimmed === 'none') return { kind: 'none' };
  const match = /^(ema|ma):(.+)$/.exec(trimmed);
  if (!match) {
    throw new UserInputError(
      `smoothing: expected none, ema:WEIGHT (e.g. ema:0.6) or ma:WINDOW (e.g. ma:5), got "${text}"`,
    );
  }
  const value = Number(match[2]);
  const smoothing: Smoothing =
    match[1] === 'ema' ? { kind: 'ema', weight: value } : { kind: 'moving-average', window: value };
  if (match[2].trim() === '' || Number.isNaN(value)) {
    throw new UserInputError(`smoothing: expected a number after "${match[1]}:", got "${match[2]}"`);
  }
  checkSmoothing(smoothing);
  return smoothing;
}
