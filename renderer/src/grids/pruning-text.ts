import type { PruningKind } from '../../../common/grid/pruning';
import type { GridCellResult, GridPruningState } from '../../../common/grid/types';

/**
 * How a cell of a live pruned grid stands, in words: beside its status (which rung pruned it, or which it
 * waits at) and in the results table's "Reached / target" column. One place, so the table, the heatmap and
 * the Pruning section name a rung the same way.
 */

export const PRUNING_KIND_TEXT: Record<PruningKind, string> = {
  'successive-halving': 'Successive halving',
  hyperband: 'Hyperband',
};

/**
 * "at epoch 2" beside a pruned badge; "at epoch 3, waiting for the rung" beside a paused one, or "at epoch 3,
 * kept: goes on to epoch 9" once its rung kept it and it waits for a worker; else null.
 */
export function cellStatusDetail(cell: Pick<GridCellResult, 'status' | 'epochs' | 'pruning'>): string | null {
  if (cell.status === 'pruned') {
    const at = cell.pruning?.prunedAt ?? null;
    return at === null ? null : `at epoch ${at}`;
  }
  if (cell.status === 'paused') {
    // Kept at a decided rung, it waits for a worker to take it up from its checkpoint.
    const target = cell.pruning?.target ?? null;
    if (target !== null) return `at epoch ${cell.epochs}, kept: goes on to epoch ${target}`;
    // Otherwise it has logged the rung's epoch and waits for the rest of its bracket to get there.
    return `at epoch ${cell.epochs}, waiting for the rung`;
  }
  return null;
}

export interface ReachedText {
  /** "2/3": epochs logged / the epoch it trains to (or ended at). */
  text: string;
  /** A word on what the target is: "to the rung", "to the end", "at the rung", "pruned". */
  detail: string;
  title: string;
}

/**
 * Epochs a cell has logged against where it is headed: the next rung or the full epochs while it trains,
 * the rung it waits at while paused, the rung that ended it when pruned, the full epochs otherwise.
 */
export function reachedText(
  cell: Pick<GridCellResult, 'status' | 'epochs' | 'pruning'>,
  fullEpochs: number,
): ReachedText {
  const reached = cell.epochs;
  const target = cell.pruning?.target ?? null;
  if (cell.status === 'pruned') {
    const at = cell.pruning?.prunedAt ?? reached;
    return {
      text: `${reached}/${at}`,
      detail: 'pruned',
      title: `pruned at the rung at epoch ${at}: it trains no further`,
    };
  }
  if (cell.status === 'paused' && target === null) {
    return {
      text: `${reached}/${reached}`,
      detail: 'at the rung',
      title: `waiting at the rung at epoch ${reached} for the rest of its bracket; its checkpoint is kept`,
    };
  }
  if (target !== null) {
    const end = target >= fullEpochs;
    return {
      text: `${reached}/${target}`,
      detail: end ? 'to the end' : 'to the rung',
      title: end
        ? `${reached} epochs logged; past every rung, it trains to the full ${fullEpochs}`
        : `${reached} epochs logged; it trains to the rung at epoch ${target} next`,
    };
  }
  return {
    text: `${reached}/${fullEpochs}`,
    detail: '',
    title: `${reached} of the full ${fullEpochs} epochs logged`,
  };
}

/** Whether a pruned grid's brackets are worth a column: Hyperband with more than one. */
export function showsBrackets(pruning: Pick<GridPruningState, 'brackets'> | null): boolean {
  return pruning !== null && pruning.brackets.length > 1;
}
