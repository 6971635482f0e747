import { keepCount } from '../../../common/grid/pruning';
import type { GridCellResult, GridDetail, GridPruningState } from '../../../common/grid/types';
import { formatDuration, formatPercent } from '../common/format';
import { cellLabel, type RungBar } from './pruning-chart-data';

/**
 * What the Pruning section shows of a grid pruned as it trains (grid.pruning): each bracket's cells as bars,
 * each decided rung in words, and the epochs and time against the full grid's. Everything is read from the
 * grid as `grids.get` gives it, so every refetch while the grid trains redraws it.
 */

type Bracket = GridPruningState['brackets'][number];
type Rung = GridPruningState['rungs'][number];

/** Statuses of a cell that ended before the full epochs for a reason of its own, not a rung's. */
const ENDED: readonly GridCellResult['status'][] = ['failed', 'diverged', 'cancelled'];

/** How a cell's bar is drawn: pruned, ended otherwise (failed, stopped early), or still in. */
export function barKind(cell: GridCellResult, fullEpochs: number): RungBar['kind'] {
  if (cell.status === 'pruned') return 'pruned';
  if (ENDED.includes(cell.status)) return 'ended';
  // Completed short of the full epochs: an early-stopping rule ended it, not a rung.
  if (cell.status === 'completed' && cell.epochs < fullEpochs) return 'ended';
  return 'survivor';
}

/** A bracket's cells, in index order, each as a bar to the epochs it has logged. */
export function liveBars(grid: GridDetail, pruning: GridPruningState, bracket: Bracket): RungBar[] {
  const byIndex = new Map(grid.results.map((r) => [r.index, r]));
  return [...bracket.cells]
    .sort((a, b) => a - b)
    .flatMap((index) => {
      const cell = byIndex.get(index);
      if (!cell) return [];
      return [
        {
          index,
          label: cellLabel(grid, index),
          epochs: cell.epochs,
          kind: barKind(cell, pruning.fullEpochs),
          target: cell.pruning?.target ?? null,
        },
      ];
    });
}

/**
 * Epochs the grid trains in all when no cell ends early: per bracket, its cells to the first rung, the kept
 * ⌊n/η⌋ (at least one) on to the next, and the last rung's survivors to the full epochs. A cell that ends
 * early only lowers it, so it is the most the grid will train.
 */
export function plannedEpochs(pruning: GridPruningState): number {
  const eta = pruning.spec.reductionFactor;
  let total = 0;
  for (const bracket of pruning.brackets) {
    let alive = bracket.cells.length;
    if (alive === 0) continue;
    let reached = 0;
    for (const rung of bracket.rungs) {
      total += alive * (rung - reached);
      reached = rung;
      alive = keepCount(alive, eta);
    }
    total += alive * (pruning.fullEpochs - reached);
  }
  return total;
}

/**
 * "24 of 72 epochs trained (a full grid: 8 cells × 9 epochs): saves 66.67%". While the grid trains the
 * saving is not known yet; it says what the plan (plannedEpochs) comes to instead.
 */
export function savedText(grid: GridDetail, pruning: GridPruningState): string {
  const trained = pruning.epochsTrained;
  const full = pruning.epochsFull;
  const cells = pruning.fullEpochs > 0 ? Math.round(full / pruning.fullEpochs) : grid.cells;
  const fullGrid = `a full grid: ${cells} cell${cells === 1 ? '' : 's'} × ${pruning.fullEpochs} epochs`;
  const saves = (epochs: number) => formatPercent(full === 0 ? 0 : 1 - epochs / full);
  if (grid.status !== 'running')
    return `${trained} of ${full} epochs trained (${fullGrid}): saves ${saves(trained)}`;
  const planned = plannedEpochs(pruning);
  return (
    `${trained} of ${full} epochs trained so far (${fullGrid}); at most ${planned} in all as the rungs ` +
    `are set, which saves at least ${saves(planned)}`
  );
}

/** "2 min 10 s of training, against about 6 min 30 s for the full grid". */
export function timeText(grid: GridDetail, pruning: GridPruningState): string {
  const trained = formatDuration(pruning.secondsTrained);
  const soFar = grid.status === 'running' ? ' so far' : '';
  if (pruning.secondsFullEstimate === null)
    return `${trained} of training${soFar}; the full grid's time is estimated once an epoch is logged`;
  const saved =
    grid.status === 'running' || pruning.secondsFullEstimate <= 0
      ? ''
      : `: saves ${formatPercent(1 - pruning.secondsTrained / pruning.secondsFullEstimate)}`;
  return (
    `${trained} of training${soFar}, against about ${formatDuration(pruning.secondsFullEstimate)} for ` +
    `the full grid at the same seconds per epoch${saved}`
  );
}

/** "cell 5 (λ=0.1, lr=1e-3), cell 7 (…)", or "none". */
function cellsText(grid: GridDetail, indexes: readonly number[]): string {
  return indexes.length === 0 ? 'none' : indexes.map((i) => cellLabel(grid, i)).join(', ');
}

/**
 * One decided rung in words: "epoch 1 — kept 3: cell 5 (…), …; pruned 6: cell 0 (…), …; ended before it:
 * none", with "bracket s = 2, " in front on a Hyperband grid.
 */
export function rungDecisionText(grid: GridDetail, pruning: GridPruningState, rung: Rung): string {
  const where = pruning.spec.kind === 'hyperband' ? `bracket s = ${rung.bracket}, ` : '';
  return (
    `${where}epoch ${rung.epoch} — kept ${rung.kept.length}: ${cellsText(grid, rung.kept)}; ` +
    `pruned ${rung.pruned.length}: ${cellsText(grid, rung.pruned)}; ` +
    `ended before it: ${cellsText(grid, rung.endedBefore)}`
  );
}

/**
 * Where a bracket stands: its rungs, and the next one to decide with how many of the cells still in have got
 * there; or that every rung is decided; or, for Hyperband's bracket without rungs, that it trains to the end.
 */
export function bracketProgressText(grid: GridDetail, pruning: GridPruningState, bracket: Bracket): string {
  const cells = bracket.cells.length;
  const counted = `${cells} cell${cells === 1 ? '' : 's'}`;
  if (bracket.rungs.length === 0)
    return `${counted}, no rung: every one trains to the full ${pruning.fullEpochs} epochs`;
  const rungs = `${counted}, rungs at epoch${bracket.rungs.length === 1 ? '' : 's'} ${bracket.rungs.join(', ')} of ${pruning.fullEpochs}`;
  const decided = new Set(pruning.rungs.filter((r) => r.bracket === bracket.index).map((r) => r.epoch));
  const next = bracket.rungs.find((epoch) => !decided.has(epoch));
  const bars = liveBars(grid, pruning, bracket).filter((b) => b.kind === 'survivor');
  if (next === undefined) {
    const left = bars.length;
    return `${rungs}; every rung decided: ${left} cell${left === 1 ? '' : 's'} kept to the full ${pruning.fullEpochs} epochs`;
  }
  const there = bars.filter((b) => b.epochs >= next).length;
  const verb = there === 1 ? 'has' : 'have';
  return `${rungs}; next: epoch ${next}, ${there} of the ${bars.length} cells still in ${verb} reached it`;
}
