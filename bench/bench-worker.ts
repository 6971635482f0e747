/**
 * One benchmark task in a worker thread, on the engine's real code path: selectBackend('wasm'), the built-in
 * dataset through loadDataset/prepareTrainingData (with an in-memory RunStore), then trainRun. Only the
 * training steps are timed, from trainRun's onBatch callbacks.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MessageChannel, parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs-core';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { runConfigSchema } from '../common/config/run-config';
import { loadDataset } from '../main/datasets/catalog';
import { prepareTrainingData } from '../main/datasets/prepare';
import { selectBackend } from '../main/engine/backend/select-backend';
import { trainRun } from '../main/engine/training/train-run';
import { RunStore } from '../main/store/run-store';
import { currentProcessOwner } from '../main/store/liveness';
import runTrainingTask from '../main/services/worker/training-worker';
import type {
  BackendFacts,
  CellMemory,
  CellsTask,
  EpochsTask,
  MainToWorker,
  MatMulMeasurement,
  MatMulTask,
  ProfileTask,
  TrainMeasurement,
  TrainTask,
  WorkerInput,
  WorkerToMain,
} from './protocol';
import { median, rowsOfStep, stepWindow, type StepStamp } from './stats';
import { StepProfiler } from './step-profile';

const port = parentPort;
if (port === null) throw new Error('bench-worker.ts runs as a worker thread');
const input = workerData as WorkerInput;
const stopFlag = new Int32Array(input.stopFlag);

function post(message: WorkerToMain): void {
  port?.postMessage(message);
}

function waitForGo(): Promise<void> {
  return new Promise((resolve) => {
    const listener = (message: MainToWorker) => {
      if (message.type !== 'go') return;
      port?.off('message', listener);
      resolve();
    };
    port?.on('message', listener);
  });
}

async function backendFacts(): Promise<BackendFacts> {
  const report = await selectBackend('wasm');
  return {
    tfjsBackend: report.tfjsBackend,
    wasmSimd: (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true,
    wasmThreads: getThreadsCount(),
    matmul: report.matmul,
  };
}

async function train(task: TrainTask): Promise<void> {
  const backend = await backendFacts();
  const config = runConfigSchema.parse(task.config);
  const data = prepareTrainingData(loadDataset(config.dataset.id, RunStore.open(':memory:')), config.dataset);
  const batchSize = config.training.batchSize === 'full' ? data.train.count : config.training.batchSize;
  const needed = task.warmup + task.measure;
  const stamps: StepStamp[] = [];
  let reported = false;

  post({ type: 'ready', backend, trainExamples: data.train.count });
  await waitForGo();
  const report = () => {
    const window = stepWindow(stamps, task.warmup, task.measure, rowsOfStep(data.train.count, batchSize));
    const result: TrainMeasurement = {
      batchSize,
      samples: window.samples,
      seconds: window.ms / 1000,
      samplesPerSec: window.samples / (window.ms / 1000),
      stepMs: window.stepMs,
      epochBoundariesSkipped: window.epochBoundariesSkipped,
    };
    post({ type: 'measured', result });
    reported = true;
  };

  await trainRun(config, data, {
    onEpoch() {},
    shouldStop() {
      if (stamps.length < needed) return false;
      if (!reported) report();
      return !task.holdUntilStop || Atomics.load(stopFlag, 0) === 1;
    },
    onBatch(epoch, batch, batches) {
      // Timestamp first: nothing else in this callback is part of the step.
      const t = performance.now();
      if (stamps.length < needed) stamps.push({ epoch, batch, batches, t });
    },
  });
  if (!reported) report();
}

async function profileSteps(task: ProfileTask): Promise<void> {
  const backend = await backendFacts();
  const config = runConfigSchema.parse(task.config);
  const data = prepareTrainingData(loadDataset(config.dataset.id, RunStore.open(':memory:')), config.dataset);
  const batchSize = config.training.batchSize === 'full' ? data.train.count : config.training.batchSize;
  const profiledFrom = task.warmup + task.unprofiled;
  const profiler = new StepProfiler(profiledFrom, task.profiled);
  const stamps: StepStamp[] = [];

  post({ type: 'ready', backend, trainExamples: data.train.count });
  await waitForGo();
  const report = async () => {
    const rows = rowsOfStep(data.train.count, batchSize);
    const { steps, kernels } = await profiler.totals(stamps);
    post({
      type: 'profile',
      result: {
        batchSize,
        stepMs: stepWindow(stamps, task.warmup, task.unprofiled, rows).stepMs,
        profiledStepMs: stepWindow(stamps, profiledFrom, task.profiled, rows).stepMs,
        steps,
        kernels,
      },
    });
  };

  let reporting: Promise<void> | null = null;
  await trainRun(config, data, {
    onEpoch() {},
    shouldStop() {
      if (!profiler.finished) return false;
      reporting ??= report();
      return !task.holdUntilStop || Atomics.load(stopFlag, 0) === 1;
    },
    onBatch(epoch, batch, batches) {
      const t = performance.now();
      if (profiler.finished) return;
      stamps.push({ epoch, batch, batches, t });
      profiler.onStamp(stamps.length);
    },
  });
  await (reporting ?? report());
}

async function wholeRun(task: EpochsTask): Promise<void> {
  const backend = await backendFacts();
  const config = runConfigSchema.parse(task.config);
  const data = prepareTrainingData(loadDataset(config.dataset.id, RunStore.open(':memory:')), config.dataset);
  const stamps: StepStamp[] = [];
  const epochEnds: number[] = [];
  const epochSeconds: number[] = [];
  // Absolute times, comparable with the main thread's (each thread has its own performance.timeOrigin).
  const origin = performance.timeOrigin;
  post({ type: 'ready', backend, trainExamples: data.train.count });
  await waitForGo();
  const outcome = await trainRun(config, data, {
    onEpoch(metrics) {
      epochEnds.push(origin + performance.now());
      epochSeconds.push(metrics.seconds);
    },
    shouldStop: () => false,
    onBatch(epoch, batch, batches) {
      stamps.push({ epoch, batch, batches, t: origin + performance.now() });
    },
  });
  post({ type: 'timeline', result: { stamps, epochEnds, epochSeconds, status: outcome.status } });
}

/** A full collection: V8's gc() reached through a flag set at run time (a worker takes no --expose-gc). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function wasmHeapBytes(): number {
  const heap = (tf.backend() as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8;
  return heap?.byteLength ?? 0;
}

async function cells(task: CellsTask): Promise<void> {
  const store = RunStore.open(task.dbPath);
  const owner = currentProcessOwner();
  const configs = task.configs.map((c) => runConfigSchema.parse(c));
  const backend = await backendFacts();
  post({ type: 'ready', backend, trainExamples: 0 });
  await waitForGo();
  const result: CellMemory[] = [];
  for (const config of configs) {
    const run = store.createRun({
      config,
      datasetFingerprint: task.datasetFingerprint,
      appVersion: 'bench',
      owner,
    });
    const { port1, port2 } = new MessageChannel();
    port1.on('message', () => {});
    const started = performance.now();
    const outcome = await runTrainingTask({
      runId: run.id,
      dbPath: task.dbPath,
      config,
      cacheDir: task.cacheDir,
      cancelFlag: new SharedArrayBuffer(4),
      events: port2,
    });
    const ms = performance.now() - started;
    port1.close();
    // Let the closed ports and the task's promises go before counting.
    await new Promise((resolve) => setImmediate(resolve));
    // Twice: the first pass's finalizers (closed ports, disposed handles) free more for the second.
    collectGarbage();
    collectGarbage();
    const memory = tf.memory();
    result.push({
      status: outcome.status,
      numTensors: memory.numTensors,
      numBytes: memory.numBytes,
      wasmHeapBytes: wasmHeapBytes(),
      heapUsed: process.memoryUsage().heapUsed,
      ms,
    });
  }
  store.close();
  post({ type: 'cells', result });
}

function matMul(task: MatMulTask): MatMulMeasurement {
  const { size } = task;
  const a = tf.randomUniform([size, size], -1, 1, 'float32', 1);
  const b = tf.randomUniform([size, size], -1, 1, 'float32', 2);
  const repMs: number[] = [];
  for (let i = 0; i < task.warmup + task.reps; i++) {
    const started = performance.now();
    const c = tf.matMul(a, b);
    c.dataSync();
    const ms = performance.now() - started;
    c.dispose();
    if (i >= task.warmup) repMs.push(ms);
  }
  tf.dispose([a, b]);
  const gflops = (ms: number) => (2 * size ** 3) / (ms / 1000) / 1e9;
  return {
    size,
    repMs,
    bestGflops: gflops(Math.min(...repMs)),
    medianGflops: gflops(median(repMs)),
  };
}

async function main(): Promise<void> {
  const { task } = input;
  if (task.kind === 'train') {
    await train(task);
  } else if (task.kind === 'epochs') {
    await wholeRun(task);
  } else if (task.kind === 'profile') {
    await profileSteps(task);
  } else if (task.kind === 'cells') {
    await cells(task);
  } else {
    const backend = await backendFacts();
    post({ type: 'ready', backend, trainExamples: 0 });
    await waitForGo();
    post({ type: 'matmul', result: matMul(task) });
  }
  post({ type: 'done' });
}

main().catch((error: unknown) => {
  post({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
});
