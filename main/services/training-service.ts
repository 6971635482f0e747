import { availableParallelism } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { MessageChannel } from 'node:worker_threads';
import { Piscina } from 'piscina';
import type { RunConfig } from '../../common/config/run-config';
import type { BackendName, BackendReport, EpochMetrics, EvalPoint, RunStatus } from '../../common/types';
import type { TrainingTask, TrainingTaskResult, WorkerEvent } from './worker/messages';
import type { RunStore } from '../store/run-store';
import { recommendedWorkerCount } from './worker-count';

/** How long a finished run's status waits for its last events when the worker never closed its port. */
const EVENTS_DRAIN_TIMEOUT_MS = 2000;

export interface TrainingServiceOptions {
  store: RunStore;
  dbPath: string;
  cacheDir: string;
  /** Path of the built training worker (out/main/training-worker.js). */
  workerFile: string;
  /** The backend runs will use: sizes the pool (see recommendedWorkerCount). Default: wasm. */
  backend?: BackendName;
  /** Overrides the size the backend calls for. */
  maxWorkers?: number;
}

export interface TrainingListener {
  started?(runId: string, backend: BackendReport, trainExamples: number): void;
  progress?(runId: string, epoch: number, batch: number, batches: number): void;
  epoch?(runId: string, metrics: EpochMetrics): void;
  /** An evaluation point inside an epoch (`training.evaluateEvery`), already in the store. */
  point?(runId: string, point: EvalPoint): void;
  status?(runId: string, status: RunStatus, error?: string): void;
}

/**
 * Trains runs in a pool of worker threads; the calling thread only relays events. Every run reaches it
 * through the RunQueue, which creates the run, decides when it starts, and records its end. The pool has one
 * worker per core on wasm/cpu and a single one on native TensorFlow (pass the backend `selectBackend`
 * chose in `options.backend`).
 */
export class TrainingService {
  private readonly pool: Piscina<TrainingTask, TrainingTaskResult>;
  private readonly cancelFlags = new Map<string, Int32Array>();
  private readonly listeners = new Set<TrainingListener>();

  constructor(private readonly options: TrainingServiceOptions) {
    const maxThreads =
      options.maxWorkers ?? recommendedWorkerCount(options.backend ?? 'wasm', availableParallelism());
    this.pool = new Piscina({
      filename: options.workerFile,
      maxThreads,
      minThreads: 0,
      // A worker keeps its loaded backend and datasets for the next run a while.
      idleTimeout: 60_000,
      maxQueue: 'auto',
    });
  }

  get workerCount(): number {
    return this.pool.maxThreads;
  }

  subscribe(listener: TrainingListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Trains a run the store already holds as queued (the run queue creates it). The pool's own queue is never
   * used: the run queue hands over a run only when a worker is free.
   */
  train(
    runId: string,
    config: RunConfig,
    options: { pauseAfterEpoch?: number } = {},
  ): Promise<TrainingTaskResult> {
    const cancelFlag = new SharedArrayBuffer(4);
    this.cancelFlags.set(runId, new Int32Array(cancelFlag));
    const { port1, port2 } = new MessageChannel();
    // The worker's last event is 'end', then it closes its end. 'close' would come after every message it
    // posted too, but in the pool it was seen not to arrive within the 2 s bound, which every run then waited
    // out. The task's result travels on another channel and can overtake the last epoch event, so the final
    // status waits for either (bounded: a worker that died sends neither).
    let drained = () => {};
    const eventsDrained = new Promise<void>((resolve) => {
      drained = resolve;
      port1.once('close', () => resolve());
    });
    port1.on('message', (event: WorkerEvent) => {
      if (event.type === 'end') drained();
      else this.relay(event);
    });
    const task: TrainingTask = {
      runId,
      dbPath: this.options.dbPath,
      config,
      cacheDir: this.options.cacheDir,
      cancelFlag,
      events: port2,
      pauseAfterEpoch: options.pauseAfterEpoch,
    };
    return this.pool
      .run(task, { transferList: [port2] })
      .catch((err: unknown): TrainingTaskResult => {
        // The worker itself died (e.g. out of memory): the run must not stay "running".
        const message = `training worker crashed: ${err instanceof Error ? err.message : String(err)}`;
        try {
          this.options.store.finishRun(runId, 'failed', message);
          return { runId, status: 'failed', epochs: 0, error: message };
        } catch (storeError) {
          // A full or failing disk: the queue records it once the store takes writes again.
          const why = storeError instanceof Error ? storeError.message : String(storeError);
          return {
            runId,
            status: 'failed',
            epochs: 0,
            error: `${message}; not recorded yet (${why})`,
            recorded: false,
          };
        }
      })
      .then(async (result) => {
        // Unref'd: a pending bound must not keep a finished CLI process alive for its 2 s.
        await Promise.race([eventsDrained, delay(EVENTS_DRAIN_TIMEOUT_MS, undefined, { ref: false })]);
        port1.close();
        this.cancelFlags.delete(runId);
        this.emit((l) => l.status?.(runId, result.status, result.error));
        return result;
      });
  }

  /** Asks a queued or running run to stop; it stops before its next batch. */
  cancel(runId: string): boolean {
    const flag = this.cancelFlags.get(runId);
    if (!flag) return false;
    Atomics.store(flag, 0, 1);
    return true;
  }

  cancelAll(): void {
    for (const runId of this.cancelFlags.keys()) this.cancel(runId);
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }

  private relay(event: WorkerEvent): void {
    switch (event.type) {
      case 'started':
        this.emit((l) => l.status?.(event.runId, 'running'));
        this.emit((l) => l.started?.(event.runId, event.backend, event.trainExamples));
        break;
      case 'progress':
        this.emit((l) => l.progress?.(event.runId, event.epoch, event.batch, event.batches));
        break;
      case 'epoch':
        this.emit((l) => l.epoch?.(event.runId, event.metrics));
        break;
      case 'point':
        this.emit((l) => l.point?.(event.runId, event.point));
        break;
    }
  }

  private emit(call: (listener: TrainingListener) => void): void {
    for (const listener of this.listeners) call(listener);
  }
}
