import { cellOutcome, type CellOutcome } from './analysis-value';
import { formatAxisValue } from './expand';
import { axisLevels, levelKey, type AxisLevels } from './levels';
import type { ResolvedAxis } from './spec';
import type { GridCellStatus } from './types';

/**
 * A grid's results as a matrix over two of its axes. Every other axis is either held at one chosen value
 * or averaged over; repeats are always averaged. A matrix cell that has no usable run says why (failed,
 * diverged, still to run, not in a sampled grid), so the view can mark it instead of leaving a blank that
 * reads as "bad".
 */

export interface HeatmapInputCell {
  values: Record<string, unknown>;
  status: GridCellStatus;
  value: number | null;
  runId: string | null;
  /** In a live pruned grid: the rung epoch that pruned this run (its value is then over those epochs only). */
  prunedAt?: number | null;
}

/** How an axis that is not on the heatmap is handled. */
export type OtherAxis = { kind: 'mean' } | { kind: 'fixed'; value: unknown };

export interface HeatmapSpec {
  x: string;
  /** null: one row (a grid with a single axis, or a strip over x). */
  y: string | null;
  /** Per other axis path; absent means averaged. */
  others?: Record<string, OtherAxis>;
}

/**
 * `value` where at least one run counts. `partial`: the mean is over fewer runs than the cell has (the rest
 * failed or are unfinished). `absent`: no run of the grid has these values (a sampled grid).
 */
export type HeatmapMark = 'value' | 'partial' | Exclude<CellOutcome, 'value'> | 'absent';

export interface HeatmapCell {
  mark: HeatmapMark;
  /** Mean of the usable runs; null when none. */
  value: number | null;
  /** Usable runs averaged. */
  n: number;
  /** Runs of the grid in this cell (repeats, and the levels of averaged axes). */
  runs: number;
  /** Runs per outcome, for a tooltip: "2 failed, 1 still to run". */
  outcomes: Partial<Record<CellOutcome, number>>;
  runIds: string[];
  /** The rung epochs that pruned runs of this cell, ascending, each once (empty when none was pruned). */
  prunedAt: number[];
  /**
   * Mean value of the pruned runs, over the epochs each trained before its rung: for the tooltip only. It is
   * never coloured, since it does not compare with runs trained to the end.
   */
  prunedValue: number | null;
}

export interface HeatmapMatrix {
  x: AxisLevels;
  y: AxisLevels | null;
  /** rows[yIndex][xIndex], levels in display order (numbers ascending). */
  rows: HeatmapCell[][];
  /** Over the cells with a value; null when there are none. */
  range: { min: number; max: number } | null;
  /** How the other axes were reduced, as text: "mean over lr (3 levels)", "hidden = 500". */
  reductions: string[];
}

export function gridHeatmap(
  axes: readonly ResolvedAxis[],
  cells: readonly HeatmapInputCell[],
  spec: HeatmapSpec,
): HeatmapMatrix {
  const xAxis = axes.find((a) => a.path === spec.x);
  if (!xAxis) throw new Error(`heatmap: no axis ${spec.x}`);
  const yAxis = spec.y === null ? null : axes.find((a) => a.path === spec.y);
  if (yAxis === undefined) throw new Error(`heatmap: no axis ${String(spec.y)}`);
  if (yAxis && yAxis.path === xAxis.path) throw new Error('heatmap: x and y must be different axes');
  const x = axisLevels(xAxis);
  const y = yAxis ? axisLevels(yAxis) : null;
  const others = axes.filter((a) => a !== xAxis && a !== yAxis);
  const fixed = others.flatMap((a) => {
    const rule = spec.others?.[a.path];
    return rule?.kind === 'fixed'
      ? [{ path: a.path, key: levelKey(rule.value), axis: a, value: rule.value }]
      : [];
  });

  const acc = Array.from({ length: y ? y.values.length : 1 }, () =>
    Array.from({ length: x.values.length }, () => ({
      ys: [] as number[],
      runs: 0,
      outcomes: {} as Partial<Record<CellOutcome, number>>,
      runIds: [] as string[],
      prunedAt: new Set<number>(),
      prunedValues: [] as number[],
    })),
  );
  for (const cell of cells) {
    if (fixed.some((f) => levelKey(cell.values[f.path]) !== f.key)) continue;
    const xi = x.indexOf(cell.values[x.axis.path]);
    const yi = y ? y.indexOf(cell.values[y.axis.path]) : 0;
    if (xi < 0 || yi < 0) continue;
    const slot = acc[yi][xi];
    const outcome = cellOutcome(cell.status, cell.value);
    slot.runs += 1;
    slot.outcomes[outcome] = (slot.outcomes[outcome] ?? 0) + 1;
    if (cell.runId) slot.runIds.push(cell.runId);
    if (outcome === 'value') slot.ys.push(cell.value as number);
    if (outcome === 'pruned') {
      if (typeof cell.prunedAt === 'number') slot.prunedAt.add(cell.prunedAt);
      if (cell.value !== null && Number.isFinite(cell.value)) slot.prunedValues.push(cell.value);
    }
  }

  let min = Infinity;
  let max = -Infinity;
  const rows = acc.map((row) =>
    row.map((slot): HeatmapCell => {
      const n = slot.ys.length;
      const value = n > 0 ? slot.ys.reduce((a, b) => a + b, 0) / n : null;
      if (value !== null) {
        min = Math.min(min, value);
        max = Math.max(max, value);
      }
      return {
        mark: markOf(slot.runs, n, slot.outcomes),
        value,
        n,
        runs: slot.runs,
        outcomes: slot.outcomes,
        runIds: slot.runIds,
        prunedAt: [...slot.prunedAt].sort((a, b) => a - b),
        prunedValue:
          slot.prunedValues.length > 0
            ? slot.prunedValues.reduce((a, b) => a + b, 0) / slot.prunedValues.length
            : null,
      };
    }),
  );

  const reductions = others.map((a) => {
    const f = fixed.find((g) => g.axis === a);
    return f
      ? `${a.label} = ${formatAxisValue(f.value)}`
      : `mean over ${a.label} (${axisLevels(a).values.length} levels)`;
  });
  return { x, y, rows, range: Number.isFinite(min) ? { min, max } : null, reductions };
}

/** Why a cell has no value, the most telling reason first: a failure outweighs a run still to come. */
const MARK_ORDER: Exclude<CellOutcome, 'value'>[] = [
  'failed',
  'diverged',
  'no-value',
  'cancelled',
  'interrupted',
  'pruned',
  'waiting',
];

function markOf(runs: number, usable: number, outcomes: Partial<Record<CellOutcome, number>>): HeatmapMark {
  if (runs === 0) return 'absent';
  if (usable === runs) return 'value';
  if (usable > 0) return 'partial';
  return MARK_ORDER.find((o) => (outcomes[o] ?? 0) > 0) ?? 'no-value';
}

/** The short word a marked cell shows in place of a number. */
export const MARK_TEXT: Record<Exclude<HeatmapMark, 'value' | 'partial'>, string> = {
  failed: 'failed',
  diverged: 'diverged',
  'no-value': 'no value',
  cancelled: 'cancelled',
  interrupted: 'interrupted',
  pruned: 'pruned',
  waiting: '…',
  absent: '—',
};

/**
 * What a matrix cell shows in place of a number: MARK_TEXT, and for runs a rung pruned the rung as well,
 * "pruned @2" ("pruned @1,3" where averaged runs were pruned at different rungs).
 */
export function markText(cell: Pick<HeatmapCell, 'mark' | 'prunedAt'>): string {
  if (cell.mark === 'pruned' && cell.prunedAt.length > 0) return `pruned @${cell.prunedAt.join(',')}`;
  return MARK_TEXT[cell.mark === 'value' || cell.mark === 'partial' ? 'no-value' : cell.mark];
}

/** "pruned at the rung at epoch 2: its best is over its first 2 epochs only, so not counted". */
function prunedWords(cell: HeatmapCell): string {
  const n = cell.outcomes.pruned ?? 0;
  const at = cell.prunedAt;
  const where =
    at.length === 0
      ? 'at a rung'
      : at.length === 1
        ? `at the rung at epoch ${at[0]}`
        : `at the rungs at epochs ${at.join(', ')}`;
  const whose = n === 1 ? 'its' : 'their';
  const first = at.length !== 1 ? 'first epochs' : at[0] === 1 ? 'first epoch' : `first ${at[0]} epochs`;
  return `pruned ${where}: ${whose} best is over ${whose} ${first} only, so not counted`;
}

/** "2 of 3 runs (1 failed)", for a tooltip or a footnote. */
export function describeHeatmapCell(cell: HeatmapCell): string {
  const words: Partial<Record<CellOutcome, string>> = {
    failed: 'failed',
    diverged: 'diverged',
    waiting: 'still to run',
    cancelled: 'cancelled',
    interrupted: 'interrupted',
    'no-value': 'without the metric',
    // Last: its words end in a clause of their own.
    pruned: prunedWords(cell),
  };
  const problems = (Object.keys(words) as CellOutcome[])
    .filter((o) => (cell.outcomes[o] ?? 0) > 0)
    .map((o) => `${cell.outcomes[o]} ${words[o]}`);
  if (cell.runs === 0) return 'not in the grid (sampled)';
  const base = `${cell.n} of ${cell.runs} run${cell.runs === 1 ? '' : 's'}`;
  return problems.length > 0 ? `${base} (${problems.join(', ')})` : base;
}
