import { hostname } from 'node:os';
import { loadDataset } from '../../datasets/catalog';
import { prepareTrainingData } from '../../datasets/prepare';
import { RunStore } from '../../store/run-store';
import { selectBackend } from '../../engine/backend/select-backend';
import { trainRun } from '../../engine/training/train-run';
import type { TrainingTask, TrainingTaskResult, WorkerEvent } from './messages';

// Loaded once per worker thread: the DB connection outlives a single run.
const stores = new Map<string, RunStore>();

function storeFor(path: string): RunStore {
  let store = stores.get(path);
  if (!store) {
    store = RunStore.open(path);
    stores.set(path, store);
  }
  return store;
}

const PROGRESS_INTERVAL_MS = 250;

export default async function runTrainingTask(task: TrainingTask): Promise<TrainingTaskResult> {
  const { runId, config, events } = task;
  const post = (event: WorkerEvent) => events.postMessage(event);
  const cancel = new Int32Array(task.cancelFlag);
  const store = storeFor(task.dbPath);
  let epochs = 0;
  try {
    // Selected per run: runs with different backend preferences may share this worker. Loading is cached
    // by tfjs, so this costs only the smoke test.
    const backend = await selectBackend(config.backend);
    const loaded = loadDataset(config.dataset.id, store, { cacheDir: task.cacheDir });
    const data = prepareTrainingData(loaded, config.dataset);
    if (Atomics.load(cancel, 0) === 1) {
      // Cancelled while it waited in the queue: it never ran.
      store.finishRun(runId, 'cancelled');
      return { runId, status: 'cancelled', epochs: 0 };
    }
    store.startRun(runId, { backend, pid: process.pid, host: hostname() });
    post({ type: 'started', runId, backend, trainExamples: data.train.count });

    let lastProgress = 0;
    const outcome = await trainRun(config, data, {
      onEpoch(metrics) {
        store.appendEpoch(runId, metrics);
        epochs = metrics.epoch;
        post({ type: 'epoch', runId, metrics });
      },
      shouldStop: () => Atomics.load(cancel, 0) === 1,
      onBatch(epoch, batch, batches) {
        const now = Date.now();
        if (now - lastProgress >= PROGRESS_INTERVAL_MS || batch === batches) {
          lastProgress = now;
          post({ type: 'progress', runId, epoch, batch, batches });
        }
      },
    });
    const error = outcome.status === 'diverged' ? outcome.message : undefined;
    store.finishRun(runId, outcome.status, error);
    return { runId, status: outcome.status, epochs: outcome.epochs, error };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    store.finishRun(runId, 'failed', message);
    return { runId, status: 'failed', epochs, error: message };
  } finally {
    events.close();
  }
}
