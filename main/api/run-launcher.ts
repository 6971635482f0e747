import type { ApiEvent } from '../../common/api/contract';
import type { RunConfig } from '../../common/config/run-config';
import type { TrainingService } from '../services/training-service';
import { ConflictError } from './errors';
import type { EventHub } from './event-hub';

/**
 * Starts runs on the training service and keeps track of those not yet ended, so that closing the
 * backend can cancel them and wait until each has written its final status.
 */
export class RunLauncher {
  private readonly active = new Set<Promise<void>>();
  private stopping = false;

  constructor(
    private readonly training: TrainingService,
    private readonly events: EventHub<ApiEvent>,
  ) {}

  /** Queues a run whose config and dataset were checked; returns its id. */
  start(config: RunConfig, datasetFingerprint: string): string {
    if (this.stopping) throw new ConflictError('the workbench is shutting down: it starts no new runs');
    const { runId, done } = this.training.start(config, datasetFingerprint);
    const ended: Promise<void> = done.then(
      () => undefined,
      () => undefined,
    );
    this.active.add(ended);
    void ended.then(() => this.active.delete(ended));
    this.events.emit({ type: 'runs.changed' });
    return runId;
  }

  /** Refuses new runs, cancels every run and waits up to `timeoutMs` for them to end. True if all did. */
  async stopAll(timeoutMs: number): Promise<boolean> {
    this.stopping = true;
    this.training.cancelAll();
    return this.settled(timeoutMs);
  }

  /** Waits up to `timeoutMs` for the runs started so far to end. True if all did. */
  async settled(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    try {
      return await Promise.race([Promise.all([...this.active]).then(() => true as const), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
