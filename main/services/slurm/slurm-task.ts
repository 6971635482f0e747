import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { UserInputError } from '../../../common/errors';
import { describeCell } from '../../../common/grid/expand';
import type { EpochMetrics } from '../../../common/types';
import { staleAfterMs } from '../../store/liveness';
import { openRunServices, type RunServices } from '../run-services';
import { jobFiles, readManifest, readTargets, writeAttempt, type JobManifest } from './job-folder';

/**
 * One Slurm array task: trains its grid cell into its own store file, through the run queue like every run
 * (so the run is the grid's cell, sends heartbeats, and trains on the backend this node loads best). The
 * store holds the grid under its real id with only this cell; `grid collect` merges it home.
 */

/** Set by `grid resubmit --failed`: a failed cell trains again instead of standing as final. */
export const RETRY_FAILED_ENV = 'WORKBENCH_SLURM_RETRY_FAILED';

export interface SlurmTaskInput {
  dir: string;
  /** The cell; default SLURM_ARRAY_TASK_ID. */
  cell?: number;
  cacheDir: string;
  workerFile: string;
  appVersion: string;
  env?: NodeJS.ProcessEnv;
  /** One line of the task's log (Slurm writes it to logs/). */
  log(line: string): void;
}

/** Exit status: 0 completed, 1 failed or nothing to train, 3 diverged, 130 cancelled (as `workbench run`). */
export async function runSlurmTask(input: SlurmTaskInput): Promise<number> {
  const env = input.env ?? process.env;
  const index = input.cell ?? taskIdFromEnv(env);
  const manifest = readManifest(input.dir);
  const cell = manifest.cells.find((c) => c.index === index);
  if (!cell) {
    throw new UserInputError(
      `${input.dir}: the grid has no cell ${index} (cells 0 to ${manifest.cells.length - 1})`,
    );
  }
  writeAttempt(input.dir, index, {
    arrayJobId: env.SLURM_ARRAY_JOB_ID ?? null,
    taskId: index,
    jobId: env.SLURM_JOB_ID ?? null,
    node: hostname(),
    pid: process.pid,
    startedAt: new Date().toISOString(),
  });
  input.log(
    `cell ${index} of grid "${manifest.name}" (${manifest.gridId}): ${describeCell(manifest.axes, cell.values)}` +
      `${env.SLURM_ARRAY_JOB_ID ? `; Slurm task ${env.SLURM_ARRAY_JOB_ID}_${index}` : ''} on ${hostname()}`,
  );

  const services = await openRunServices({
    dbPath: jobFiles.store(input.dir, index),
    cacheDir: input.cacheDir,
    workerFile: input.workerFile,
    appVersion: input.appVersion,
    maxWorkers: 1,
  });
  try {
    prepareTaskStore(services, manifest, index, input.dir, input.log);
    if (env[RETRY_FAILED_ENV] === '1' && services.store.grids.releaseFailedCell(manifest.gridId, index)) {
      input.log(`cell ${index} failed before: training it again (grid resubmit --failed)`);
    }
    if (!(await earlierAttemptEnded(services, manifest.gridId, input.log))) return 1;
    return await train(services, manifest, index, input.log);
  } finally {
    await services.close();
  }
}

function taskIdFromEnv(env: NodeJS.ProcessEnv): number {
  const raw = env.SLURM_ARRAY_TASK_ID;
  const index = Number(raw);
  if (raw === undefined || raw === '' || !Number.isInteger(index) || index < 0) {
    throw new UserInputError('grid task: no cell given (--cell N) and SLURM_ARRAY_TASK_ID is not set');
  }
  return index;
}

/** The grid (its real id) with this one cell, and any imported dataset the cell trains on. */
function prepareTaskStore(
  services: RunServices,
  manifest: JobManifest,
  index: number,
  dir: string,
  log: (line: string) => void,
): void {
  const { store } = services;
  if (manifest.datasets.length > 0) {
    if (existsSync(jobFiles.datasets(dir)))
      store.copyImportedDatasets(jobFiles.datasets(dir), manifest.datasets);
    else
      log(
        `${jobFiles.datasets(dir)} is missing: the imported dataset(s) ${manifest.datasets.join(', ')} cannot be loaded`,
      );
  }
  // A pruned grid's rungs are decided at home: here the cell trains to the epoch this array gives it.
  const pruning = manifest.pruning
    ? { ...manifest.pruning, targets: { [index]: readTargets(dir)[index] ?? manifest.pruning.fullEpochs } }
    : undefined;
  if (store.grids.getGrid(manifest.gridId)) {
    if (pruning) store.gridPruning.setPruning(manifest.gridId, pruning);
    return;
  }
  const cell = manifest.cells.find((c) => c.index === index)!;
  store.grids.createGrid(
    { name: manifest.name, spec: manifest.spec, axes: manifest.axes, cells: [cell], pruning },
    { pid: process.pid, host: hostname(), token: services.queue.ownerToken },
    { id: manifest.gridId },
  );
}

/**
 * An earlier attempt of this cell that a dead task left `running` (a requeued task, a resubmission before
 * `collect` settled it) must be interrupted before the cell can be claimed again. On this node a dead pid
 * settles it at once; elsewhere its heartbeat goes stale within the bound, so wait that long, no longer.
 */
async function earlierAttemptEnded(
  services: RunServices,
  gridId: string,
  log: (line: string) => void,
): Promise<boolean> {
  const { store } = services;
  const unfinished = () =>
    store.grids.cells(gridId).find((c) => c.status === 'queued' || c.status === 'running') ?? null;
  const deadline = Date.now() + staleAfterMs() + 5_000;
  let waiting = false;
  for (;;) {
    store.markOrphanedRunsInterrupted();
    const busy = unfinished();
    if (!busy) return true;
    if (Date.now() > deadline) {
      const run = busy.runId ? store.getRun(busy.runId) : undefined;
      log(
        `cell ${busy.index}: its run ${busy.runId} is still ${busy.status} by a live process` +
          `${run?.ownerHost ? ` (pid ${run.ownerPid} on ${run.ownerHost})` : ''}: nothing to train here`,
      );
      return false;
    }
    if (!waiting) {
      log(`cell ${busy.index}: waiting for its earlier attempt (run ${busy.runId}) to be settled`);
      waiting = true;
    }
    await delay(1_000);
  }
}

async function train(
  services: RunServices,
  manifest: JobManifest,
  index: number,
  log: (line: string) => void,
): Promise<number> {
  const { queue, store } = services;
  const epochs = manifest.cells.find((c) => c.index === index)!.config.training.epochs;
  const unsubscribe = queue.subscribe({
    started: (runId, backend, trainExamples) =>
      log(
        `run ${runId} on ${backend.chosen} (${hostname()}), ${trainExamples} training examples, ${epochs} epochs`,
      ),
    epoch: (_runId, metrics) => log(epochLine(metrics, epochs)),
  });
  try {
    const before = store.grids.cells(manifest.gridId)[0];
    if (['completed', 'failed', 'diverged', 'pruned'].includes(before.status)) {
      // A task submitted again for a cell that has its result (the whole array again, by hand).
      log(`cell ${index}: already ${before.status} (run ${before.runId}): nothing to train`);
      return exitCode(before.status);
    }
    queue.resumeGrid(manifest.gridId);
    await queue.gridIdle(manifest.gridId);
  } finally {
    unsubscribe();
  }
  const done = store.grids.cells(manifest.gridId)[0];
  log(`cell ${index}: ${done.status}${done.error ? `: ${done.error}` : ''} (run ${done.runId})`);
  return exitCode(done.status);
}

function exitCode(status: string): number {
  switch (status) {
    case 'completed':
    case 'paused':
      return 0;
    case 'diverged':
      return 3;
    case 'cancelled':
      return 130;
    default:
      return 1;
  }
}

function epochLine(m: EpochMetrics, epochs: number): string {
  const f = (v: number | null) => (v === null ? '–' : v.toFixed(4));
  const parts = [`epoch ${m.epoch}/${epochs}`, `train loss ${f(m.trainLoss)} acc ${f(m.trainAcc)}`];
  if (m.valLoss !== null) parts.push(`val loss ${f(m.valLoss)} acc ${f(m.valAcc)}`);
  if (m.testLoss !== null) parts.push(`test loss ${f(m.testLoss)} acc ${f(m.testAcc)}`);
  return parts.join('  ');
}
