/** Starts bench-worker.js threads, lines them up on a common start and collects their measurements. */
import { Worker } from 'node:worker_threads';
import type {
  BackendFacts,
  CellMemory,
  MatMulMeasurement,
  ProfileMeasurement,
  RunTimeline,
  TrainMeasurement,
  WorkerInput,
  WorkerTask,
  WorkerToMain,
} from './protocol';

export interface WorkerOutcome {
  backend: BackendFacts;
  trainExamples: number;
  train?: TrainMeasurement;
  matmul?: MatMulMeasurement;
  timeline?: RunTimeline;
  profile?: ProfileMeasurement;
  cells?: CellMemory[];
}

type Measured = Pick<WorkerOutcome, 'train' | 'matmul' | 'timeline' | 'profile' | 'cells'>;

interface Handle {
  worker: Worker;
  ready: Promise<{ backend: BackendFacts; trainExamples: number }>;
  measured: Promise<Measured>;
  done: Promise<void>;
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Rejections are observed through whichever promise is awaited; keep the others from being "unhandled".
  promise.catch(() => {});
  return { promise, resolve, reject };
}

function start(
  workerFile: string,
  task: WorkerTask,
  stopFlag: SharedArrayBuffer,
  env: Record<string, string>,
): Handle {
  const input: WorkerInput = { task, stopFlag };
  const worker = new Worker(workerFile, { workerData: input, env: { ...process.env, ...env } });
  const ready = deferred<{ backend: BackendFacts; trainExamples: number }>();
  const measured = deferred<Measured>();
  const done = deferred<void>();
  const fail = (error: unknown) => {
    ready.reject(error);
    measured.reject(error);
    done.reject(error);
  };
  worker.on('message', (message: WorkerToMain) => {
    switch (message.type) {
      case 'ready':
        ready.resolve({ backend: message.backend, trainExamples: message.trainExamples });
        break;
      case 'measured':
        measured.resolve({ train: message.result });
        break;
      case 'matmul':
        measured.resolve({ matmul: message.result });
        break;
      case 'timeline':
        measured.resolve({ timeline: message.result });
        break;
      case 'profile':
        measured.resolve({ profile: message.result });
        break;
      case 'cells':
        measured.resolve({ cells: message.result });
        break;
      case 'done':
        done.resolve();
        break;
      case 'error':
        fail(new Error(`bench worker failed: ${message.message}`));
        break;
    }
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`bench worker exited with code ${code} before it finished`)));
  return { worker, ready: ready.promise, measured: measured.promise, done: done.promise };
}

/**
 * Runs the tasks in parallel worker threads: each loads its backend and data, then all start together;
 * once every worker has measured, the shared stop flag releases those that hold (TrainTask.holdUntilStop).
 * `env` is added to the workers' environment (WORKBENCH_BLAS=off: the wasm kernels only).
 */
export async function runInWorkers(
  workerFile: string,
  tasks: WorkerTask[],
  env: Record<string, string> = {},
): Promise<WorkerOutcome[]> {
  const stopFlag = new SharedArrayBuffer(4);
  const handles = tasks.map((task) => start(workerFile, task, stopFlag, env));
  try {
    const readies = await Promise.all(handles.map((h) => h.ready));
    for (const h of handles) h.worker.postMessage({ type: 'go' });
    const results = await Promise.all(handles.map((h) => h.measured));
    Atomics.store(new Int32Array(stopFlag), 0, 1);
    await Promise.all(handles.map((h) => h.done));
    return readies.map((r, i) => ({ ...r, ...results[i] }));
  } finally {
    await Promise.all(
      handles.map((h) => {
        h.worker.removeAllListeners('exit');
        return h.worker.terminate();
      }),
    );
  }
}
