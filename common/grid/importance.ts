import { cellOutcome, type CellOutcome } from './analysis-value';
import { describeCell } from './expand';
import { axisLevels, type AxisLevels } from './levels';
import type { ResolvedAxis } from './spec';
import type { GridCellStatus } from './types';

/**
 * Parameter importance as an exact main-effect variance decomposition (functional ANOVA, Hooker 2007; the
 * fANOVA of Hutter et al. 2014 on a full grid instead of a random forest). For a full factorial grid with
 * one number y(p) per point (the mean over its seeds):
 *
 *   total variance   V = mean over points of (y(p) − ȳ)²
 *   main effect of a Vₐ = mean over the levels ℓ of axis a of (m_a(ℓ) − ȳ)², m_a(ℓ) = mean of y over the
 *                         points with a = ℓ (every other axis averaged over all its levels)
 *
 * Vₐ / V is the fraction of the variance that axis a explains on its own; what the main effects leave,
 * 1 − Σ Vₐ / V, is interactions (the axes acting together). On a balanced full grid this is exact: no
 * model, no sampling. It cannot be computed on a sampled or incomplete grid (main effects would be
 * confounded with which points happen to exist), so the result then says why instead of guessing.
 *
 * With repeats, the seed-to-seed spread is reported beside it: the pooled within-point standard deviation,
 * the share of the variance over all runs that is between seeds of the same point, and how much of V the
 * seed noise left in the point means accounts for (effects below it are indistinguishable from noise).
 */

export interface ImportanceCell {
  values: Record<string, unknown>;
  status: GridCellStatus;
  /** The analysed metric of this run (raw; whether it counts follows from `status`). */
  value: number | null;
}

export interface LevelMean {
  label: string;
  mean: number;
}

export interface AxisImportance {
  path: string;
  label: string;
  levels: number;
  /** Vₐ / V. */
  fraction: number;
  /** Vₐ, in the metric's units squared. */
  variance: number;
  /** m_a(ℓ) per level, in display order. */
  levelMeans: LevelMean[];
  /** Largest minus smallest level mean: the metric's swing along this axis. */
  swing: number;
}

export interface SeedSpread {
  /** Fewest and most usable seeds per point. */
  minRepeats: number;
  maxRepeats: number;
  /** √(Σ within-point squared deviations / Σ (nₚ − 1)). */
  pooledSd: number;
  degreesOfFreedom: number;
  /** Within-point sum of squares over the total sum of squares of every run. */
  seedFraction: number;
  /** (pooled variance / mean seeds per point) / V: the part of V that seed noise alone would produce. */
  noiseFraction: number;
}

export type ImportanceResult =
  | {
      ok: true;
      /** Points of the full grid, each with a value. */
      points: number;
      runs: number;
      grandMean: number;
      totalVariance: number;
      /** In axis order. */
      axes: AxisImportance[];
      /** 1 − Σ fractions: interactions between axes. */
      interactionFraction: number;
      seeds: SeedSpread | null;
      /** Points whose mean is over fewer seeds than the grid asked for (the others failed). */
      pointsMissingSeeds: number;
    }
  | {
      ok: false;
      /** One sentence a user understands: why there is no decomposition. */
      reason: string;
      /** The points that make the grid incomplete, named by their axis values (the first few). */
      examples: string[];
    };

export interface ImportanceOptions {
  /** The grid was a random sample of its full grid. */
  sampled?: boolean;
  /** Seeds per point the grid asked for. */
  repeats?: number;
}

const OUTCOME_TEXT: Record<Exclude<CellOutcome, 'value'>, string> = {
  failed: 'failed',
  diverged: 'diverged',
  waiting: 'still to run',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
  pruned: 'pruned at a rung (its values are over fewer epochs)',
  'no-value': 'did not log the metric',
};

const MAX_EXAMPLES = 5;

export function mainEffectImportance(
  axes: readonly ResolvedAxis[],
  cells: readonly ImportanceCell[],
  options: ImportanceOptions = {},
): ImportanceResult {
  const levels = axes.map(axisLevels);
  const varied = levels.filter((l) => l.values.length >= 2);
  if (varied.length === 0) {
    return {
      ok: false,
      reason: 'every axis has fewer than 2 levels: there is nothing to attribute variance to',
      examples: [],
    };
  }
  const fullPoints = levels.reduce((n, l) => n * l.values.length, 1);

  // Point → the usable values of its runs, and the outcomes of the unusable ones.
  const points = new Map<
    number,
    { values: Record<string, unknown>; ys: number[]; problems: CellOutcome[] }
  >();
  for (const cell of cells) {
    const index = pointIndex(levels, cell.values);
    if (index < 0) continue;
    const point = points.get(index) ?? { values: cell.values, ys: [], problems: [] };
    points.set(index, point);
    const outcome = cellOutcome(cell.status, cell.value);
    if (outcome === 'value') point.ys.push(cell.value as number);
    else point.problems.push(outcome);
  }

  if (options.sampled || points.size < fullPoints) {
    const why = options.sampled
      ? `a sampled grid (${points.size} of its ${fullPoints} points)`
      : `the grid has ${points.size} of its ${fullPoints} points`;
    return {
      ok: false,
      reason: `${why} is not a full factorial: main effects need every combination of levels, or they mix with which points happen to exist`,
      examples: [],
    };
  }

  const missing = [...points.values()].filter((p) => p.ys.length === 0);
  if (missing.length > 0) {
    const byOutcome = new Map<string, number>();
    for (const p of missing) {
      const text = OUTCOME_TEXT[worstOutcome(p.problems)];
      byOutcome.set(text, (byOutcome.get(text) ?? 0) + 1);
    }
    const counts = [...byOutcome].map(([text, n]) => `${n} ${text}`).join(', ');
    return {
      ok: false,
      reason: `${missing.length} of ${fullPoints} points have no result (${counts}); the decomposition needs a value at every point`,
      examples: missing
        .slice(0, MAX_EXAMPLES)
        .map((p) => `${describeCell(axes, p.values)}: ${OUTCOME_TEXT[worstOutcome(p.problems)]}`),
    };
  }

  // Point means, addressed by level indices.
  const entries = [...points].map(([index, p]) => ({
    digits: levelDigits(levels, index),
    ys: p.ys,
    mean: mean(p.ys),
    short: p.problems.length > 0,
  }));
  const grandMean = mean(entries.map((e) => e.mean));
  const totalVariance = mean(entries.map((e) => (e.mean - grandMean) ** 2));
  if (!(totalVariance > 0)) {
    return {
      ok: false,
      reason: 'every point has the same value: there is no variance to attribute',
      examples: [],
    };
  }

  const axisResults: AxisImportance[] = levels.map((l, a) => {
    const sums = new Array<number>(l.values.length).fill(0);
    const counts = new Array<number>(l.values.length).fill(0);
    for (const e of entries) {
      sums[e.digits[a]] += e.mean;
      counts[e.digits[a]] += 1;
    }
    const levelMeans = sums.map((s, i) => s / counts[i]);
    const variance = mean(levelMeans.map((m) => (m - grandMean) ** 2));
    return {
      path: l.axis.path,
      label: l.axis.label,
      levels: l.values.length,
      fraction: variance / totalVariance,
      variance,
      levelMeans: levelMeans.map((m, i) => ({ label: l.labels[i], mean: m })),
      swing: Math.max(...levelMeans) - Math.min(...levelMeans),
    };
  });
  const explained = axisResults.reduce((s, a) => s + a.fraction, 0);

  return {
    ok: true,
    points: entries.length,
    runs: entries.reduce((n, e) => n + e.ys.length, 0),
    grandMean,
    totalVariance,
    axes: axisResults,
    // Float noise can push the sum a hair past 1 on a purely additive grid.
    interactionFraction: Math.max(0, 1 - explained),
    seeds: seedSpread(entries, totalVariance),
    pointsMissingSeeds: entries.filter(
      (e) => e.short || (options.repeats !== undefined && e.ys.length < options.repeats),
    ).length,
  };
}

function seedSpread(
  entries: ReadonlyArray<{ ys: number[]; mean: number }>,
  totalVariance: number,
): SeedSpread | null {
  let within = 0;
  let dof = 0;
  for (const e of entries) {
    for (const y of e.ys) within += (y - e.mean) ** 2;
    dof += e.ys.length - 1;
  }
  if (dof === 0) return null;
  const all = entries.flatMap((e) => e.ys);
  const overall = mean(all);
  const total = all.reduce((s, y) => s + (y - overall) ** 2, 0);
  const pooledVariance = within / dof;
  const seedsPerPoint = all.length / entries.length;
  const counts = entries.map((e) => e.ys.length);
  return {
    minRepeats: Math.min(...counts),
    maxRepeats: Math.max(...counts),
    pooledSd: Math.sqrt(pooledVariance),
    degreesOfFreedom: dof,
    seedFraction: total > 0 ? within / total : 0,
    noiseFraction: pooledVariance / seedsPerPoint / totalVariance,
  };
}

/** The point's number in mixed radix over the levels (display order), or −1 if a value is no level. */
function pointIndex(levels: readonly AxisLevels[], values: Record<string, unknown>): number {
  let index = 0;
  for (const l of levels) {
    const i = l.indexOf(values[l.axis.path]);
    if (i < 0) return -1;
    index = index * l.values.length + i;
  }
  return index;
}

function levelDigits(levels: readonly AxisLevels[], index: number): number[] {
  const digits = new Array<number>(levels.length);
  let rest = index;
  for (let a = levels.length - 1; a >= 0; a--) {
    digits[a] = rest % levels[a].values.length;
    rest = Math.floor(rest / levels[a].values.length);
  }
  return digits;
}

/** What to call a point none of whose runs counts: a failure outweighs a run still to come. */
function worstOutcome(outcomes: readonly CellOutcome[]): Exclude<CellOutcome, 'value'> {
  const order: Exclude<CellOutcome, 'value'>[] = [
    'failed',
    'diverged',
    'no-value',
    'cancelled',
    'interrupted',
    'pruned',
    'waiting',
  ];
  return order.find((o) => outcomes.includes(o)) ?? 'waiting';
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
