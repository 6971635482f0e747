import { analysisMetricKey, analysisMetricShort, analysisValue, type AnalysisMetric } from './analysis-value';
import { formatAxisValue } from './expand';
import { axisLevels } from './levels';
import { isLossMetric } from './results';
import type { ResolvedAxis } from './spec';
import type { GridCellResult } from './types';

/**
 * Parallel-coordinates data for a grid: one line per run, one vertical axis per grid axis and per chosen
 * metric. Values are mapped to plot units so that every axis is drawn as what it is: a log axis as log10
 * (ticks at the real values, 1e-4 and not "0"), a categorical axis as evenly spaced positions labelled
 * with its values. Plotly and the SVG export draw the same dimensions.
 */

export interface ParcoordsDimension {
  /** `axis:<path>` or `metric:<at>:<metric>`. */
  key: string;
  label: string;
  kind: 'linear' | 'log' | 'categorical' | 'metric';
  /** One per drawn line, in plot units. */
  values: number[];
  range: [number, number];
  /** Where ticks go (plot units) and what they say; absent: the drawing picks round numbers. */
  tickvals?: number[];
  ticktext?: string[];
}

export interface ParcoordsData {
  dimensions: ParcoordsDimension[];
  /** The drawn lines: completed runs with every chosen metric. */
  lines: { runId: string | null; name: string; index: number }[];
  /** The colour metric of each line. */
  colour: number[];
  colourTitle: string;
  /** Runs of the grid that are not drawn (unfinished, failed, or without a metric). */
  notDrawn: number;
}

/** Above this many levels a numeric axis gets round-number ticks instead of one tick per level. */
const MAX_LEVEL_TICKS = 8;

export function gridParcoords(
  axes: readonly ResolvedAxis[],
  results: readonly GridCellResult[],
  metrics: readonly AnalysisMetric[],
  colourBy: AnalysisMetric,
): ParcoordsData {
  const wanted = uniqueMetrics([...metrics, colourBy]);
  const drawn = results.filter((r) => wanted.every((m) => analysisValue(r, m) !== null));
  const dimensions: ParcoordsDimension[] = [
    ...axes.map((axis) => axisDimension(axis, drawn)),
    ...uniqueMetrics(metrics).map((m) => metricDimension(m, drawn)),
  ];
  return {
    dimensions,
    lines: drawn.map((r) => ({ runId: r.runId, name: r.runName ?? `cell ${r.index}`, index: r.index })),
    colour: drawn.map((r) => analysisValue(r, colourBy) as number),
    colourTitle: analysisMetricShort(colourBy),
    notDrawn: results.length - drawn.length,
  };
}

function uniqueMetrics(metrics: readonly AnalysisMetric[]): AnalysisMetric[] {
  const seen = new Set<string>();
  return metrics.filter((m) => {
    const key = analysisMetricKey(m);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function axisDimension(axis: ResolvedAxis, drawn: readonly GridCellResult[]): ParcoordsDimension {
  const levels = axisLevels(axis);
  const key = `axis:${axis.path}`;
  if (axis.scale === 'categorical') {
    const positions = levels.values.map((_, i) => i);
    return {
      key,
      label: axis.label,
      kind: 'categorical',
      values: drawn.map((r) => levels.indexOf(r.values[axis.path])),
      range: padded(0, levels.values.length - 1),
      tickvals: positions,
      ticktext: levels.labels,
    };
  }
  const numbers = levels.values as number[];
  if (axis.scale === 'log') {
    const logs = numbers.map(Math.log10);
    const ticks =
      numbers.length <= MAX_LEVEL_TICKS ? numbers : decades(Math.min(...numbers), Math.max(...numbers));
    return {
      key,
      label: axis.label,
      kind: 'log',
      values: drawn.map((r) => Math.log10(r.values[axis.path] as number)),
      range: padded(Math.min(...logs), Math.max(...logs)),
      tickvals: ticks.map(Math.log10),
      ticktext: ticks.map(formatAxisValue),
    };
  }
  return {
    key,
    label: axis.label,
    kind: 'linear',
    values: drawn.map((r) => r.values[axis.path] as number),
    range: padded(Math.min(...numbers), Math.max(...numbers)),
    ...(numbers.length <= MAX_LEVEL_TICKS
      ? { tickvals: numbers, ticktext: numbers.map(formatAxisValue) }
      : {}),
  };
}

function metricDimension(m: AnalysisMetric, drawn: readonly GridCellResult[]): ParcoordsDimension {
  const values = drawn.map((r) => analysisValue(r, m) as number);
  const range =
    values.length > 0
      ? metricRange(m, Math.min(...values), Math.max(...values))
      : ([0, 1] as [number, number]);
  return {
    key: `metric:${analysisMetricKey(m)}`,
    label: analysisMetricShort(m),
    kind: 'metric',
    values,
    range,
  };
}

/**
 * A metric axis spans its values; when every run has the same value it gets a little room, and an accuracy
 * never a range outside 0–100 %.
 */
function metricRange(m: AnalysisMetric, lo: number, hi: number): [number, number] {
  if (lo < hi) return [lo, hi];
  const pad = Math.abs(lo) * 0.02 || 0.01;
  if (isLossMetric(m.metric)) return [lo - pad, hi + pad];
  const top = Math.min(1, hi + pad);
  const bottom = Math.max(0, lo - pad);
  return top > bottom ? [bottom, top] : [0, 1];
}

/** A one-value axis still needs a range with room on either side. */
function padded(lo: number, hi: number): [number, number] {
  if (lo < hi) return [lo, hi];
  const pad = Math.abs(lo) * 0.1 || 0.5;
  return [lo - pad, hi + pad];
}

/** Powers of ten from below `min` to above `max`. */
function decades(min: number, max: number): number[] {
  const out: number[] = [];
  for (let k = Math.floor(Math.log10(min)); k <= Math.ceil(Math.log10(max)); k++) out.push(Number(`1e${k}`));
  return out;
}

/** Brushed intervals per dimension key, in plot units; a line passes a dimension inside any interval. */
export type ParcoordsConstraints = Readonly<Record<string, ReadonlyArray<readonly [number, number]>>>;

/** Which lines pass every brushed dimension (no brush: all of them). */
export function linesInside(data: ParcoordsData, constraints: ParcoordsConstraints): boolean[] {
  const active = data.dimensions.filter((d) => (constraints[d.key]?.length ?? 0) > 0);
  return data.lines.map((_, i) =>
    active.every((d) => {
      const v = d.values[i];
      return constraints[d.key].some(([lo, hi]) => v >= Math.min(lo, hi) && v <= Math.max(lo, hi));
    }),
  );
}

/**
 * Plotly reports a brush as a `plotly_restyle` event `{"dimensions[2].constraintrange": …}`: one interval
 * [a, b], several [[a, b], [c, d]], either of them wrapped once more in a per-trace list, or null when the
 * brush is cleared. Returns the dimension index and its intervals (empty: cleared) for every such key.
 */
export function constraintsFromRestyle(update: unknown): { dimension: number; ranges: [number, number][] }[] {
  if (typeof update !== 'object' || update === null) return [];
  const out: { dimension: number; ranges: [number, number][] }[] = [];
  for (const [key, value] of Object.entries(update)) {
    const match = /^dimensions\[(\d+)\]\.constraintrange$/.exec(key);
    if (match) out.push({ dimension: Number(match[1]), ranges: intervals(value) });
  }
  return out;
}

function intervals(value: unknown): [number, number][] {
  if (!Array.isArray(value) || value.length === 0) return [];
  if (value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'number') {
    return [[value[0], value[1]]];
  }
  if (value.every((v) => Array.isArray(v) && v.length === 2 && v.every((n) => typeof n === 'number'))) {
    return value as [number, number][];
  }
  // One trace's value wrapped in the per-trace list.
  return value.length === 1 ? intervals(value[0]) : [];
}

/** Interval text for a note under the chart: "lr from 1e-3 to 0.01". */
export function describeConstraint(
  dimension: ParcoordsDimension,
  ranges: ReadonlyArray<readonly [number, number]>,
): string {
  const show = (v: number) =>
    dimension.kind === 'log'
      ? formatAxisValue(Number((10 ** v).toPrecision(3)))
      : formatAxisValue(Number(v.toPrecision(3)));
  if (dimension.kind === 'categorical') {
    const labels = (dimension.ticktext ?? []).filter((_, i) =>
      ranges.some(([lo, hi]) => i >= Math.min(lo, hi) && i <= Math.max(lo, hi)),
    );
    return `${dimension.label} in {${labels.join(', ')}}`;
  }
  return `${dimension.label} ${ranges.map(([lo, hi]) => `from ${show(Math.min(lo, hi))} to ${show(Math.max(lo, hi))}`).join(' or ')}`;
}
