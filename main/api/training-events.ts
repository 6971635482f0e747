import type { ApiEvent } from '../../common/api/contract';
import { FINAL_STATUSES } from '../../common/types';
import type { RunQueue } from '../services/run-queue';
import type { EventHub } from './event-hub';
import { ProgressThrottle } from './progress-throttle';

/**
 * Translates the run queue's listener calls into contract events on the hub, throttling batch progress.
 * Returns the unsubscribe function.
 */
export function relayQueueEvents(
  service: RunQueue,
  hub: EventHub<ApiEvent>,
  throttle = new ProgressThrottle(),
): () => void {
  return service.subscribe({
    status(runId, status, error) {
      if (FINAL_STATUSES.includes(status)) throttle.forget(runId);
      hub.emit(
        error === undefined
          ? { type: 'run.status', runId, status }
          : { type: 'run.status', runId, status, error },
      );
    },
    started(runId, backend, trainExamples) {
      hub.emit({ type: 'run.started', runId, backend: backend.chosen, trainExamples });
    },
    progress(runId, epoch, batch, batches) {
      if (throttle.shouldSend(runId, batch, batches)) {
        hub.emit({ type: 'run.progress', runId, epoch, batch, batches });
      }
    },
    epoch(runId, metrics) {
      hub.emit({ type: 'run.epoch', runId, metrics });
    },
    point(runId, point) {
      hub.emit({ type: 'run.point', runId, point });
    },
    gridChanged(gridId) {
      hub.emit({ type: 'grid.changed', gridId });
    },
    runsChanged() {
      hub.emit({ type: 'runs.changed' });
    },
  });
}
