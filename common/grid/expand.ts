import type { RunConfig } from '../config/run-config';
import { UserInputError } from '../errors';
import { createRng, deriveSeed, permutation } from '../random';
import { MAX_GRID_CELLS, type Axis, type GridSpec, type ResolvedAxis } from './spec';

/**
 * Expanding a grid spec into its cells. Pure and deterministic: the same spec and base give the same cells
 * in the same order, which is what makes a resumed grid continue instead of starting over.
 *
 * Cell order: axis combinations in the spec's order (the last axis varies fastest), repeats innermost.
 * `index` is that position and never changes; `position` is the order cells run in (equal to index for
 * "listed", a seeded permutation for "shuffled").
 */

export interface PlannedCell {
  index: number;
  /** The axis combination (repeats of one point share it). */
  point: number;
  repeat: number;
  position: number;
  /** Axis path → value, in axis order. */
  values: Record<string, unknown>;
  /** The run config to check and train, in input form (not yet through the schema). */
  config: Record<string, unknown>;
}

export interface GridExpansion {
  axes: ResolvedAxis[];
  /** Points of the full grid, before sampling. */
  fullPoints: number;
  cells: PlannedCell[];
}

/** Short names for the fields grids sweep most, as papers write them. */
const AXIS_SYMBOLS: Record<string, string> = {
  'regularization.l2': 'λ',
  'regularization.dropout.keep': 'keep p',
  'regularization.dropout.rate': 'drop rate',
  'training.learningRate': 'lr',
  'training.batchSize': 'batch',
  'training.optimizer': 'optimizer',
  'training.momentum': 'momentum',
  'training.epochs': 'epochs',
  'model.hiddenUnits': 'hidden',
  'model.activation': 'activation',
  'model.filters': 'filters',
  'model.denseUnits': 'dense',
  seed: 'seed',
};

export function axisLabel(axis: Pick<Axis, 'path' | 'label'>): string {
  return axis.label ?? AXIS_SYMBOLS[axis.path] ?? axis.path.split('.').pop()!;
}

/** Numbers from ranges are rounded to 12 significant digits, so 0.1 + 0.2 style noise never names a run. */
function tidy(value: number): number {
  return Number(value.toPrecision(12));
}

export function rangeValues(range: NonNullable<Axis['range']>): number[] {
  const { min, max, count, scale, integer } = range;
  const values: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = count === 1 ? 0 : i / (count - 1);
    const v =
      scale === 'log' ? Math.exp(Math.log(min) + t * (Math.log(max) - Math.log(min))) : min + t * (max - min);
    values.push(integer ? Math.round(v) : tidy(v));
  }
  // Rounding to integers can merge neighbours (1…4 in 10 steps): a value is one cell, not several.
  return integer ? [...new Set(values)] : values;
}

export function resolveAxis(axis: Axis): ResolvedAxis {
  const values = axis.values ?? rangeValues(axis.range!);
  const numeric = values.every((v) => typeof v === 'number' && Number.isFinite(v));
  const scale: ResolvedAxis['scale'] = !numeric
    ? 'categorical'
    : (axis.scale ?? (axis.range?.scale === 'log' ? 'log' : guessScale(values as number[])));
  return { path: axis.path, label: axisLabel(axis), values, scale };
}

/** A list such as [0.001, 0.01, 0.1] spans decades: drawn on a log axis unless the spec says otherwise. */
function guessScale(values: number[]): 'linear' | 'log' {
  if (values.length < 3 || values.some((v) => v <= 0)) return 'linear';
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length - 1] / sorted[0] >= 100 ? 'log' : 'linear';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Objects merge field by field; anything else (numbers, lists) in `override` replaces what `base` has. */
export function deepMerge(
  base: Record<string, unknown>,
  override: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    out[key] =
      isPlainObject(value) && isPlainObject(out[key]) ? deepMerge(out[key], value) : structuredClone(value);
  }
  return out;
}

/**
 * Sets a dotted path, creating objects on the way. Dropout is written either as {keep} or as {rate}, never
 * both: an axis over one of them replaces the dropout object, so a base with the other form still parses.
 */
export function setPath(config: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  if (path === 'regularization.dropout.keep' || path === 'regularization.dropout.rate') {
    const regularization = isPlainObject(config.regularization) ? config.regularization : {};
    config.regularization = { ...regularization, dropout: { [parts[2]]: value } };
    return;
  }
  let cur: Record<string, unknown> = config;
  for (const part of parts.slice(0, -1)) {
    if (!isPlainObject(cur[part])) cur[part] = {};
    cur = cur[part] as Record<string, unknown>;
  }
  cur[parts[parts.length - 1]] = structuredClone(value);
}

/**
 * A stored (resolved) config back in the form a user writes, so it can be a grid's base: dropout is
 * stored as {keep, rate, convention} and goes back to the one form the user chose.
 */
export function toInputConfig(config: RunConfig): Record<string, unknown> {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  const dropout = config.regularization.dropout;
  if (dropout) {
    const regularization = copy.regularization as Record<string, unknown>;
    regularization.dropout = dropout.convention === 'keep' ? { keep: dropout.keep } : { rate: dropout.rate };
  }
  return copy;
}

/** How a value reads in a run name and a legend: 0.1, 1e-4, [500, 500] → 500×500, "full". */
export function formatAxisValue(value: unknown): string {
  if (typeof value === 'number') {
    if (value !== 0 && (Math.abs(value) <= 1e-3 || Math.abs(value) >= 1e6)) {
      return value
        .toExponential()
        .replace(/\.?0+e/, 'e')
        .replace('e+', 'e');
    }
    return String(tidy(value));
  }
  if (Array.isArray(value)) return value.map(formatAxisValue).join('×');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** `E5 · λ=0.1 · lr=1e-3`, plus `· seed 2` for the repeats of a cell. */
export function cellRunName(
  gridName: string,
  axes: readonly ResolvedAxis[],
  values: Record<string, unknown>,
  seedNote?: string,
): string {
  const parts = axes.map((a) => `${a.label}=${formatAxisValue(values[a.path])}`);
  return [gridName, ...parts, ...(seedNote ? [seedNote] : [])].join(' · ');
}

/** `λ=0.1, lr=1e-3`: a cell named by its axis values, for error messages. */
export function describeCell(axes: readonly ResolvedAxis[], values: Record<string, unknown>): string {
  return axes.map((a) => `${a.label}=${formatAxisValue(values[a.path])}`).join(', ');
}

/** Points of the full grid, or an error naming the size when it is absurd (checked before any cell exists). */
function countPoints(axes: readonly ResolvedAxis[], repeats: number, sampled: number | undefined): number {
  let points = 1;
  for (const axis of axes) points *= axis.values.length;
  const cells = (sampled ?? points) * repeats;
  if (cells > MAX_GRID_CELLS) {
    const shape = axes.map((a) => a.values.length).join(' × ');
    throw new UserInputError(
      `the grid has ${cells.toLocaleString('en-US')} cells (${shape}${repeats > 1 ? ` × ${repeats} repeats` : ''}${
        sampled !== undefined ? `, sampled ${sampled}` : ''
      }); at most ${MAX_GRID_CELLS.toLocaleString('en-US')} are allowed: use fewer values, a sample, or fewer repeats`,
    );
  }
  return points;
}

/** The axis values of point `p`: mixed radix, the last axis fastest. */
function pointValues(axes: readonly ResolvedAxis[], p: number): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  let rest = p;
  const digits: number[] = [];
  for (let i = axes.length - 1; i >= 0; i--) {
    digits[i] = rest % axes[i].values.length;
    rest = Math.floor(rest / axes[i].values.length);
  }
  axes.forEach((axis, i) => (values[axis.path] = axis.values[digits[i]]));
  return values;
}

/** Which points a seeded sample keeps, in grid order. */
function samplePoints(total: number, count: number, seed: number): number[] {
  if (count > total) {
    throw new UserInputError(`sample.count: ${count} is more than the ${total} points of the full grid`);
  }
  const order = permutation(total, createRng(deriveSeed(seed, 0x5a3)));
  return Array.from(order.subarray(0, count)).sort((a, b) => a - b);
}

/**
 * Every cell of `spec` on `base` (a config in input form). Each cell's config is the base with the
 * override merged in, then each axis value set, named by what differs, in the grid's experiment, seeded
 * seed + repeat.
 */
export function expandGrid(spec: GridSpec, base: Record<string, unknown>): GridExpansion {
  const axes = spec.axes.map(resolveAxis);
  const fullPoints = countPoints(axes, spec.repeats, spec.sample?.count);
  const points = spec.sample
    ? samplePoints(fullPoints, spec.sample.count, spec.sample.seed)
    : Array.from({ length: fullPoints }, (_, i) => i);
  const merged = spec.override ? deepMerge(base, spec.override) : structuredClone(base);
  const cells: PlannedCell[] = [];
  points.forEach((point, pointIndex) => {
    const values = pointValues(axes, point);
    for (let repeat = 0; repeat < spec.repeats; repeat++) {
      const config = structuredClone(merged);
      for (const axis of axes) setPath(config, axis.path, values[axis.path]);
      const baseSeed = typeof config.seed === 'number' ? config.seed : 0;
      if (repeat > 0) config.seed = baseSeed + repeat;
      config.name = cellRunName(
        spec.name,
        axes,
        values,
        spec.repeats > 1 ? `seed ${String(config.seed)}` : undefined,
      );
      config.experiment = spec.name;
      const tags = Array.isArray(config.tags) ? (config.tags as unknown[]) : [];
      config.tags = [...new Set([...tags, ...spec.tags])];
      const index = pointIndex * spec.repeats + repeat;
      cells.push({ index, point: pointIndex, repeat, position: index, values, config });
    }
  });
  if (spec.order === 'shuffled') {
    const order = permutation(cells.length, createRng(deriveSeed(spec.orderSeed, 0x0bd)));
    order.forEach((cellIndex, position) => (cells[cellIndex].position = position));
  }
  return { axes, fullPoints, cells };
}
