/** Messages between bench/run.ts and bench/bench-worker.ts (one worker_threads worker per task). */
import type { RunConfigInput } from '../common/config/run-config';
import type { MatMulReport } from '../common/types';
import type { StepStamp } from './stats';

export interface TrainTask {
  kind: 'train';
  /** A preset with its split and epochs already set for the benchmark. */
  config: RunConfigInput;
  /** Steps run (and timed) before the measured window. */
  warmup: number;
  /** Steps in the measured window. */
  measure: number;
  /**
   * Parallel runs: keep training after the measured window until the shared stop flag is set, so that
   * every worker's window runs entirely under the others' load.
   */
  holdUntilStop: boolean;
}

export interface MatMulTask {
  kind: 'matmul';
  size: number;
  warmup: number;
  reps: number;
}

/** A whole run (every epoch, evaluation included), timestamping each step and epoch: the bare baseline
 *  for the product path's overhead. */
export interface EpochsTask {
  kind: 'epochs';
  config: RunConfigInput;
}

/**
 * Training with tf.profile: `unprofiled` steps timed as in TrainTask (the step time), then `profiled` steps
 * with every kernel timed (profiling itself slows a step a little, so the step time comes from the former).
 */
export interface ProfileTask {
  kind: 'profile';
  config: RunConfigInput;
  warmup: number;
  unprofiled: number;
  profiled: number;
  holdUntilStop: boolean;
}

/**
 * Whole runs one after another through the product's own worker function (runTrainingTask of
 * main/services/worker/training-worker.ts) in this one thread, like the cells of a grid on one pool worker;
 * after each, a full garbage collection and the thread's tensors and heap.
 */
export interface CellsTask {
  kind: 'cells';
  configs: RunConfigInput[];
  /** A SQLite file the runs are created in (the worker opens it as the product's worker does). */
  dbPath: string;
  cacheDir: string;
  datasetFingerprint: string;
}

export type WorkerTask = TrainTask | MatMulTask | EpochsTask | ProfileTask | CellsTask;

export interface WorkerInput {
  task: WorkerTask;
  /** Int32Array view: [0] = 1 asks a holding worker to stop. */
  stopFlag: SharedArrayBuffer;
}

/** The measured window of one training run. */
export interface TrainMeasurement {
  batchSize: number;
  /** Rows trained in the measured window. */
  samples: number;
  /** Sum of the measured steps' durations. */
  seconds: number;
  samplesPerSec: number;
  /** Each measured step, in ms (time between consecutive onBatch callbacks within one epoch). */
  stepMs: number[];
  /** How many epoch boundaries (evaluation) fell inside the window and were left out. */
  epochBoundariesSkipped: number;
}

export interface MatMulMeasurement {
  size: number;
  /** Per repetition, in ms. */
  repMs: number[];
  bestGflops: number;
  medianGflops: number;
}

/** One kernel with one list of input shapes, summed over the profiled steps. */
export interface KernelTotal {
  name: string;
  /** Shapes of the kernel's inputs in tfjs's order (null for an absent optional input). */
  inputShapes: (number[] | null)[];
  outputShapes: number[][];
  calls: number;
  ms: number;
}

export interface ProfileMeasurement {
  batchSize: number;
  /** The unprofiled steps' durations, ms. */
  stepMs: number[];
  /** The profiled steps' durations, ms (profiling included). */
  profiledStepMs: number[];
  /** Profiled steps the totals cover. */
  steps: number;
  kernels: KernelTotal[];
}

/** Timestamps of one whole run, in ms since the Unix epoch (performance.timeOrigin + performance.now()). */
export interface RunTimeline {
  stamps: StepStamp[];
  /** When each onEpoch callback ran, in epoch order. */
  epochEnds: number[];
  /** Each epoch's duration as trainRun logs it (EpochMetrics.seconds: its steps and its evaluation). */
  epochSeconds: number[];
  status: string;
}

/** The thread's memory after one cell (and a full garbage collection). */
export interface CellMemory {
  status: string;
  /** tf.memory(): tensors alive, and their bytes. */
  numTensors: number;
  numBytes: number;
  /** The wasm backend's linear memory (it only grows). */
  wasmHeapBytes: number;
  /** V8's heap in use. */
  heapUsed: number;
  ms: number;
}

export interface BackendFacts {
  tfjsBackend: string;
  wasmSimd: boolean;
  wasmThreads: number;
  /** Where the wasm backend's matrix products ran: the BLAS addon or the wasm kernels. */
  matmul?: MatMulReport;
}

export type MainToWorker = { type: 'go' };

export type WorkerToMain =
  | { type: 'ready'; backend: BackendFacts; trainExamples: number }
  | { type: 'measured'; result: TrainMeasurement }
  | { type: 'matmul'; result: MatMulMeasurement }
  | { type: 'timeline'; result: RunTimeline }
  | { type: 'profile'; result: ProfileMeasurement }
  | { type: 'cells'; result: CellMemory[] }
  | { type: 'done' }
  | { type: 'error'; message: string };
