import { formatAxisValue } from './expand';
import type { ResolvedAxis } from './spec';

/**
 * The levels of a grid axis as the analysis views use them. Values are matched by their JSON text, so list
 * values such as hidden units [500, 500] find their level like numbers do. Numeric axes are shown in
 * ascending order whatever order the spec listed them in (a heatmap with 0.5 before 0.01 misleads);
 * categorical axes keep the spec's order.
 */

export function levelKey(value: unknown): string {
  return JSON.stringify(value) ?? 'undefined';
}

export interface AxisLevels {
  axis: ResolvedAxis;
  /** Values in display order. */
  values: unknown[];
  /** Display text of each value: 1e-4, not 0.0001 and never "0". */
  labels: string[];
  /** Position in display order of a value, or -1 when the axis has no such level. */
  indexOf(value: unknown): number;
}

export function axisLevels(axis: ResolvedAxis): AxisLevels {
  const unique = uniqueValues(axis.values);
  const values =
    axis.scale === 'categorical' ? unique : [...unique].sort((a, b) => (a as number) - (b as number));
  const index = new Map(values.map((v, i) => [levelKey(v), i]));
  return {
    axis,
    values,
    labels: values.map(formatAxisValue),
    indexOf: (value) => index.get(levelKey(value)) ?? -1,
  };
}

function uniqueValues(values: readonly unknown[]): unknown[] {
  const seen = new Set<string>();
  const out: unknown[] = [];
  for (const value of values) {
    const key = levelKey(value);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(value);
  }
  return out;
}

/** `λ (regularization.l2)`: the short label a chart shows, with the field it stands for. */
export function axisTitle(axis: ResolvedAxis): string {
  return axis.label === axis.path ? axis.path : `${axis.label} (${axis.path})`;
}
