/** Display formatting, fixed to en-US so numbers read the same on every machine (and in tests). */

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export const MISSING = '—';

export function formatInteger(value: number | null | undefined): string {
  return value === null || value === undefined ? MISSING : integer.format(value);
}

/** Accuracy in [0, 1] as a percentage with two decimals. */
export function formatPercent(value: number | null | undefined): string {
  if (value === null || value === undefined) return MISSING;
  if (!Number.isFinite(value)) return String(value);
  return `${(value * 100).toFixed(2)}%`;
}

/**
 * Four significant digits, trailing zeros kept, so that a column of losses reads 1.100, 1.107, 0.9830 rather
 * than 1.1 next to 1.107; exponent notation (also four digits) for very small or large values.
 */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined) return MISSING;
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude < 1e-3 || magnitude >= 1e6) return value.toExponential(3);
  if (magnitude >= 1e4) return integer.format(value);
  // toPrecision rounds 9999.7 up to "1.000e+4"; those are written whole instead.
  const text = value.toPrecision(4);
  return text.includes('e') ? integer.format(value) : text;
}

/** A setting (learning rate, λ) in its shortest exact form: 1e-5, 0.05, 0.9. */
export function formatSetting(value: number | null | undefined): string {
  if (value === null || value === undefined) return MISSING;
  if (!Number.isFinite(value)) return String(value);
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e6)) {
    const [mantissa, exponent] = value.toExponential(3).split('e');
    return `${Number(mantissa)}e${Number(exponent)}`;
  }
  return String(Number(value.toPrecision(6)));
}

export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return MISSING;
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  return `${m} min ${String(s).padStart(2, '0')} s`;
}

/** Local date and time to the minute, sortable by eye: 2025-11-22 21:56. */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return MISSING;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
