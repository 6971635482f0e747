import { z } from 'zod';
import { UserInputError } from '../errors';
import { defaultMode, METRIC_TEXT } from '../stopping/monitor';
import { METRIC_NAMES, type EpochMetrics, type MetricName } from '../types';

/**
 * Successive halving and Hyperband on a grid, as pure arithmetic: where the rungs sit, which cells go on at
 * each, and what that would have cost on a grid whose every epoch is logged. Decisions are synchronous and
 * deterministic: at a rung every surviving cell has reached it, the best ⌊n/η⌋ (at least one) by the monitored
 * value at the rung's epoch go on, ties broken by cell index. Nothing here depends on timing or on which
 * process trained what, so a replay on a full grid says exactly what a live pruned grid of the same spec does.
 */

export const PRUNING_KINDS = ['successive-halving', 'hyperband'] as const;
export type PruningKind = (typeof PRUNING_KINDS)[number];

export const pruningSchema = z.strictObject({
  kind: z.enum(PRUNING_KINDS, {
    error: (issue) =>
      `unknown pruning kind ${JSON.stringify(issue.input)}: expected "successive-halving" or "hyperband"`,
  }),
  monitor: z.enum(METRIC_NAMES, {
    error: (issue) =>
      `unknown monitor ${JSON.stringify(issue.input)}: expected one of ${METRIC_NAMES.join(', ')}`,
  }),
  minEpochs: z
    .number({ error: 'expected a whole number of epochs ≥ 1' })
    .int({ error: 'expected a whole number of epochs ≥ 1' })
    .min(1, { error: 'expected a whole number of epochs ≥ 1' }),
  reductionFactor: z
    .number({ error: 'expected a number ≥ 2 (η: a rung keeps the best 1/η of its cells)' })
    .min(2, { error: 'expected a number ≥ 2 (η: a rung keeps the best 1/η of its cells)' })
    .refine(Number.isFinite, { error: 'expected a finite number ≥ 2' }),
});
export type PruningSpec = z.infer<typeof pruningSchema>;

/** One rung of one bracket: the epoch it sits at, and how many of the bracket's cells go on from it. */
export interface Rung {
  bracket: number;
  epoch: number;
}

/** A bracket: its cells start together and are halved at its rungs (successive halving has one). */
export interface Bracket {
  /** Hyperband's s (successive halving: 0). */
  index: number;
  /** Epochs of its rungs, ascending, each below the full epochs. */
  rungs: number[];
  /** Hyperband's n_s: the cells Li et al. give it, before they are fitted to the grid's cells. */
  weight: number;
}

/**
 * The spec's problems against a grid of `fullEpochs` (R) epochs and `cells` cells, each one line naming the
 * field; empty when it can run.
 */
export function pruningIssues(spec: PruningSpec, fullEpochs: number, cells: number): string[] {
  const issues: string[] = [];
  if (spec.minEpochs >= fullEpochs) {
    issues.push(
      `pruning.minEpochs: ${spec.minEpochs} is not below the grid's full ${fullEpochs} epochs ` +
        `(training.epochs): no rung would sit before the end`,
    );
  }
  if (
    spec.kind === 'hyperband' &&
    spec.minEpochs < fullEpochs &&
    Math.floor(Math.log(fullEpochs / spec.minEpochs) / Math.log(spec.reductionFactor) + 1e-9) === 0
  ) {
    issues.push(
      `pruning.minEpochs: Hyperband with r = ${spec.minEpochs} and η = ${spec.reductionFactor} has a single ` +
        `bracket without rungs on ${fullEpochs} epochs (R/r is below η): it would prune nothing; lower r or η`,
    );
  }
  if (cells < spec.reductionFactor) {
    issues.push(
      `pruning.reductionFactor: ${spec.reductionFactor} is more than the grid's ${cells} cell${cells === 1 ? '' : 's'}: ` +
        `the first rung would keep one cell of fewer than η`,
    );
  }
  return issues;
}

/** Successive halving's rungs: r, rη, rη², … below R (each rounded down to a whole epoch, distinct). */
export function halvingRungs(minEpochs: number, eta: number, fullEpochs: number): number[] {
  const rungs: number[] = [];
  for (let k = 0; ; k += 1) {
    const epoch = Math.floor(minEpochs * eta ** k + 1e-9);
    if (epoch >= fullEpochs) break;
    if (rungs.at(-1) !== epoch) rungs.push(epoch);
  }
  return rungs;
}

/**
 * Hyperband's brackets (Li et al. 2018, Algorithm 1) with the resource counted in units of r = minEpochs:
 * s_max = ⌊log_η(R/r)⌋, B = (s_max + 1)·R/r; bracket s starts n_s = ⌈B/(R/r) · η^s/(s + 1)⌉ cells at
 * R·η^(−s) epochs and halves them at R·η^(−s)·η^i, i = 0…s − 1. Bracket s_max starts at R·η^(−s_max), which
 * is r only where R/r is a power of η; bracket 0 trains every one of its cells to R.
 */
export function hyperbandBrackets(minEpochs: number, eta: number, fullEpochs: number): Bracket[] {
  const units = fullEpochs / minEpochs;
  const sMax = Math.floor(Math.log(units) / Math.log(eta) + 1e-9);
  const budget = (sMax + 1) * units;
  const brackets: Bracket[] = [];
  for (let s = sMax; s >= 0; s -= 1) {
    const weight = Math.ceil((budget / units) * (eta ** s / (s + 1)) - 1e-9);
    const rungs: number[] = [];
    for (let i = 0; i < s; i += 1) {
      const epoch = Math.max(minEpochs, Math.floor(fullEpochs * eta ** (i - s) + 1e-9));
      if (epoch < fullEpochs && rungs.at(-1) !== epoch) rungs.push(epoch);
    }
    brackets.push({ index: s, rungs, weight });
  }
  return brackets;
}

/** The brackets a spec runs: successive halving's one, or Hyperband's. */
export function bracketsOf(spec: PruningSpec, fullEpochs: number): Bracket[] {
  return spec.kind === 'successive-halving'
    ? [{ index: 0, rungs: halvingRungs(spec.minEpochs, spec.reductionFactor, fullEpochs), weight: 1 }]
    : hyperbandBrackets(spec.minEpochs, spec.reductionFactor, fullEpochs);
}

/**
 * Which bracket each cell (by position in `cellIndexes`, index order) belongs to: the brackets' shares are
 * their weights, and the cells are dealt out in index order to the bracket furthest below its share (ties to
 * the more aggressive bracket), so every bracket gets a spread of the grid's axes rather than one corner of it.
 */
export function assignBrackets(brackets: readonly Bracket[], cellCount: number): number[] {
  if (brackets.length === 1) return Array.from({ length: cellCount }, () => 0);
  const total = brackets.reduce((sum, b) => sum + b.weight, 0);
  const given = brackets.map(() => 0);
  const out: number[] = [];
  for (let i = 0; i < cellCount; i += 1) {
    let pick = 0;
    let deficit = -Infinity;
    brackets.forEach((b, k) => {
      const d = (b.weight / total) * (i + 1) - given[k];
      if (d > deficit + 1e-12) {
        deficit = d;
        pick = k;
      }
    });
    given[pick] += 1;
    out.push(pick);
  }
  return out;
}

/** How many of `n` survivors a rung keeps: ⌊n/η⌋, at least one. */
export function keepCount(n: number, eta: number): number {
  return Math.max(1, Math.floor(n / eta + 1e-9));
}

/** A rung as planned before any cell trains: how many cells reach it and how many go on. */
export interface PlannedRung {
  bracket: number;
  epoch: number;
  reach: number;
  keep: number;
}

/**
 * What a pruning plans for `cells` cells of R epochs before anything trains: each rung's cells and survivors,
 * and the epochs trained when no cell ends early (what the grid check and the bench set against the full
 * grid's cells × R). The counts do not depend on the values, only on the arithmetic.
 */
export function plannedPruning(
  spec: PruningSpec,
  fullEpochs: number,
  cells: number,
): { rungs: PlannedRung[]; epochsPlanned: number; epochsFull: number } {
  const brackets = bracketsOf(spec, fullEpochs);
  const assignment = assignBrackets(brackets, cells);
  const rungs: PlannedRung[] = [];
  let epochsPlanned = 0;
  brackets.forEach((bracket, k) => {
    let alive = assignment.filter((b) => b === k).length;
    if (alive === 0) return;
    let trainedTo = 0;
    for (const epoch of bracket.rungs) {
      epochsPlanned += alive * (epoch - trainedTo);
      trainedTo = epoch;
      const keep = keepCount(alive, spec.reductionFactor);
      rungs.push({ bracket: bracket.index, epoch, reach: alive, keep });
      alive = keep;
    }
    epochsPlanned += alive * (fullEpochs - trainedTo);
  });
  return { rungs, epochsPlanned, epochsFull: cells * fullEpochs };
}

/** A cell as a decision sees it: its index and its value of the monitor at each epoch it logged. */
export interface PruningCell {
  index: number;
  epochs: readonly EpochMetrics[];
}

export interface RungDecision {
  bracket: number;
  epoch: number;
  /** Cells that reached the rung and go on, in index order. */
  kept: number[];
  /** Cells that reached the rung and end there (status `pruned`), in index order. */
  pruned: number[];
  /** Cells of the bracket still in it that ended before the rung (early stopped, diverged, failed). */
  endedBefore: number[];
}

/** The monitored value at an epoch, or null where that epoch is not logged (or not a finite number). */
function valueAt(cell: PruningCell, monitor: MetricName, epoch: number): number | null {
  const row = cell.epochs.find((e) => e.epoch === epoch);
  const value = row?.[monitor];
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Better first; a cell without a value goes last; ties by index. */
function rank(cells: readonly PruningCell[], monitor: MetricName, epoch: number): PruningCell[] {
  const sign = defaultMode(monitor) === 'min' ? 1 : -1;
  return [...cells].sort((a, b) => {
    const va = valueAt(a, monitor, epoch);
    const vb = valueAt(b, monitor, epoch);
    if (va === null || vb === null)
      return va === null && vb === null ? a.index - b.index : va === null ? 1 : -1;
    return sign * (va - vb) || a.index - b.index;
  });
}

/**
 * A cell as a live grid sees it: its logged epochs so far, and whether it may still log more (pending,
 * queued, running, interrupted, or a cancelled attempt the grid will train again). A cell that is not open
 * and has not reached a rung ended before it (early stopped, diverged, failed, cancelled for good).
 */
export interface LiveCell extends PruningCell {
  open: boolean;
}

/** Where a bracket stands: its decisions (those given and any made now), and what each open cell trains to. */
export interface BracketProgress {
  decisions: RungDecision[];
  /** Newly made decisions (also in `decisions`): what the caller records. */
  made: RungDecision[];
  /** Per surviving cell: the epoch it trains to next (a rung, or the full epochs past the last rung). */
  targets: Map<number, number>;
}

/**
 * One bracket, advanced as far as its cells allow. Rungs already decided (`decided`, recorded earlier) stand
 * as they are; the next rung is decided once every surviving cell has either logged its epoch or ended (no
 * open cell is still short of it), by the monitor at that epoch. The survivors of the last decided rung train
 * on to the next rung, or to `fullEpochs` past the last one. The same function replays a finished grid (no
 * cell open, nothing decided) and drives a live one, so the two cannot disagree.
 */
export function advanceBracket(
  bracket: Bracket,
  cells: readonly LiveCell[],
  decided: readonly RungDecision[],
  monitor: MetricName,
  eta: number,
  fullEpochs: number,
): BracketProgress {
  let alive = [...cells].sort((a, b) => a.index - b.index);
  const decisions: RungDecision[] = [];
  const made: RungDecision[] = [];
  const targets = new Map<number, number>();
  const reachedAt = (c: LiveCell, epoch: number) => c.epochs.some((e) => e.epoch === epoch);
  for (const epoch of bracket.rungs) {
    const recorded = decided.find((d) => d.bracket === bracket.index && d.epoch === epoch);
    if (recorded) {
      decisions.push(recorded);
      const kept = new Set(recorded.kept);
      alive = alive.filter((c) => kept.has(c.index));
      continue;
    }
    const short = alive.filter((c) => c.open && !reachedAt(c, epoch));
    if (short.length > 0) {
      for (const c of short) targets.set(c.index, epoch);
      return { decisions, made, targets };
    }
    const reached = alive.filter((c) => reachedAt(c, epoch));
    const ranked = rank(reached, monitor, epoch);
    const keep = new Set(ranked.slice(0, keepCount(reached.length, eta)).map((c) => c.index));
    const decision: RungDecision = {
      bracket: bracket.index,
      epoch,
      kept: reached.filter((c) => keep.has(c.index)).map((c) => c.index),
      pruned: reached.filter((c) => !keep.has(c.index)).map((c) => c.index),
      endedBefore: alive.filter((c) => !reachedAt(c, epoch)).map((c) => c.index),
    };
    decisions.push(decision);
    made.push(decision);
    alive = alive.filter((c) => keep.has(c.index));
  }
  for (const c of alive) if (c.open) targets.set(c.index, fullEpochs);
  return { decisions, made, targets };
}

/**
 * The decisions of one bracket's rungs over `cells`, given their logged epochs (a finished grid): at each
 * rung, the survivors that reached it are ranked by the monitor at that epoch and the best keepCount go on.
 */
export function decideBracket(
  bracket: Bracket,
  cells: readonly PruningCell[],
  monitor: MetricName,
  eta: number,
): RungDecision[] {
  const closed = cells.map((c) => ({ ...c, open: false }));
  return advanceBracket(bracket, closed, [], monitor, eta, Infinity).decisions;
}

/** A live pruned grid at one moment: every bracket advanced, with its members. */
export interface PruningProgress {
  brackets: { index: number; rungs: number[]; cells: number[] }[];
  decisions: RungDecision[];
  made: RungDecision[];
  /** Cell index → the epoch it trains to next; cells absent here wait at a rung or are done. */
  targets: Map<number, number>;
  /** Cell index → the rung epoch that pruned it. */
  prunedAt: Map<number, number>;
}

/**
 * Advances every bracket of a live pruned grid: which decisions are due now (`made`), what each cell still
 * open trains to, and where each pruned cell was ended. Cells are dealt to brackets by index order
 * (assignBrackets), so the brackets are the same in every process that reads the grid.
 */
export function advancePruning(
  spec: PruningSpec,
  fullEpochs: number,
  cells: readonly LiveCell[],
  decided: readonly RungDecision[],
): PruningProgress {
  const ordered = [...cells].sort((a, b) => a.index - b.index);
  const brackets = bracketsOf(spec, fullEpochs);
  const assignment = assignBrackets(brackets, ordered.length);
  const out: PruningProgress = {
    brackets: [],
    decisions: [],
    made: [],
    targets: new Map(),
    prunedAt: new Map(),
  };
  brackets.forEach((bracket, k) => {
    const members = ordered.filter((_, i) => assignment[i] === k);
    out.brackets.push({ index: bracket.index, rungs: bracket.rungs, cells: members.map((c) => c.index) });
    const progress = advanceBracket(
      bracket,
      members,
      decided,
      spec.monitor,
      spec.reductionFactor,
      fullEpochs,
    );
    out.decisions.push(...progress.decisions);
    out.made.push(...progress.made);
    for (const [index, epoch] of progress.targets) out.targets.set(index, epoch);
  });
  for (const d of out.decisions) for (const index of d.pruned) out.prunedAt.set(index, d.epoch);
  return out;
}

export interface PruningReplay {
  pruning: PruningSpec;
  fullEpochs: number;
  brackets: { index: number; rungs: number[]; cells: number[] }[];
  rungs: RungDecision[];
  /** Epochs each cell trains under the pruning: to the rung that pruned it, else as many as it logged. */
  epochsTrained: number;
  /** Epochs the full grid logged. */
  epochsFull: number;
  /** 1 − epochsTrained / epochsFull. */
  saved: number;
  /** Best cell by the monitor over the epochs it trains under the pruning (null when none logged it). */
  winner: number | null;
  /** Best cell by the monitor over all epochs of the full grid. */
  fullWinner: number | null;
  /**
   * How much worse the pruned grid's winner is than the full grid's, each at its best epoch by the monitor:
   * test accuracy full − pruned, validation loss pruned − full (≥ 0 when the full winner is at least as good;
   * null where a winner does not log the metric).
   */
  regret: { testAcc: number | null; valLoss: number | null };
  /** Per rung: Spearman's ρ between the values at the rung and the same cells' best over the full grid. */
  rankCorrelation: { bracket: number; epoch: number; rho: number | null; cells: number }[];
}

/** A replay on a stored grid, as `grids.pruneReplay` and `workbench grid prune-replay --json` give it. */
export type GridPruneReplay = PruningReplay & { gridId: string };

/** The epoch with the monitor's best value among `epochs` (the earliest on ties), or null. */
export function bestRow(epochs: readonly EpochMetrics[], monitor: MetricName): EpochMetrics | null {
  const sign = defaultMode(monitor) === 'min' ? 1 : -1;
  let best: EpochMetrics | null = null;
  for (const row of epochs) {
    const v = row[monitor];
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    if (best === null || sign * (v - (best[monitor] as number)) < 0) best = row;
  }
  return best;
}

/** The cell whose best epoch by the monitor is best (the lower index on ties), with that epoch. */
export function winnerOf(
  cells: readonly { index: number; epochs: readonly EpochMetrics[] }[],
  monitor: MetricName,
): { index: number; row: EpochMetrics } | null {
  const sign = defaultMode(monitor) === 'min' ? 1 : -1;
  let winner: { index: number; row: EpochMetrics } | null = null;
  for (const cell of [...cells].sort((a, b) => a.index - b.index)) {
    const row = bestRow(cell.epochs, monitor);
    if (!row) continue;
    if (winner === null || sign * ((row[monitor] as number) - (winner.row[monitor] as number)) < 0)
      winner = { index: cell.index, row };
  }
  return winner;
}

/** Spearman's ρ with average ranks for ties; null for fewer than 3 pairs or a constant side. */
export function spearman(xs: readonly number[], ys: readonly number[]): number | null {
  if (xs.length !== ys.length || xs.length < 3) return null;
  const ranks = (vs: readonly number[]) => {
    const order = vs.map((v, i) => ({ v, i })).sort((a, b) => a.v - b.v);
    const r = new Array<number>(vs.length);
    for (let i = 0; i < order.length;) {
      let j = i;
      while (j + 1 < order.length && order[j + 1].v === order[i].v) j += 1;
      for (let k = i; k <= j; k += 1) r[order[k].i] = (i + j) / 2 + 1;
      i = j + 1;
    }
    return r;
  };
  const rx = ranks(xs);
  const ry = ranks(ys);
  const mean = (xs.length + 1) / 2;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i += 1) {
    sxy += (rx[i] - mean) * (ry[i] - mean);
    sxx += (rx[i] - mean) ** 2;
    syy += (ry[i] - mean) ** 2;
  }
  return sxx === 0 || syy === 0 ? null : sxy / Math.sqrt(sxx * syy);
}

/**
 * What `spec` would have done on a grid whose cells logged `cells` (every epoch of a full grid, or any set
 * of runs trained alike for `fullEpochs` epochs): the brackets, every rung's decision, the epochs trained
 * against the full grid's, the winners and the regret, and how well each rung's ranking predicted the final
 * one. Throws UserInputError, one line naming the field, for a spec the grid cannot run.
 */
export function replayPruning(
  spec: PruningSpec,
  cells: readonly PruningCell[],
  fullEpochs: number,
): PruningReplay {
  const issues = pruningIssues(spec, fullEpochs, cells.length);
  if (issues.length > 0) throw new UserInputError(issues[0]);
  if (!cells.some((c) => c.epochs.some((e) => typeof e[spec.monitor] === 'number'))) {
    throw new UserInputError(
      `pruning.monitor: ${spec.monitor} (${METRIC_TEXT[spec.monitor]}) is never logged by these cells ` +
        `(the split it needs is empty)`,
    );
  }
  const ordered = [...cells].sort((a, b) => a.index - b.index);
  const brackets = bracketsOf(spec, fullEpochs);
  const assignment = assignBrackets(brackets, ordered.length);
  const rungs: RungDecision[] = [];
  const trainedTo = new Map<number, number>();
  const bracketCells = brackets.map((b, k) => ({
    index: b.index,
    rungs: b.rungs,
    cells: ordered.filter((_, i) => assignment[i] === k).map((c) => c.index),
  }));
  brackets.forEach((bracket, k) => {
    const members = ordered.filter((_, i) => assignment[i] === k);
    const decisions = decideBracket(bracket, members, spec.monitor, spec.reductionFactor);
    rungs.push(...decisions);
    for (const d of decisions) for (const index of d.pruned) trainedTo.set(index, d.epoch);
  });
  const trainedEpochs = (cell: PruningCell) => {
    const to = trainedTo.get(cell.index);
    return to === undefined ? cell.epochs : cell.epochs.filter((e) => e.epoch <= to);
  };
  const epochsFull = ordered.reduce((sum, c) => sum + c.epochs.length, 0);
  const epochsTrained = ordered.reduce((sum, c) => sum + trainedEpochs(c).length, 0);
  const pruned = winnerOf(
    ordered.map((c) => ({ index: c.index, epochs: trainedEpochs(c) })),
    spec.monitor,
  );
  const full = winnerOf(ordered, spec.monitor);
  const diff = (a: number | null | undefined, b: number | null | undefined) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : null;
  const finalBest = new Map(
    ordered.map((c) => [c.index, bestRow(c.epochs, spec.monitor)?.[spec.monitor] ?? null] as const),
  );
  const rankCorrelation = rungs.map((d) => {
    const pairs = [...d.kept, ...d.pruned]
      .map((index) => {
        const cell = ordered.find((c) => c.index === index)!;
        return [valueAt(cell, spec.monitor, d.epoch), finalBest.get(index) ?? null] as const;
      })
      .filter((p): p is readonly [number, number] => p[0] !== null && p[1] !== null);
    return {
      bracket: d.bracket,
      epoch: d.epoch,
      rho: spearman(
        pairs.map((p) => p[0]),
        pairs.map((p) => p[1]),
      ),
      cells: pairs.length,
    };
  });
  return {
    pruning: spec,
    fullEpochs,
    brackets: bracketCells,
    rungs,
    epochsTrained,
    epochsFull,
    saved: epochsFull === 0 ? 0 : 1 - epochsTrained / epochsFull,
    winner: pruned?.index ?? null,
    fullWinner: full?.index ?? null,
    regret: {
      testAcc: diff(full?.row.testAcc, pruned?.row.testAcc),
      valLoss: diff(pruned?.row.valLoss, full?.row.valLoss),
    },
    rankCorrelation,
  };
}

/** A pruning spec from JSON text or a value, or one line naming the field and what was expected. */
export function parsePruning(raw: unknown): PruningSpec {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw) as unknown;
    } catch (error) {
      throw new UserInputError(`--pruning: not valid JSON (${(error as Error).message})`);
    }
  }
  const parsed = pruningSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue.path.length > 0 ? `pruning.${issue.path.join('.')}` : 'pruning';
  throw new UserInputError(`${path}: ${issue.message}`);
}
