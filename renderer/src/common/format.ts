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

/** Four significant digits, exponent notation for very small or large values (learning rates, losses). */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined) return MISSING;
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude < 1e-3 || magnitude >= 1e6) return value.toExponential(3);
  return String(Number(value.toPrecision(4)));
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
