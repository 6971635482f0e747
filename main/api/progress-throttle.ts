/** At most about four progress events per second per run: enough for a smooth bar, cheap for IPC and SSE. */
export const PROGRESS_INTERVAL_MS = 250;

/**
 * Decides which batch-progress events of a run go out. The last batch of an epoch always does, so a
 * progress bar never stops short of the end of an epoch.
 */
export class ProgressThrottle {
  private readonly lastSent = new Map<string, number>();

  constructor(
    private readonly intervalMs = PROGRESS_INTERVAL_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  shouldSend(runId: string, batch: number, batches: number): boolean {
    const now = this.now();
    const last = this.lastSent.get(runId);
    if (batch < batches && last !== undefined && now - last < this.intervalMs) return false;
    this.lastSent.set(runId, now);
    return true;
  }

  /** Drops the run's state once it has ended. */
  forget(runId: string): void {
    this.lastSent.delete(runId);
  }
}
