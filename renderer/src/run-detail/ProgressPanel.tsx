import { useState } from 'react';
import type { EpochMetrics, RunStatus } from '../../../common/types';
import { useClient } from '../client/client-context';
import { errorMessage } from '../client/errors';
import { formatDuration } from '../common/format';
import { etaSeconds, type BatchProgress } from './live-run';

interface ProgressPanelProps {
  runId: string;
  runName: string;
  status: RunStatus;
  epochs: readonly EpochMetrics[];
  planned: number | null;
  progress: BatchProgress | null;
}

/** Shown while a run is queued or training: where it is, how long it still needs, and a way to stop it. */
export function ProgressPanel({ runId, runName, status, epochs, planned, progress }: ProgressPanelProps) {
  const client = useClient();
  const [confirming, setConfirming] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The last epoch's number, not the count: a fork's or a resumed run's epochs start after the parent's.
  const done = epochs.at(-1)?.epoch ?? 0;
  const current = Math.min(done + 1, planned ?? done + 1);
  const eta = etaSeconds(epochs, planned, progress);
  const batchFraction = progress && progress.batches > 0 ? progress.batch / progress.batches : 0;

  async function cancel() {
    setCancelling(true);
    setError(null);
    try {
      await client.call('runs.cancel', { runId });
      setConfirming(false);
    } catch (e) {
      setError(errorMessage(e));
      setCancelling(false);
    }
  }

  return (
    <section className="panel progress-panel" data-testid="epoch-progress" aria-label="Training progress">
      <div className="progress-row">
        <span className="progress-label">
          {status === 'queued' ? 'Waiting for a training worker…' : `Epoch ${current}/${planned ?? '?'}`}
        </span>
        <progress
          max={planned ?? 1}
          value={planned ? Math.min(done + batchFraction, planned) : 0}
          aria-label="Epochs done"
        />
      </div>
      {status === 'running' && progress && (
        <div className="progress-row">
          <span className="progress-label" data-testid="batch-progress">
            {/* One batch per epoch is full-batch training: "Batch 1/1" would read like a stalled run. */}
            {progress.batches === 1
              ? 'Full batch: one step per epoch'
              : `Batch ${progress.batch}/${progress.batches}`}
          </span>
          {progress.batches > 1 && (
            <progress max={progress.batches} value={progress.batch} aria-label="Batches done in this epoch" />
          )}
        </div>
      )}
      <div className="progress-row">
        <span className="muted" data-testid="eta">
          {eta === null ? 'Time left: after the first epoch' : `About ${formatDuration(eta)} left`}
        </span>
        {!confirming && (
          <button
            type="button"
            className="button-danger"
            data-testid="cancel-run"
            onClick={() => setConfirming(true)}
            disabled={cancelling}
          >
            {cancelling ? 'Cancelling…' : 'Cancel run'}
          </button>
        )}
      </div>
      {confirming && (
        // Asked in place, as deleting is: a stray click must not end hours of training.
        <div className="confirm-bar" role="alertdialog" aria-label="Confirm cancelling the run">
          <span>
            Stop training {runName}?{' '}
            {done === 0
              ? 'No epoch has been logged yet.'
              : `The ${done} epoch${done === 1 ? '' : 's'} logged so far are kept.`}
          </span>
          <button
            type="button"
            className="button-danger"
            data-testid="confirm-cancel-run"
            onClick={() => void cancel()}
            disabled={cancelling}
            autoFocus
          >
            {cancelling ? 'Cancelling…' : 'Stop training'}
          </button>
          <button type="button" onClick={() => setConfirming(false)} disabled={cancelling}>
            Keep training
          </button>
        </div>
      )}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
