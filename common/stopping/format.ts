import type { MetricName } from '../types';
import { isAccuracy } from './monitor';

/** A metric value as reasons and tables write it: accuracies in percent, losses to four significant digits. */
export function formatMetric(metric: MetricName, value: number | null): string {
  if (value === null) return '–';
  if (!Number.isFinite(value)) return String(value);
  return isAccuracy(metric) ? `${(value * 100).toFixed(2)} %` : formatNumber(value);
}

/** Four significant digits without exponent noise for ordinary magnitudes. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 1e-3 && magnitude < 1e6 ? String(Number(value.toPrecision(4))) : value.toExponential(3);
}
