import { hostname } from 'node:os';
import { isBuiltinDatasetId } from '../../datasets/builtins';
import { loadDataset } from '../../datasets/catalog';
import type { LoadedDataset } from '../../datasets/types';
import { prepareTrainingData } from '../../datasets/prepare';
import { RunStore } from '../../store/run-store';
import { selectBackend } from '../../engine/backend/select-backend';
import { trainRun } from '../../engine/training/train-run';
import { bestCheckpointMonitor, keepsAny, policyOf } from '../../../common/checkpoints/policy';
import { encodeTrainingState, type EncodedState } from '../../../common/checkpoints/training-state';
import { planTrainingStart } from './training-start';
import { stepsPerEpoch } from '../../../common/metrics/eval-points';
import type { TrainingTask, TrainingTaskResult, WorkerEvent } from './messages';
import { asStorageFault, ensureReserve, recordOutcome, type Outcome } from './storage-faults';

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

/**
 * The last built-in dataset this worker loaded: a grid's cells train on the same one, and MNIST takes about
 * 0.2 s to read from the cache each time. Built-ins never change under an id; imported ones are read anew.
 */
let lastBuiltin: { key: string; loaded: LoadedDataset } | null = null;

function loadFor(task: TrainingTask, store: RunStore): LoadedDataset {
  const { id } = task.config.dataset;
  if (!isBuiltinDatasetId(id)) return loadDataset(id, store, { cacheDir: task.cacheDir });
  const key = `${id}\0${task.cacheDir}`;
  if (lastBuiltin?.key !== key) {
    lastBuiltin = null; // the old one may go before the new one loads
    lastBuiltin = { key, loaded: loadDataset(id, store, { cacheDir: task.cacheDir }) };
  }
  return lastBuiltin.loaded;
}

const PROGRESS_INTERVAL_MS = 250;

export default async function runTrainingTask(task: TrainingTask): Promise<TrainingTaskResult> {
  const { runId, config, events } = task;
  const post = (event: WorkerEvent) => events.postMessage(event);
  const cancel = new Int32Array(task.cancelFlag);
  const store = storeFor(task.dbPath);
  // Room to record this run's failure should the disk fill up under it (see storage-faults.ts).
  ensureReserve(task.dbPath);
  let epochs = 0;
  /** The final status goes to the store first; the result says when it could not (a storage fault). */
  const finish = async (outcome: Outcome, epochCount: number): Promise<TrainingTaskResult> => {
    const recording = await recordOutcome(store, task.dbPath, outcome);
    const result: TrainingTaskResult = {
      runId,
      status: outcome.status,
      epochs: epochCount,
      error: outcome.error,
    };
    if (recording.recorded) return result;
    const error = [outcome.error, `the run could not be marked ${outcome.status} (${recording.why})`];
    return { ...result, error: error.filter(Boolean).join('; '), recorded: false };
  };
  try {
    // Selected per run: runs with different backend preferences may share this worker. Loading is cached
    // by tfjs, so this costs only the smoke test.
    const backend = await selectBackend(config.backend);
    const loaded = loadFor(task, store);
    const data = prepareTrainingData(loaded, config.dataset);
    // A resumed run goes on from its last checkpoint, a fork from its parent's; read before it is started,
    // so that a damaged checkpoint fails the run without a moment of "running".
    const start = planTrainingStart(store, runId);
    const policy = policyOf(config);
    if (Atomics.load(cancel, 0) === 1) {
      // Cancelled while it waited in the queue: it never ran.
      return await finish({ runId, status: 'cancelled' }, 0);
    }
    try {
      store.startRun(runId, { backend, pid: process.pid, host: hostname() });
    } catch (err) {
      throw asStorageFault(err, 'starting the run');
    }
    store.recordSchedule(runId, {
      trainExamples: data.train.count,
      stepsPerEpoch: stepsPerEpoch(data.train.count, config.training.batchSize),
      evaluateEvery: config.training.evaluateEvery ?? null,
    });
    post({ type: 'started', runId, backend, trainExamples: data.train.count });

    let lastProgress = 0;
    // The last epoch's encoded checkpoint, written again by the next (the store copied its bytes).
    let encoded: EncodedState | null = null;
    epochs = start?.state.epoch ?? 0;
    const outcome = await trainRun(
      config,
      data,
      {
        onEpoch(metrics, state, layers) {
          try {
            if (keepsAny(policy)) encoded = encodeTrainingState(state(), encoded);
            const checkpoint = encoded
              ? { policy, monitor: bestCheckpointMonitor(config, metrics), state: encoded }
              : null;
            store.appendEpoch(runId, metrics, checkpoint, layers);
          } catch (err) {
            // Ends the run: SQLite rolled this epoch back; the ones before it are committed and stay.
            throw asStorageFault(err, `logging epoch ${metrics.epoch}`);
          }
          epochs = metrics.epoch;
          post({ type: 'epoch', runId, metrics });
        },
        onPoint(point, layers) {
          try {
            store.appendPoint(runId, point, layers);
          } catch (err) {
            throw asStorageFault(err, `logging the point at step ${point.step}`);
          }
          post({ type: 'point', runId, point });
        },
        shouldStop: () => Atomics.load(cancel, 0) === 1,
        onBatch(epoch, batch, batches) {
          const now = Date.now();
          if (now - lastProgress >= PROGRESS_INTERVAL_MS || batch === batches) {
            lastProgress = now;
            post({ type: 'progress', runId, epoch, batch, batches });
          }
        },
      },
      start,
      { pauseAfterEpoch: task.pauseAfterEpoch },
    );
    const error = outcome.status === 'diverged' ? outcome.message : undefined;
    const earlyStop = outcome.status === 'completed' ? outcome.earlyStop : undefined;
    return await finish({ runId, status: outcome.status, error, earlyStop }, outcome.epochs);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return await finish({ runId, status: 'failed', error: message }, epochs);
  } finally {
    // Says "nothing more" on the channel itself: the pool's result can overtake these events, and the port's
    // 'close' does not always reach the other side promptly.
    post({ type: 'end', runId });
    events.close();
  }
}
