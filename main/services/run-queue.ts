import type { RunConfig } from '../../common/config/run-config';
import type { RunStatus } from '../../common/types';
import {
  currentProcessOwner,
  heartbeatIntervalMs,
  isProcessAliveOnThisHost,
  staleAfterMs,
} from '../store/liveness';
import type { NewGrid } from '../store/grids';
import type { RunStore } from '../store/run-store';
import type { RunOwner } from '../store/types';
import { ConflictError, NotFoundError } from './errors';
import type { TrainingListener, TrainingService } from './training-service';
import type { TrainingTaskResult } from './worker/messages';

/**
 * The one way a run starts: a single run from the UI or the CLI, a re-run, every grid cell. The queue
 * creates the run in the store (owned by this process), hands it to the worker pool when a worker is free,
 * and keeps the pool full: single runs first, then grid cells claimed one at a time from the store, round
 * robin over the grids this process drives. Because a cell is claimed in the store, any number of processes
 * may drive the same grid without training a cell twice.
 *
 * It also keeps this process's runs alive in the store (a heartbeat), answers cancel requests other
 * processes leave there, and interrupts runs whose owner has gone silent, so that a crash anywhere ends
 * as `interrupted` within a bounded time.
 */

export interface QueueListener extends TrainingListener {
  /** A grid's status or one of its cells changed. */
  gridChanged?(gridId: string): void;
  /** Runs were created, interrupted or otherwise changed outside the training events. */
  runsChanged?(): void;
}

export interface RunQueueOptions {
  store: RunStore;
  training: TrainingService;
  appVersion: string;
  owner?: RunOwner;
  heartbeatMs?: number;
}

interface PendingRun {
  runId: string;
  config: RunConfig;
  settle: (result: TrainingTaskResult) => void;
}

interface ActiveRun {
  gridId: string | null;
  done: Promise<TrainingTaskResult>;
}

export class RunQueue {
  private readonly store: RunStore;
  private readonly training: TrainingService;
  private readonly owner: RunOwner & { token: string };
  private readonly singles: PendingRun[] = [];
  private readonly active = new Map<string, ActiveRun>();
  /** Grids this process claims cells of, in round-robin order. */
  private readonly driven: string[] = [];
  /** Final statuses the store could not take when the run ended (a full disk): retried at every heartbeat. */
  private readonly unrecorded = new Map<string, TrainingTaskResult>();
  /** Per driven grid: cells cancelled before this time (its resume) train again. */
  private readonly retryCancelledBefore = new Map<string, string>();
  private readonly listeners = new Set<QueueListener>();
  private readonly stopTrainingRelay: () => void;
  private readonly timer: NodeJS.Timeout;
  private nextGrid = 0;
  private closing = false;

  constructor(private readonly options: RunQueueOptions) {
    this.store = options.store;
    this.training = options.training;
    const owner = options.owner ?? currentProcessOwner();
    this.owner = { ...owner, token: owner.token ?? `${owner.host}:${owner.pid}` };
    this.stopTrainingRelay = this.training.subscribe({
      started: (...args) => this.emit((l) => l.started?.(...args)),
      progress: (...args) => this.emit((l) => l.progress?.(...args)),
      epoch: (...args) => this.emit((l) => l.epoch?.(...args)),
      point: (...args) => this.emit((l) => l.point?.(...args)),
      status: (runId, status, error) => {
        this.emit((l) => l.status?.(runId, status, error));
        const gridId = this.active.get(runId)?.gridId;
        if (gridId) this.emit((l) => l.gridChanged?.(gridId));
      },
    });
    this.timer = setInterval(() => this.tick(), options.heartbeatMs ?? heartbeatIntervalMs());
    // The heartbeat must not keep a CLI process alive on its own.
    this.timer.unref();
  }

  get workerCount(): number {
    return this.training.workerCount;
  }

  get ownerToken(): string {
    return this.owner.token;
  }

  /** Runs this process has started or holds waiting, by id. */
  runIds(): string[] {
    return [...this.active.keys(), ...this.singles.map((p) => p.runId)];
  }

  subscribe(listener: QueueListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Queues a single run whose config (and dataset) passed the full check; it starts at the next free worker. */
  submit(
    config: RunConfig,
    datasetFingerprint: string,
    parent?: { runId: string; epoch: number },
  ): { runId: string; done: Promise<TrainingTaskResult> } {
    if (this.closing) throw new ConflictError('the workbench is shutting down: it starts no new runs');
    const run = this.store.createRun({
      config,
      datasetFingerprint,
      appVersion: this.options.appVersion,
      owner: this.owner,
      parent,
    });
    return this.enqueue(run.id, config);
  }

  private enqueue(runId: string, config: RunConfig): { runId: string; done: Promise<TrainingTaskResult> } {
    let settle!: (result: TrainingTaskResult) => void;
    const done = new Promise<TrainingTaskResult>((resolve) => (settle = resolve));
    this.singles.push({ runId, config, settle });
    this.emit((l) => l.status?.(runId, 'queued'));
    this.emit((l) => l.runsChanged?.());
    this.pump();
    return { runId, done };
  }

  /**
   * Queues a stopped run again in place (store/run-continuation.ts), owned by this process, to train on from
   * its last checkpoint; it starts at the next free worker, as a single run.
   */
  resume(
    runId: string,
    input: { config: RunConfig; fromEpoch: number },
  ): { runId: string; done: Promise<TrainingTaskResult> } {
    if (this.closing) throw new ConflictError('the workbench is shutting down: it resumes no runs');
    this.store.requeueRun(runId, { ...input, owner: this.owner });
    return this.enqueue(runId, input.config);
  }

  /** Stores a planned grid (every cell already checked) and starts driving it. */
  startGrid(grid: NewGrid): string {
    if (this.closing) throw new ConflictError('the workbench is shutting down: it starts no new grids');
    const gridId = this.store.grids.createGrid(grid, this.owner);
    this.drive(gridId);
    return gridId;
  }

  /**
   * Continues an unfinished (or cancelled) grid: finished cells stay, pending, interrupted and cancelled cells
   * train. Runs whose owner died are interrupted first, so their cells are free to claim. Returns the cells
   * left to start.
   */
  resumeGrid(gridId: string): number {
    if (this.closing) throw new ConflictError('the workbench is shutting down: it resumes no grids');
    const grid = this.store.grids.getGrid(gridId);
    if (!grid) throw new NotFoundError(`no grid with id ${gridId}`);
    // Its cells train as Slurm array tasks; training them here too would race the cluster for the same cells.
    if (grid.runner === 'slurm') {
      const dir = grid.jobDir ?? 'DIR';
      throw new ConflictError(
        `grid ${grid.id} runs on Slurm: bring its results home with \`workbench grid collect ${dir}\`, ` +
          `submit its missing cells again with \`workbench grid resubmit ${dir}\``,
      );
    }
    this.sweepOrphans();
    this.store.grids.takeOver(gridId, this.owner);
    this.retryCancelledBefore.set(gridId, this.store.grids.timestampNow());
    this.drive(gridId);
    return this.pendingCells(gridId);
  }

  /**
   * Resumes every grid left `running` by a process that is gone (no heartbeat, or a dead pid on this host):
   * what the app, `serve` and `workbench grid resume` do at start. Returns their ids.
   */
  resumeOrphanedGrids(): string[] {
    this.sweepOrphans();
    const stale = staleAfterMs();
    const now = Date.now();
    const resumed: string[] = [];
    for (const grid of this.store.grids.listGrids()) {
      // A Slurm grid's tasks train elsewhere, each into its own store: nothing here is orphaned.
      if (grid.status !== 'running' || grid.runner === 'slurm' || this.driven.includes(grid.id)) continue;
      const owner = grid.owner;
      const silent = !owner?.heartbeatAt || now - Date.parse(owner.heartbeatAt) > stale;
      const gone = !owner || silent || !isProcessAliveOnThisHost(owner.pid, owner.host);
      if (owner?.token === this.owner.token || !gone) continue;
      this.resumeGrid(grid.id);
      resumed.push(grid.id);
    }
    return resumed;
  }

  /** Stops a grid: no cell starts any more, and its queued and running cells are cancelled (here or elsewhere). */
  cancelGrid(gridId: string): number {
    if (!this.store.grids.getGrid(gridId)) throw new NotFoundError(`no grid with id ${gridId}`);
    this.store.grids.setCancelled(gridId);
    this.stopDriving(gridId);
    let cancelled = 0;
    for (const run of this.store.grids.gridRuns(gridId)) {
      if ((run.status === 'queued' || run.status === 'running') && this.cancel(run.id)) cancelled += 1;
    }
    this.emit((l) => l.gridChanged?.(gridId));
    return cancelled;
  }

  /**
   * Cancels a queued or running run: at once if it waits here, before its next batch if it trains here, and
   * at its owner's next heartbeat if another process trains it. False when it is not queued or running.
   */
  cancel(runId: string): boolean {
    const waiting = this.singles.findIndex((p) => p.runId === runId);
    if (waiting >= 0) {
      const [pending] = this.singles.splice(waiting, 1);
      this.store.finishRun(runId, 'cancelled');
      this.emit((l) => l.status?.(runId, 'cancelled'));
      pending.settle({ runId, status: 'cancelled', epochs: 0 });
      return true;
    }
    if (this.active.has(runId)) return this.training.cancel(runId);
    return this.store.requestCancel(runId);
  }

  /**
   * Stops claiming grid cells and cancels everything this process runs or holds, leaving grids resumable
   * (their cancelled cells train again on resume). Waits up to `timeoutMs`; true if every run ended.
   */
  async stopAll(timeoutMs: number): Promise<boolean> {
    this.closing = true;
    this.driven.length = 0;
    for (const pending of [...this.singles]) this.cancel(pending.runId);
    for (const runId of this.active.keys()) this.training.cancel(runId);
    return this.settled(timeoutMs);
  }

  /** Waits up to `timeoutMs` for the runs this process has started to end. True if all did. */
  async settled(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      const all = Promise.all([...this.active.values()].map((a) => a.done)).then(() => true as const);
      return await Promise.race([all, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Resolves once the grid has no cell left here to start or train (or it was cancelled or stopped). */
  async gridIdle(gridId: string): Promise<void> {
    for (;;) {
      const mine = [...this.active.values()].filter((a) => a.gridId === gridId).map((a) => a.done);
      if (mine.length === 0 && !this.driven.includes(gridId)) return;
      if (mine.length > 0) await Promise.race(mine);
      else {
        await new Promise((resolve) => setTimeout(resolve, 100));
        // Nothing of it trains here: a pruned grid's rung may be due now (decided by this process or another).
        this.pump();
      }
    }
  }

  /** Stops the heartbeat and the relay; call after stopAll/settled. Leaves the training pool to its owner. */
  dispose(): void {
    clearInterval(this.timer);
    this.stopTrainingRelay();
    this.listeners.clear();
  }

  private drive(gridId: string): void {
    if (!this.driven.includes(gridId)) this.driven.push(gridId);
    this.emit((l) => l.gridChanged?.(gridId));
    this.pump();
  }

  private stopDriving(gridId: string): void {
    const i = this.driven.indexOf(gridId);
    if (i >= 0) this.driven.splice(i, 1);
  }

  private pendingCells(gridId: string): number {
    const counts = this.store.grids.statusCounts().get(gridId);
    return (
      (counts?.get('pending') ?? 0) +
      (counts?.get('interrupted') ?? 0) +
      (counts?.get('cancelled') ?? 0) +
      (counts?.get('paused') ?? 0)
    );
  }

  /** Fills every free worker: waiting single runs first, then the next cell of each driven grid in turn. */
  private pump(): void {
    while (!this.closing && this.active.size < this.training.workerCount) {
      const single = this.singles.shift();
      if (single) {
        this.dispatch(single.runId, single.config, null).then(single.settle, () => undefined);
        continue;
      }
      const claimed = this.claimCell();
      if (!claimed) break;
      this.dispatch(claimed.runId, claimed.config, claimed.gridId, claimed.pauseAfterEpoch);
      this.emit((l) => l.status?.(claimed.runId, 'queued'));
      this.emit((l) => l.gridChanged?.(claimed.gridId));
      this.emit((l) => l.runsChanged?.());
    }
  }

  private claimCell(): {
    runId: string;
    config: RunConfig;
    gridId: string;
    pauseAfterEpoch?: number;
  } | null {
    for (let tried = 0; tried < this.driven.length;) {
      this.nextGrid %= this.driven.length;
      const gridId = this.driven[this.nextGrid];
      const claimed = this.store.grids.claimNextCell(
        gridId,
        this.owner,
        this.options.appVersion,
        this.retryCancelledBefore.get(gridId) ?? '',
        (pruned) => {
          for (const runId of pruned) this.emit((l) => l.status?.(runId, 'pruned'));
          this.emit((l) => l.gridChanged?.(gridId));
        },
      );
      if (claimed) {
        this.nextGrid += 1;
        const { runId, config, pauseAfterEpoch } = claimed;
        return { runId, config, gridId, pauseAfterEpoch };
      }
      // A pruned grid waiting at a rung for cells that still train (here or in another process) has work
      // again once they reach it: it stays driven, and the heartbeat looks again.
      if (this.waitsAtRung(gridId)) {
        this.nextGrid += 1;
        tried += 1;
        continue;
      }
      // Nothing left to start here: stop driving it; whoever ends its last cell marks it completed.
      this.stopDriving(gridId);
      this.finishGridIfDone(gridId);
      tried = 0;
      if (this.driven.length === 0) return null;
    }
    return null;
  }

  /**
   * A pruned grid with cells still training (here or elsewhere): once they reach their rung it is decided and
   * its promoted cells are free to claim.
   */
  private waitsAtRung(gridId: string): boolean {
    const grid = this.store.grids.getGrid(gridId);
    if (!grid || grid.status !== 'running' || grid.pruning === null) return false;
    const counts = this.store.grids.statusCounts().get(gridId);
    // Paused cells count too: a claim that found their rung undecided a moment ago (another cell's end not
    // yet read) is tried again, rather than the grid left running with nobody to decide it.
    // (A Slurm task's store decides no rung: its cell paused at its target is done for this array.)
    const waiting = grid.pruning.targets ? [] : (['paused'] as const);
    return (['queued', 'running', ...waiting] as const).some((s) => (counts?.get(s) ?? 0) > 0);
  }

  private dispatch(
    runId: string,
    config: RunConfig,
    gridId: string | null,
    pauseAfterEpoch?: number,
  ): Promise<TrainingTaskResult> {
    const done = this.training.train(runId, config, { pauseAfterEpoch }).then((result) => {
      this.active.delete(runId);
      if (result.recorded === false) this.unrecorded.set(runId, result);
      // A process shutting down leaves its grids resumable rather than finishing them.
      if (gridId && !this.closing) {
        this.finishGridIfDone(gridId);
        this.emit((l) => l.gridChanged?.(gridId));
      }
      this.pump();
      return result;
    });
    this.active.set(runId, { gridId, done });
    return done;
  }

  private finishGridIfDone(gridId: string): void {
    if (this.store.grids.finishIfDone(gridId)) this.emit((l) => l.gridChanged?.(gridId));
  }

  /** Every few seconds: prove this process alive, take cancel requests, and interrupt silent owners' runs. */
  private tick(): void {
    this.recordLateFinishes();
    try {
      this.store.heartbeat(this.owner.token);
      for (const runId of this.store.cancelRequests(this.owner.token)) this.cancel(runId);
      this.sweepOrphans();
      // A pruned grid's rung may have been decided by another process: its promoted cells are free now.
      if (this.driven.length > 0) this.pump();
    } catch (error) {
      // A locked or full database must not crash the process; the next tick tries again.
      process.emitWarning(`run queue heartbeat failed: ${(error as Error).message}`);
    }
  }

  /**
   * A run whose worker could not write its final status (the disk was full) must not stay `running` while
   * this process heartbeats it: its status is written as soon as the store takes writes again.
   */
  private recordLateFinishes(): void {
    for (const [runId, result] of this.unrecorded) {
      try {
        this.store.finishRun(runId, result.status, result.error);
        this.unrecorded.delete(runId);
        this.emit((l) => l.runsChanged?.());
      } catch {
        // Still not writable: try again at the next tick.
      }
    }
  }

  private sweepOrphans(): void {
    const interrupted = this.store.markOrphanedRunsInterrupted();
    if (interrupted.length === 0) return;
    for (const runId of interrupted) this.emit((l) => l.status?.(runId, 'interrupted' as RunStatus));
    this.emit((l) => l.runsChanged?.());
    for (const grid of this.store.grids.listGrids()) {
      if (grid.status === 'running') this.emit((l) => l.gridChanged?.(grid.id));
    }
    // A driven grid may have cells free to claim again.
    this.pump();
  }

  private emit(call: (listener: QueueListener) => void): void {
    for (const listener of this.listeners) call(listener);
  }
}
