import type { MessagePort } from 'node:worker_threads';
import type { RunConfig } from '../../../common/config/run-config';
import type { BackendReport, EpochMetrics, EvalPoint, RunStatus } from '../../../common/types';

/** What the pool hands a training worker. The worker writes epochs to the DB itself, so a crash of the
 *  calling thread can't lose an epoch that the worker already finished. */
export interface TrainingTask {
  runId: string;
  dbPath: string;
  config: RunConfig;
  cacheDir: string;
  /** Int32Array view: 0 = keep going, 1 = cancel. Shared so that a busy worker sees it between batches. */
  cancelFlag: SharedArrayBuffer;
  events: MessagePort;
  /** A pruned grid's cell trains to this rung and ends `paused` there. */
  pauseAfterEpoch?: number;
}

export type WorkerEvent =
  | { type: 'started'; runId: string; backend: BackendReport; trainExamples: number }
  | { type: 'progress'; runId: string; epoch: number; batch: number; batches: number }
  | { type: 'epoch'; runId: string; metrics: EpochMetrics }
  | { type: 'point'; runId: string; point: EvalPoint }
  /** The last event of a run: everything it posted before has arrived. */
  | { type: 'end'; runId: string };

export interface TrainingTaskResult {
  runId: string;
  status: Extract<RunStatus, 'completed' | 'cancelled' | 'diverged' | 'failed' | 'paused'>;
  epochs: number;
  error?: string;
  /**
   * false: the store could not be written when the worker recorded this status (a full disk, a failing file
   * system; `error` says so), and the run's row is still unfinished. Whoever can write later should record it.
   */
  recorded?: false;
}
