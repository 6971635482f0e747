import { useState } from 'react';
import type { EpochMetrics, RunStatus } from '../../../common/types';
import { useClient } from '../client/client-context';
import { errorMessage } from '../client/errors';
import { formatDuration } from '../common/format';
import { etaSeconds, type BatchProgress } from './live-run';

interface ProgressPanelProps {
  runId: string;
  status: RunStatus;
  epochs: readonly EpochMetrics[];
  planned: number | null;
  progress: BatchProgress | null;
}

/** Shown while a run is queued or training: where it is, how long it still needs, and a way to stop it. */
export function ProgressPanel({ runId, status, epochs, planned, progress }: ProgressPanelProps) {
  const client = useClient();
  const [cancelling, setCancelling] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const done = epochs.length;
  const current = Math.min(done + 1, planned ?? done + 1);
  const eta = etaSeconds(epochs, planned, progress);
  const batchFraction = progress && progress.batches > 0 ? progress.batch / progress.batches : 0;

  async function cancel() {
    setCancelling(true);
    setError(null);
    try {
      await client.call('runs.cancel', { runId });
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
          <span className="progress-label">
            Batch {progress.batch}/{progress.batches}
          </span>
          <progress max={progress.batches} value={progress.batch} aria-label="Batches done in this epoch" />
        </div>
      )}
      <div className="progress-row">
        <span className="muted" data-testid="eta">
          {eta === null ? 'Time left: after the first epoch' : `About ${formatDuration(eta)} left`}
        </span>
        <button
          type="button"
          className="button-danger"
          data-testid="cancel-run"
          onClick={() => void cancel()}
          disabled={cancelling}
        >
          {cancelling ? 'Cancelling…' : 'Cancel run'}
        </button>
      </div>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
