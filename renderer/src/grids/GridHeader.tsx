import { useState } from 'react';
import type { GridDetail } from '../../../common/grid/types';
import { useClient } from '../client/client-context';
import { errorMessage } from '../client/errors';
import { useAnnounce } from '../common/announcer';
import { formatDateTime } from '../common/format';
import { ExportArchiveButton } from '../archives/ExportArchiveButton';
import { useReadOnly } from '../shell/read-only';
import { GridCellBadge } from './GridCellBadge';
import { gridProgress } from './grid-progress';
import { GridProgress } from './GridProgress';

/** What the grid was built from: a preset or run named in the spec, or a config given inline. */
function baseText(spec: unknown): string | null {
  const base = (spec as { base?: unknown } | null)?.base;
  if (typeof base === 'string') return base;
  if (base && typeof base === 'object') return 'a config given in the spec';
  return null;
}

/**
 * Name, status, live progress with ETA, and the grid-wide actions: cancel every unfinished cell (asked
 * first, in place), or resume a cancelled or orphaned grid.
 */
export function GridHeader({ grid, onChanged }: { grid: GridDetail; onChanged: () => void }) {
  const client = useClient();
  const announce = useAnnounce();
  const readOnly = useReadOnly();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const progress = gridProgress(grid.counts, grid.cells);
  // A cell paused at a rung is unfinished too: the grid takes it up again once the rung is decided.
  const unfinished = progress.running + progress.queued + progress.paused;
  const onSlurm = grid.runner.kind === 'slurm';
  const ownerGone = grid.owner === null || !grid.owner.alive;
  const canCancel = !readOnly && !onSlurm && grid.status === 'running' && unfinished > 0 && !ownerGone;
  const resumable = progress.queued + progress.stopped + progress.paused > 0;
  // A Slurm grid's cells come home with `grid collect`, never from this machine's queue.
  const canResume =
    !readOnly &&
    !onSlurm &&
    grid.status !== 'completed' &&
    resumable &&
    (grid.status === 'cancelled' || ownerGone);
  const base = baseText(grid.spec);

  async function act(action: 'cancel' | 'resume') {
    setBusy(true);
    setError(null);
    try {
      if (action === 'cancel') {
        const { cancelled } = await client.call('grids.cancel', { gridId: grid.id });
        announce(`Cancelled ${cancelled} cell${cancelled === 1 ? '' : 's'} of ${grid.name}`);
      } else {
        const { pending } = await client.call('grids.resume', { gridId: grid.id });
        announce(`Resumed ${grid.name}: ${pending} cell${pending === 1 ? '' : 's'} to train`);
      }
      setConfirming(false);
      onChanged();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="grid-header">
      <div className="grid-title">
        <h1 id="grid-heading">{grid.name}</h1>
        <span data-testid="grid-status">
          <GridCellBadge status={grid.status} />
        </span>
      </div>
      {grid.description && <p className="muted grid-description">{grid.description}</p>}
      <p className="muted grid-meta">
        {grid.axes.map((a) => `${a.label} (${a.values.length})`).join(' × ')}
        {grid.repeats > 1 ? ` × ${grid.repeats} seeds` : ''}
        {base ? ` · base ${base}` : ''} · created {formatDateTime(grid.createdAt)}
        {grid.finishedAt ? ` · finished ${formatDateTime(grid.finishedAt)}` : ''}
        {grid.status === 'running' && ownerGone && !onSlurm
          ? ' · no process is driving it (resume to continue)'
          : ''}
      </p>
      {grid.runner.kind === 'slurm' && (
        <p className="muted grid-meta" data-testid="grid-slurm">
          On Slurm{grid.runner.jobId ? `, job ${grid.runner.jobId}` : ' (not submitted from here)'}: bring
          finished cells home with <code>workbench grid collect {grid.runner.jobDir ?? 'DIR'}</code>
        </p>
      )}
      <div className="grid-actions">
        <GridProgress grid={grid} />
        {canCancel && !confirming && (
          <button
            type="button"
            className="button-danger"
            onClick={() => setConfirming(true)}
            data-testid="cancel-grid"
          >
            Cancel grid
          </button>
        )}
        {confirming && (
          <span className="confirm-bar" role="group" aria-label="Confirm cancelling the grid">
            Cancel {unfinished} unfinished cell{unfinished === 1 ? '' : 's'}? Finished cells keep their
            results.
            <button
              type="button"
              className="button-danger"
              disabled={busy}
              onClick={() => void act('cancel')}
              data-testid="confirm-cancel-grid"
            >
              Cancel grid
            </button>
            <button type="button" disabled={busy} onClick={() => setConfirming(false)}>
              Keep running
            </button>
          </span>
        )}
        <ExportArchiveButton
          selection={{ gridId: grid.id }}
          what={exportWhat(grid, unfinished)}
          runNames={runNames(grid)}
          testId="export-grid-archive"
        />
        {canResume && (
          <button
            type="button"
            className="button-primary"
            disabled={busy}
            onClick={() => void act('resume')}
            data-testid="resume-grid"
          >
            Resume
          </button>
        )}
      </div>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** `Grid “iris-grid”: 6 cells (2 not finished yet)`: what the grid's archive export takes. */
function exportWhat(grid: GridDetail, unfinished: number): string {
  const cells = `${grid.cells} cell${grid.cells === 1 ? '' : 's'}`;
  return `Grid “${grid.name}”: ${cells}${unfinished > 0 ? ` (${unfinished} not finished yet)` : ''}`;
}

function runNames(grid: GridDetail): Map<string, string> {
  return new Map(grid.results.flatMap((r) => (r.runId && r.runName ? [[r.runId, r.runName] as const] : [])));
}
