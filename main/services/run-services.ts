import { resolve } from 'node:path';
import type { BackendReport } from '../../common/types';
import { selectBackend } from '../engine/backend/select-backend';
import { RunStore } from '../store/run-store';
import { availableBackends } from './backends';
import type { ConfigCheckContext } from './config-check';
import { RunQueue } from './run-queue';
import { TrainingService } from './training-service';

/**
 * What every process that trains needs, put together once: the run store, the worker pool, the run queue
 * through which every run starts, and the full config check the queue's callers run first. The Electron
 * main process, `workbench serve`, `workbench run` and `workbench grid` each create one.
 */
export interface RunServices {
  dbPath: string;
  cacheDir: string;
  store: RunStore;
  training: TrainingService;
  queue: RunQueue;
  checks: ConfigCheckContext;
  /** The backend this process selected (each worker selects its own per run). */
  backend: BackendReport;
  /** Runs found orphaned and marked interrupted at start. */
  recovered: string[];
  /** Cancels what still runs (waiting up to `waitMs`), stops the pool, closes the store. */
  close(waitMs?: number): Promise<void>;
}

export interface RunServicesOptions {
  dbPath: string;
  cacheDir: string;
  workerFile: string;
  appVersion: string;
  /** Overrides the pool size the backend calls for. */
  maxWorkers?: number;
}

/** After the pool is destroyed, the runs it cut off record their status within moments. */
const AFTER_DESTROY_WAIT_MS = 2_000;

export async function openRunServices(options: RunServicesOptions): Promise<RunServices> {
  const dbPath = resolve(options.dbPath);
  const store = RunStore.open(dbPath);
  try {
    const recovered = store.markOrphanedRunsInterrupted();
    const backend = await selectBackend('auto');
    const training = new TrainingService({
      store,
      dbPath,
      cacheDir: options.cacheDir,
      workerFile: options.workerFile,
      backend: backend.chosen,
      maxWorkers: options.maxWorkers,
    });
    const queue = new RunQueue({ store, training, appVersion: options.appVersion });
    const checks: ConfigCheckContext = {
      datasets: store,
      cacheDir: options.cacheDir,
      availableBackends: await availableBackends(backend),
      candidates: backend.candidates,
    };
    let closing: Promise<void> | undefined;
    return {
      dbPath,
      cacheDir: options.cacheDir,
      store,
      training,
      queue,
      checks,
      backend,
      recovered,
      close(waitMs = 15_000) {
        closing ??= (async () => {
          const allEnded = await queue.stopAll(waitMs);
          await training.close();
          // Runs the pool cut off (a batch longer than the wait) record "failed" as it ends them.
          if (!allEnded) await queue.settled(AFTER_DESTROY_WAIT_MS);
          queue.dispose();
          store.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    store.close();
    throw error;
  }
}
