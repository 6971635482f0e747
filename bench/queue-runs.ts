/**
 * Runs through the product: a RunStore on a SQLite file, a TrainingService (Piscina, the built
 * out/main/training-worker.js) and the RunQueue every run starts through, as `workbench run` and
 * `workbench resume` put them together (main/services/run-services.ts), without selecting a backend in this
 * thread: the bench's runs ask for wasm, as every other product-path measurement here does. The queue's events
 * are stamped as they reach this thread.
 */
import { join } from 'node:path';
import type { RunConfig } from '../common/config/run-config';
import { resumeRun } from '../main/services/run-continuation';
import { RunQueue } from '../main/services/run-queue';
import { TrainingService } from '../main/services/training-service';
import type { TrainingTaskResult } from '../main/services/worker/messages';
import { RunStore } from '../main/store/run-store';

/** performance.now() of each event of one run, in this thread. */
export interface RunStamps {
  /** Just before the call that queued it (submit, or resumeRun with its checks). */
  called: number;
  /** The call returned: the run is queued (and, for a resume, its checkpoint was read and checked). */
  returned: number;
  /** The worker's 'started' (backend selected, dataset loaded and split, checkpoint decoded, run marked running). */
  started?: number;
  /** The first progress event: the worker has trained the first batch. */
  firstBatch?: number;
  /** Each 'epoch' event: the epoch is logged (and its checkpoint written) in the worker. */
  epochEnds: number[];
  final?: number;
}

export interface QueuedRun {
  runId: string;
  stamps: RunStamps;
  result: TrainingTaskResult;
}

export interface RunOptions {
  /** Cancel the run once it has logged this many epochs (of its own, counted from its start). */
  stopAfterEpochs?: number;
  /** Cancel the run as soon as its first batch is trained (a start-up measurement). */
  stopAtFirstBatch?: boolean;
  /** Called when the run has logged `stopAfterEpochs` epochs, in place of cancelling it (a pair's partner decides). */
  onEpochs?: (runId: string) => void;
}

export class BenchServices {
  readonly store: RunStore;
  readonly training: TrainingService;
  readonly queue: RunQueue;
  private readonly watched = new Map<string, { stamps: RunStamps; options: RunOptions }>();
  private readonly stopRelay: () => void;

  constructor(
    readonly options: { dbPath: string; cacheDir: string; workerFile: string; fingerprint: string },
  ) {
    this.store = RunStore.open(options.dbPath);
    this.training = new TrainingService({
      store: this.store,
      dbPath: options.dbPath,
      cacheDir: options.cacheDir,
      workerFile: options.workerFile,
      maxWorkers: 1,
    });
    this.queue = new RunQueue({ store: this.store, training: this.training, appVersion: 'bench' });
    // Events are relayed from the worker's port later in the event loop: subscribing once misses none.
    this.stopRelay = this.queue.subscribe({
      started: (id) => {
        const w = this.watched.get(id);
        if (w) w.stamps.started ??= performance.now();
      },
      progress: (id) => {
        const w = this.watched.get(id);
        if (!w || w.stamps.firstBatch !== undefined) return;
        w.stamps.firstBatch = performance.now();
        if (w.options.stopAtFirstBatch) this.queue.cancel(id);
      },
      epoch: (id) => {
        const w = this.watched.get(id);
        if (!w) return;
        w.stamps.epochEnds.push(performance.now());
        if (
          w.options.stopAfterEpochs !== undefined &&
          w.stamps.epochEnds.length === w.options.stopAfterEpochs
        ) {
          if (w.options.onEpochs) w.options.onEpochs(id);
          else this.queue.cancel(id);
        }
      },
    });
  }

  get checks() {
    return {
      datasets: this.store,
      cacheDir: this.options.cacheDir,
      availableBackends: ['wasm', 'cpu'] as const,
      candidates: [],
    };
  }

  /** A new run, as `workbench run` queues it. */
  submit(config: RunConfig, options: RunOptions = {}): Promise<QueuedRun> {
    const called = performance.now();
    const { runId, done } = this.queue.submit(config, this.options.fingerprint);
    return this.follow(runId, done, called, options);
  }

  /** `workbench resume RUN_ID --epochs M`: resumeRun's checks (the checkpoint read, hashes checked), then the queue. */
  resume(runId: string, epochs: number, options: RunOptions = {}): Promise<QueuedRun> {
    const called = performance.now();
    const resumed = resumeRun({ store: this.store, queue: this.queue, checks: this.checks }, runId, {
      epochs,
    });
    return this.follow(resumed.runId, resumed.done, called, options);
  }

  cancel(runId: string): void {
    this.queue.cancel(runId);
  }

  private async follow(
    runId: string,
    done: Promise<TrainingTaskResult>,
    called: number,
    options: RunOptions,
  ): Promise<QueuedRun> {
    const stamps: RunStamps = { called, returned: performance.now(), epochEnds: [] };
    this.watched.set(runId, { stamps, options });
    try {
      const result = await done;
      stamps.final = performance.now();
      const expected =
        options.stopAfterEpochs !== undefined || options.stopAtFirstBatch ? 'cancelled' : 'completed';
      if (result.status !== expected && result.status !== 'completed') {
        throw new Error(
          `run ${runId.slice(0, 8)} ended ${result.status}${result.error ? `: ${result.error}` : ''}`,
        );
      }
      return { runId, stamps, result };
    } finally {
      this.watched.delete(runId);
    }
  }

  async close(): Promise<void> {
    await this.queue.stopAll(10_000);
    await this.training.close();
    this.stopRelay();
    this.queue.dispose();
    this.store.close();
  }
}

/** A run config for the bench: the preset with a split, epochs, the wasm backend and a checkpoint policy. */
export function benchRunConfig(
  preset: RunConfig,
  changes: {
    name: string;
    split?: { train: number; validation: number; test: number };
    epochs: number;
    checkpoints: RunConfig['checkpoints'];
  },
): RunConfig {
  return {
    ...preset,
    name: changes.name,
    backend: 'wasm',
    checkpoints: changes.checkpoints,
    dataset: { ...preset.dataset, split: changes.split ?? preset.dataset.split },
    training: { ...preset.training, epochs: changes.epochs },
  };
}

/** One tiny run so that the dataset cache in `cacheDir` is built before anything is timed. */
export async function warmCache(
  preset: RunConfig,
  dir: string,
  cacheDir: string,
  workerFile: string,
  fingerprint: string,
): Promise<void> {
  const services = new BenchServices({ dbPath: join(dir, 'warm-up.db'), cacheDir, workerFile, fingerprint });
  try {
    await services.submit(
      benchRunConfig(preset, {
        name: 'bench warm-up',
        split: { train: 200, validation: 0, test: 0 },
        epochs: 1,
        checkpoints: 'none',
      }),
    );
  } finally {
    await services.close();
  }
}
