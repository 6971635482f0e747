import type { ImportanceCell } from '../../../common/grid/importance';
import type { GridCellResult, GridPruningState } from '../../../common/grid/types';
import type { EpochMetrics, MetricName } from '../../../common/types';

/**
 * Parameter importance on a pruned grid. A pruned cell's best and last values are over the epochs before
 * its rung, a survivor's over the full training: decomposed together they would rank settings by how long
 * each trained. What every cell shares is the grid's earliest rung: the first rung of the most aggressive
 * bracket. Every bracket trains each of its cells at least to its own first rung (bracket s = 0, without
 * rungs, to the full epochs), and no first rung comes earlier, so the whole grid has logged that epoch and
 * its monitored value there is the one number every cell has on the same footing.
 */

export interface RungImportancePlan {
  /** The earliest rung epoch of the grid. */
  epoch: number;
  /** Brackets whose first rung is that epoch (Hyperband's most aggressive; successive halving's only one). */
  brackets: number[];
  /** The metric the rungs rank by: the importance is of it, at `epoch`. */
  monitor: MetricName;
}

/** Where the rung importance is read, or null when no bracket has a rung (nothing was ever pruned). */
export function rungImportancePlan(pruning: GridPruningState): RungImportancePlan | null {
  const firsts = pruning.brackets.flatMap((b) => (b.rungs.length > 0 ? [b.rungs[0]] : []));
  if (firsts.length === 0) return null;
  const epoch = Math.min(...firsts);
  return {
    epoch,
    brackets: pruning.brackets.filter((b) => b.rungs[0] === epoch).map((b) => b.index),
    monitor: pruning.spec.monitor,
  };
}

/** The runs whose epochs the rung importance reads: those that have logged the rung's epoch by now. */
export function rungRunIds(results: readonly GridCellResult[], epoch: number): string[] {
  return results.flatMap((r) => (r.runId !== null && r.epochs >= epoch ? [r.runId] : []));
}

/**
 * Every cell as the decomposition takes it: the monitored value at the rung's epoch, counted whatever the
 * run did afterwards (pruned, paused, still training, completed); a cell short of the epoch counts as still to
 * run while it may yet get there, and as what it is (failed, diverged, cancelled, stopped early) otherwise.
 */
export function rungImportanceCells(
  results: readonly GridCellResult[],
  plan: RungImportancePlan,
  epochsByRun: ReadonlyMap<string, readonly EpochMetrics[]>,
): ImportanceCell[] {
  return results.map((r) => {
    const row = r.runId === null ? undefined : epochsByRun.get(r.runId)?.find((e) => e.epoch === plan.epoch);
    if (row) {
      const value = row[plan.monitor];
      return {
        values: r.values,
        status: 'completed',
        value: typeof value === 'number' && Number.isFinite(value) ? value : null,
      };
    }
    return { values: r.values, status: OPEN.includes(r.status) ? 'pending' : r.status, value: null };
  });
}

/** Statuses of a cell that may still log more epochs (an interrupted one is trained on by a resume). */
const OPEN: readonly GridCellResult['status'][] = ['pending', 'queued', 'running', 'paused', 'interrupted'];
