import { randomBytes } from 'node:crypto';
import { existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { GridStatus } from '../../../common/grid/types';
import { FINAL_STATUSES, type RunStatus } from '../../../common/types';
import type { StoredGridCell } from '../../store/grids';
import { RunStore } from '../../store/run-store';
import {
  jobFiles,
  readAttempt,
  readManifest,
  readSubmissions,
  type JobManifest,
  type TaskAttempt,
} from './job-folder';
import { slurmTasks, taskKey, type SlurmView } from './slurm-commands';
import { slurmGridOwner } from './slurm-grid';
import { endedTaskOutcome, isActiveState, type SlurmSource, type SlurmTaskState } from './slurm-output';

/**
 * `workbench grid collect DIR`: every task's store merged into the local one as archives are merged (runs
 * keep their ids, identical runs are skipped, so collecting again changes nothing), after the runs of tasks
 * that died are settled with Slurm's reason; then one line per cell of what finished, failed, still runs or
 * never ran. Safe while the array still runs: only finished runs leave a task's store, and a run is settled
 * only once Slurm says its task has ended.
 */

export type CollectedStatus =
  | 'completed'
  | 'failed'
  | 'diverged'
  | 'interrupted'
  | 'cancelled'
  | 'paused'
  | 'pruned'
  | 'running'
  | 'queued'
  | 'never-ran';

export const COLLECTED_STATUSES: readonly CollectedStatus[] = [
  'completed',
  'paused',
  'pruned',
  'failed',
  'diverged',
  'interrupted',
  'cancelled',
  'running',
  'queued',
  'never-ran',
];

export interface CollectedCell {
  index: number;
  values: Record<string, unknown>;
  status: CollectedStatus;
  runId: string | null;
  /** The node the reported attempt trained on, and the backend it chose there. */
  node: string | null;
  backend: string | null;
  epochs: number;
  epochsPlanned: number;
  /** A failed, diverged or interrupted run's error (Slurm's reason for a task that died), or why it never ran. */
  error: string | null;
  /** The cell's latest Slurm task, as Slurm reports it now (null when it knows nothing of it). */
  slurm: { task: string; state: string; reason: string | null } | null;
  /** The latest task's output, relative to the job folder, where it exists. */
  log: string | null;
}

export interface CollectReport {
  gridId: string;
  name: string;
  dir: string;
  status: GridStatus;
  slurm: { jobIds: string[]; reachable: boolean; sources: SlurmSource[] };
  /** Runs new to the local store this time (0 when collecting again changed nothing). */
  imported: number;
  counts: Record<CollectedStatus, number>;
  cells: CollectedCell[];
}

export interface CollectInput {
  store: RunStore;
  dir: string;
  appVersion: string;
  /** Dataset fingerprints this installation can train on (see services/archives.ts). */
  knownFingerprints: ReadonlySet<string>;
}

const UNFINISHED: readonly RunStatus[] = ['queued', 'running'];

export function collectSlurmGrid(input: CollectInput): CollectReport {
  const { store } = input;
  const dir = resolve(input.dir);
  const manifest = readManifest(dir);
  const latest = manifest.cells.map((c) => latestTask(dir, c.index));
  const jobIds = [...new Set(latest.flatMap((l) => [l.latest?.arrayJobId, l.attempt?.arrayJobId]))].filter(
    (id): id is string => typeof id === 'string',
  );
  ensureLocalGrid(store, manifest, dir, latest);
  const view = slurmTasks(jobIds);

  let imported = 0;
  const live = new Map<number, LiveCell>();
  for (const [i, cell] of manifest.cells.entries()) {
    const file = jobFiles.store(dir, cell.index);
    if (!existsSync(file)) continue;
    const taskStore = RunStore.open(file);
    try {
      settleDeadAttempt(taskStore, manifest.gridId, latest[i].attempt, view);
      imported += mergeTaskStore(taskStore, input, manifest.gridId, cell.index);
      const now = liveCell(taskStore, manifest.gridId);
      if (now) live.set(cell.index, now);
    } finally {
      taskStore.close();
    }
  }

  // A pruned grid's rungs are decided here, at home, once every cell of the rung has come back.
  const pruning = store.grids.getGrid(manifest.gridId)?.pruning;
  if (pruning) {
    store.gridPruning.advance(manifest.gridId, pruning, '');
    store.grids.finishIfDone(manifest.gridId);
  }
  const localCells = new Map(store.grids.cells(manifest.gridId).map((c) => [c.index, c]));
  const cells = manifest.cells.map((cell, i) =>
    reportCell(store, dir, cell, localCells.get(cell.index), live.get(cell.index), latest[i], view),
  );
  const counts = Object.fromEntries(COLLECTED_STATUSES.map((s) => [s, 0])) as Record<CollectedStatus, number>;
  for (const cell of cells) counts[cell.status] += 1;
  return {
    gridId: manifest.gridId,
    name: manifest.name,
    dir,
    status: store.grids.getGrid(manifest.gridId)!.status,
    slurm: { jobIds, reachable: view.reachable, sources: view.sources },
    imported,
    counts,
    cells,
  };
}

interface LatestTask {
  /** The task's latest attempt that started (written by the task itself). */
  attempt: TaskAttempt | null;
  /**
   * The cell's newest Slurm task: a submission made after the attempt started, else the attempt's. (Times from
   * the submitting machine and the node are compared; a cluster's clocks agree far closer than a resubmission
   * follows an attempt.)
   */
  latest: { arrayJobId: string; at: string } | null;
}

function latestTask(dir: string, index: number): LatestTask {
  const attempt = readAttempt(dir, index);
  const candidates = readSubmissions(dir)
    .filter((s) => s.cells.includes(index))
    .map((s) => ({ arrayJobId: s.jobId, at: s.submittedAt }));
  if (attempt?.arrayJobId) candidates.push({ arrayJobId: attempt.arrayJobId, at: attempt.startedAt });
  candidates.sort((a, b) => a.at.localeCompare(b.at));
  return { attempt, latest: candidates.at(-1) ?? null };
}

/** The grid as the job folder defines it, in the local store (a store other than the one that wrote it too). */
function ensureLocalGrid(store: RunStore, manifest: JobManifest, dir: string, latest: LatestTask[]): void {
  let grid = store.grids.getGrid(manifest.gridId);
  if (!grid) {
    store.grids.createGrid(
      {
        name: manifest.name,
        spec: manifest.spec,
        axes: manifest.axes,
        cells: manifest.cells,
        pruning: manifest.pruning,
      },
      slurmGridOwner(manifest.gridId),
      { id: manifest.gridId, runner: 'slurm', jobDir: dir },
    );
    grid = store.grids.getGrid(manifest.gridId)!;
  }
  const newest = latest
    .map((l) => l.latest)
    .filter((l) => l !== null)
    .sort((a, b) => a.at.localeCompare(b.at))
    .at(-1);
  if (newest && grid.slurmJobId !== newest.arrayJobId) store.grids.setSlurmJob(grid.id, newest.arrayJobId);
}

/**
 * A run its task left unfinished once Slurm says the task ended: interrupted or failed with Slurm's reason.
 * Only the run that very attempt started is settled this way; when Slurm no longer knows the task at all,
 * the store's own liveness rule (a dead pid on this host, a stale heartbeat anywhere) decides. Where no Slurm
 * command answers, nothing is settled: the run may still be training on the cluster.
 */
function settleDeadAttempt(
  taskStore: RunStore,
  gridId: string,
  attempt: TaskAttempt | null,
  view: SlurmView,
): void {
  const cell = taskStore.grids.getGrid(gridId) ? taskStore.grids.cells(gridId)[0] : undefined;
  if (!cell?.runId || !UNFINISHED.includes(cell.status as RunStatus) || !view.reachable) return;
  const run = taskStore.getRun(cell.runId);
  const task = attempt?.arrayJobId ? view.tasks.get(taskKey(attempt.arrayJobId, attempt.taskId)) : undefined;
  const startedByAttempt = run && attempt && run.ownerPid === attempt.pid && run.ownerHost === attempt.node;
  if (task && startedByAttempt) {
    if (isActiveState(task.state)) return;
    const outcome = endedTaskOutcome(task);
    const epochs = taskStore.getEpochs(cell.runId).length;
    taskStore.finishRun(cell.runId, outcome.status, `${outcome.error}; ${epochs} logged epoch(s) kept`);
    return;
  }
  if (!task) taskStore.markOrphanedRunsInterrupted();
}

/** Exports the task store's finished runs of the grid and merges them here; returns how many were new. */
function mergeTaskStore(taskStore: RunStore, input: CollectInput, gridId: string, index: number): number {
  const local = input.store;
  const finished = taskStore
    .listRuns()
    .filter((r) => r.gridId === gridId && (FINAL_STATUSES as readonly RunStatus[]).includes(r.status));
  let imported = 0;
  // Already merged, unchanged since: nothing to write. A finished run never changes again, but a paused one
  // goes on in the next rung's array (more epochs, same status), and one pruned here stays pruned.
  const changed = (r: (typeof finished)[number]) => {
    const status = local.runStatus(r.id);
    if (status === 'pruned' && r.status === 'paused') return false;
    return status !== r.status || local.getRun(r.id)?.epochs !== r.epochs;
  };
  if (finished.some(changed)) {
    const archive = join(tmpdir(), `workbench-collect-${randomBytes(6).toString('hex')}.wbx`);
    try {
      taskStore.exportArchive({ gridId }, archive, { withDatasets: false, appVersion: input.appVersion });
      const merged = local.importArchive(archive, {
        onConflict: 'skip',
        // A cell resubmitted after an interruption went on in the same run, from its checkpoint.
        supersedeStopped: true,
        knownFingerprints: input.knownFingerprints,
      });
      imported = merged.imported + merged.replaced;
    } finally {
      rmSync(archive, { force: true });
    }
  }
  // A later attempt supersedes a failed one (a failed cell resubmitted); the merge itself only replaces
  // attempts that never finished.
  const cell = taskStore.grids.getGrid(gridId) ? taskStore.grids.cells(gridId)[0] : undefined;
  if (cell?.runId && finished.some((r) => r.id === cell.runId)) {
    local.grids.adoptCellRun(gridId, index, cell.runId, cell.attempts);
  }
  return imported;
}

interface LiveCell {
  runId: string | null;
  status: StoredGridCell['status'];
  epochs: number;
  node: string | null;
  backend: string | null;
}

function liveCell(taskStore: RunStore, gridId: string): LiveCell | undefined {
  if (!taskStore.grids.getGrid(gridId)) return undefined;
  const cell = taskStore.grids.cells(gridId)[0];
  if (!cell) return undefined;
  const run = cell.runId ? taskStore.getRun(cell.runId) : undefined;
  return {
    runId: cell.runId,
    status: cell.status,
    epochs: run?.epochs ?? 0,
    node: run?.ownerHost ?? null,
    backend: run?.backend ?? null,
  };
}

function reportCell(
  store: RunStore,
  dir: string,
  cell: JobManifest['cells'][number],
  local: StoredGridCell | undefined,
  live: LiveCell | undefined,
  latest: LatestTask,
  view: SlurmView,
): CollectedCell {
  const task: SlurmTaskState | undefined = latest.latest
    ? view.tasks.get(taskKey(latest.latest.arrayJobId, cell.index))
    : undefined;
  const logFile = latest.latest
    ? join(jobFiles.logs(dir), `cell-${cell.index}-job-${latest.latest.arrayJobId}.out`)
    : null;
  const base: CollectedCell = {
    index: cell.index,
    values: cell.values,
    status: 'never-ran',
    runId: null,
    node: null,
    backend: null,
    epochs: 0,
    epochsPlanned: cell.config.training.epochs,
    error: null,
    slurm:
      task && latest.latest
        ? { task: `${latest.latest.arrayJobId}_${cell.index}`, state: task.state, reason: task.reason }
        : null,
    log: logFile && existsSync(logFile) ? relative(dir, logFile) : null,
  };
  const attemptIsLatest = live !== undefined && latest.attempt?.arrayJobId === latest.latest?.arrayJobId;
  const localFinal = local?.runId !== null && local?.runId !== undefined && isFinal(local.status);
  // The latest task's own run has ended (the task itself may still be shutting down): that is the answer.
  // A resubmitted cell goes on in the same run as its interrupted attempt: only its end in the task store counts.
  const latestDone = attemptIsLatest && localFinal && local.runId === live.runId && isFinal(live.status);
  if (task && isActiveState(task.state) && !latestDone) {
    if (attemptIsLatest && !isFinal(live.status)) {
      return { ...base, ...pick(live), status: live.status as 'queued' | 'running' };
    }
    return { ...base, status: task.state === 'PENDING' ? 'queued' : 'running' };
  }
  if (local?.runId && localFinal) {
    const run = store.getRun(local.runId);
    return {
      ...base,
      status: local.status as CollectedStatus,
      runId: local.runId,
      node: run?.ownerHost ?? null,
      backend: run?.backend ?? null,
      epochs: run?.epochs ?? 0,
      error: local.error,
    };
  }
  // Unfinished in its store, and Slurm cannot (or cannot yet) say it ended: it may well be training.
  if (live && UNFINISHED.includes(live.status as RunStatus)) {
    return {
      ...base,
      ...pick(live),
      status: live.status as 'queued' | 'running',
      error: view.reachable
        ? null
        : 'no Slurm command answered here: still training, as far as its store tells',
    };
  }
  let why: string | null = null;
  if (!latest.latest) why = 'not submitted (submit the job folder, or `workbench grid resubmit`)';
  else if (task)
    why = `Slurm task ${latest.latest.arrayJobId}_${cell.index} ended ${task.state} before training`;
  else if (view.reachable)
    why = `Slurm task ${latest.latest.arrayJobId}_${cell.index} ended before training (cancelled before it started, or it left no record)`;
  return { ...base, error: why };
}

function isFinal(status: string): boolean {
  return (FINAL_STATUSES as readonly string[]).includes(status);
}

function pick(live: LiveCell): Pick<CollectedCell, 'runId' | 'node' | 'backend' | 'epochs'> {
  return { runId: live.runId, node: live.node, backend: live.backend, epochs: live.epochs };
}
