import { defaultMonitor, runResult } from '../../common/grid/results';
import type {
  CellPruning,
  GridPruningState,
  GridCellCounts,
  GridCellResult,
  GridCellStatus,
  GridDetail,
  GridSummary,
} from '../../common/grid/types';
import type { EpochMetrics, MetricName } from '../../common/types';
import type { GridPruning } from '../store/grid-pruning';
import { staleAfterMs } from '../store/liveness';
import type { StoredGrid, StoredGridCell } from '../store/grids';
import type { RunStore } from '../store/run-store';
import { NotFoundError } from './errors';

/** Grids as their views read them: counts, an ETA, and one result row per cell (its best epoch, not its last). */

const CELL_STATUSES: GridCellStatus[] = [
  'pending',
  'queued',
  'running',
  'completed',
  'failed',
  'cancelled',
  'diverged',
  'interrupted',
  'paused',
  'pruned',
];

function emptyCounts(): GridCellCounts {
  return Object.fromEntries(CELL_STATUSES.map((s) => [s, 0])) as GridCellCounts;
}

/** Statuses whose cell is done for good (no attempt left to make). */
const SETTLED: readonly GridCellStatus[] = ['completed', 'failed', 'diverged', 'pruned'];

export function listGridSummaries(store: RunStore, workers: number, now = new Date()): GridSummary[] {
  const counts = store.grids.statusCounts();
  return store.grids.listGrids().map((grid) => {
    const c = emptyCounts();
    for (const [status, n] of counts.get(grid.id) ?? []) c[status] = n;
    return summary(grid, c, null, workers, now);
  });
}

export function getGridDetail(
  store: RunStore,
  gridId: string,
  workers: number,
  monitor?: MetricName,
  now = new Date(),
): GridDetail {
  const grid = store.grids.getGrid(gridId);
  if (!grid) throw new NotFoundError(`no grid with id ${gridId}`);
  const cells = store.grids.cells(gridId);
  const epochs = store.grids.cellEpochs(gridId);
  const chosen: MetricName =
    monitor ?? defaultMonitor(cells.flatMap((c) => (c.runId ? (epochs.get(c.runId) ?? []) : [])));
  const counts = emptyCounts();
  for (const cell of cells) counts[cell.status] += 1;
  const pruning = grid.pruning ? pruningState(store, grid.id, grid.pruning, cells, epochs) : null;
  const results = cells.map((cell) =>
    cellResult(
      cell,
      cell.runId ? (epochs.get(cell.runId) ?? []) : [],
      cell.runId ? store.getPoints(cell.runId) : [],
      chosen,
      now,
      pruning?.cells.get(cell.index) ?? null,
    ),
  );
  const spec = grid.spec as { description?: unknown; repeats?: unknown };
  return {
    ...summary(grid, counts, results, workers, now),
    spec: grid.spec,
    description: typeof spec.description === 'string' ? spec.description : null,
    monitor: chosen,
    results,
    pruning: pruning?.state ?? null,
  };
}

/**
 * A pruned grid's rungs as recorded, what each cell trains to next, and what it cost so far against the full
 * grid (cells × R epochs; the time at each cell's own seconds per epoch).
 */
function pruningState(
  store: RunStore,
  gridId: string,
  pruning: GridPruning,
  cells: readonly StoredGridCell[],
  epochs: Map<string, EpochMetrics[]>,
): { state: GridPruningState; cells: Map<number, CellPruning> } {
  const rungs = store.gridPruning.decisions(gridId);
  const progress = store.gridPruning.progress(gridId, pruning);
  const bracketOf = new Map<number, number>();
  for (const b of progress.brackets) for (const index of b.cells) bracketOf.set(index, b.index);
  const prunedAt = new Map<number, number>();
  for (const d of rungs) for (const index of d.pruned) prunedAt.set(index, d.epoch);
  const logged = cells.map((c) => (c.runId ? (epochs.get(c.runId) ?? []) : []));
  const all = logged.flat();
  const secondsTrained = all.reduce((sum, e) => sum + e.seconds, 0);
  const meanAll = all.length > 0 ? secondsTrained / all.length : null;
  const secondsFullEstimate =
    meanAll === null
      ? null
      : logged.reduce((sum, own) => {
          const mean = own.length > 0 ? own.reduce((a, e) => a + e.seconds, 0) / own.length : meanAll;
          return sum + mean * pruning.fullEpochs;
        }, 0);
  return {
    state: {
      spec: pruning.spec,
      fullEpochs: pruning.fullEpochs,
      brackets: progress.brackets,
      rungs,
      epochsTrained: all.length,
      epochsFull: cells.length * pruning.fullEpochs,
      secondsTrained,
      secondsFullEstimate,
    },
    cells: new Map(
      cells.map((c) => [
        c.index,
        {
          bracket: bracketOf.get(c.index) ?? 0,
          prunedAt: prunedAt.get(c.index) ?? null,
          target: progress.targets.get(c.index) ?? null,
        },
      ]),
    ),
  };
}

function cellResult(
  cell: StoredGridCell,
  epochs: Parameters<typeof runResult>[0],
  points: Parameters<typeof runResult>[2],
  monitor: MetricName,
  now: Date,
  pruning: CellPruning | null,
): GridCellResult {
  const result = runResult(epochs, monitor, points);
  const started = cell.startedAt ? Date.parse(cell.startedAt) : null;
  const ended = cell.finishedAt ? Date.parse(cell.finishedAt) : now.getTime();
  return {
    index: cell.index,
    point: cell.point,
    repeat: cell.repeat,
    position: cell.position,
    values: cell.values,
    runId: cell.runId,
    runName: cell.runName,
    status: cell.status,
    attempts: cell.attempts,
    error: cell.error,
    seed: cell.config.seed,
    bestEpoch: result.bestEpoch,
    bestStep: result.bestStep,
    atBest: result.atBest,
    final: result.final,
    epochs: result.epochs,
    epochsPlanned: cell.epochsPlanned,
    durationSeconds: started === null ? null : Math.max(0, (ended - started) / 1000),
    stopEpoch: cell.earlyStopEpoch,
    pruning,
  };
}

function summary(
  grid: StoredGrid,
  counts: GridCellCounts,
  results: GridCellResult[] | null,
  workers: number,
  now: Date,
): GridSummary {
  const spec = grid.spec as { repeats?: unknown };
  const owner = grid.owner;
  const alive =
    owner !== null &&
    grid.status === 'running' &&
    owner.heartbeatAt !== null &&
    now.getTime() - Date.parse(owner.heartbeatAt) <= staleAfterMs();
  return {
    id: grid.id,
    name: grid.name,
    status: grid.status,
    cells: grid.cells,
    counts,
    axes: grid.axes,
    repeats: typeof spec.repeats === 'number' ? spec.repeats : 1,
    createdAt: grid.createdAt,
    finishedAt: grid.finishedAt,
    owner: owner ? { pid: owner.pid, host: owner.host, alive } : null,
    etaSeconds: grid.status === 'running' && grid.runner === 'local' ? eta(counts, results, workers) : null,
    runner:
      grid.runner === 'slurm'
        ? { kind: 'slurm', jobId: grid.slurmJobId, jobDir: grid.jobDir }
        : { kind: 'local' },
  };
}

/**
 * Remaining cell-equivalents (pending cells, plus what running cells have left by their epochs) times the
 * mean duration of the cells finished so far, spread over the workers.
 */
function eta(counts: GridCellCounts, results: GridCellResult[] | null, workers: number): number | null {
  const finished = results?.filter((r) => SETTLED.includes(r.status) && r.durationSeconds !== null) ?? [];
  if (finished.length === 0) return null;
  const mean = finished.reduce((a, r) => a + r.durationSeconds!, 0) / finished.length;
  const running = results!.filter((r) => r.status === 'running' || r.status === 'queued');
  const runningLeft = running.reduce(
    (a, r) => a + Math.max(0, 1 - r.epochs / Math.max(1, r.epochsPlanned)),
    0,
  );
  const pending = counts.pending + counts.interrupted + counts.paused;
  return ((pending + runningLeft) * mean) / Math.max(1, Math.min(workers, pending + running.length));
}
