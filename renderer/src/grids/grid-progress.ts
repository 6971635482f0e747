import type { GridCellCounts } from '../../../common/grid/types';

/** A grid's cells in the four groups a user follows: done, running, waiting, failed (plus stopped ones). */
export interface GridProgressParts {
  done: number;
  running: number;
  queued: number;
  failed: number;
  /** Cancelled or interrupted: resumable. */
  stopped: number;
  /** Ended by a rung of a pruned grid: finished, their epochs kept. */
  pruned: number;
  /** Waiting at a rung of a pruned grid for its decision: not finished. */
  paused: number;
  total: number;
  /** Cells that will not change any more without a resume. */
  finished: number;
}

export function gridProgress(counts: GridCellCounts, total: number): GridProgressParts {
  const failed = counts.failed + counts.diverged;
  const stopped = counts.cancelled + counts.interrupted;
  return {
    done: counts.completed,
    running: counts.running,
    queued: counts.queued + counts.pending,
    failed,
    stopped,
    pruned: counts.pruned,
    paused: counts.paused,
    total,
    finished: counts.completed + failed + stopped + counts.pruned,
  };
}
