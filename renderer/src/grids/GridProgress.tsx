import type { GridSummary } from '../../../common/grid/types';
import { formatDuration } from '../common/format';
import { gridProgress } from './grid-progress';

/**
 * "4 done · 2 running · 6 queued · 1 failed" (and, in a pruned grid, those paused at a rung and those pruned),
 * a bar, and the ETA while cells remain.
 */
export function GridProgress({ grid, compact = false }: { grid: GridSummary; compact?: boolean }) {
  const p = gridProgress(grid.counts, grid.cells);
  const live = grid.status === 'running';
  return (
    <div className={compact ? 'grid-progress compact' : 'grid-progress'} data-testid="grid-progress">
      <progress
        max={Math.max(1, p.total)}
        value={p.finished}
        aria-label={`${grid.name}: ${p.finished} of ${p.total} cells finished`}
      />
      <span className="grid-counts">
        <span data-testid="count-done" data-count={p.done}>
          {p.done} done
        </span>
        {' · '}
        <span
          data-testid="count-running"
          data-count={p.running}
          className={p.running > 0 ? 'count-running' : undefined}
        >
          {p.running} running
        </span>
        {' · '}
        <span data-testid="count-queued" data-count={p.queued}>
          {p.queued} queued
        </span>
        {' · '}
        <span
          data-testid="count-failed"
          data-count={p.failed}
          className={p.failed > 0 ? 'count-failed' : undefined}
        >
          {p.failed} failed
        </span>
        {p.stopped > 0 && (
          <>
            {' · '}
            <span data-testid="count-stopped" data-count={p.stopped}>
              {p.stopped} cancelled or interrupted
            </span>
          </>
        )}
        {p.paused > 0 && (
          <>
            {' · '}
            <span data-testid="count-paused" data-count={p.paused}>
              {p.paused} paused at a rung
            </span>
          </>
        )}
        {p.pruned > 0 && (
          <>
            {' · '}
            <span data-testid="count-pruned" data-count={p.pruned}>
              {p.pruned} pruned
            </span>
          </>
        )}
        {!compact && <> · {p.total} cells</>}
      </span>
      {live && (
        <span className="grid-eta" data-testid="grid-eta">
          {grid.etaSeconds === null
            ? 'ETA after the first cell finishes'
            : `ETA ${formatDuration(grid.etaSeconds)}`}
        </span>
      )}
    </div>
  );
}
