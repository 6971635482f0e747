import type Database from 'better-sqlite3';
import {
  advancePruning,
  type LiveCell,
  type PruningProgress,
  type PruningSpec,
  type RungDecision,
} from '../../common/grid/pruning';
import type { EpochMetrics, RunStatus } from '../../common/types';
import { toEpochMetrics, type EpochRow } from './epochs';

/**
 * The store's side of a live pruned grid: the pruning it trains with, its recorded rung decisions, and the
 * step that advances it (called inside the cell claim's write transaction). Which cells go on is the pure
 * common/grid/pruning.ts's; this module only reads the cells' statuses and logged epochs, records the rungs
 * decided now (each once) and ends the cells they pruned.
 */

export interface GridPruning {
  spec: PruningSpec;
  /** R: every cell's training.epochs. */
  fullEpochs: number;
  /**
   * A Slurm task's store, which holds only its own cell: the rungs are decided at home by `grid collect`, and
   * the epoch each cell trains to in this array comes from the job folder (cell index → epoch).
   */
  targets?: Record<string, number>;
}

export type StoredRungDecision = RungDecision & { decidedAt: string };

/** A cell as the pruning step reads it. */
export interface PruningCellState {
  index: number;
  runId: string | null;
  status: RunStatus | 'pending';
  finishedAt: string | null;
  epochs: EpochMetrics[];
}

interface RungRow {
  bracket: number;
  epoch: number;
  kept: string;
  pruned: string;
  ended_before: string;
  decided_at: string;
}

interface CellStateRow {
  idx: number;
  run_id: string | null;
  status: RunStatus | null;
  finished_at: string | null;
}

/** Statuses of a cell that may still log epochs (a cancelled one only when the grid trains it again). */
const STILL_TRAINING: readonly (RunStatus | 'pending')[] = [
  'pending',
  'queued',
  'running',
  'interrupted',
  'paused',
];

export class GridPruningRepository {
  private readonly selectPruning: Database.Statement<[string], { pruning: string | null }>;
  private readonly updatePruning: Database.Statement<[string, string]>;
  private readonly selectRungs: Database.Statement<[string], RungRow>;
  private readonly insertRung: Database.Statement<Record<string, string | number>>;
  private readonly selectCellStates: Database.Statement<[string], CellStateRow>;
  private readonly selectCellEpochs: Database.Statement<[string], EpochRow & { run_id: string }>;
  private readonly updatePruned: Database.Statement<[string, string]>;

  constructor(
    db: Database.Database,
    private readonly now: () => Date,
  ) {
    this.selectPruning = db.prepare(`SELECT pruning FROM grids WHERE id = ?`);
    this.updatePruning = db.prepare(`UPDATE grids SET pruning = ? WHERE id = ?`);
    this.selectRungs = db.prepare(`
      SELECT bracket, epoch, kept, pruned, ended_before, decided_at FROM grid_rungs
      WHERE grid_id = ? ORDER BY decided_at, bracket DESC, epoch`);
    this.insertRung = db.prepare(`
      INSERT INTO grid_rungs (grid_id, bracket, epoch, kept, pruned, ended_before, decided_at)
      VALUES (@gridId, @bracket, @epoch, @kept, @pruned, @endedBefore, @decidedAt)`);
    this.selectCellStates = db.prepare(`
      SELECT c.idx, c.run_id, r.status, r.finished_at
      FROM grid_cells c LEFT JOIN runs r ON r.id = c.run_id WHERE c.grid_id = ? ORDER BY c.idx`);
    this.selectCellEpochs = db.prepare(`
      SELECT e.run_id, e.epoch, e.train_loss, e.train_acc, e.val_loss, e.val_acc, e.test_loss, e.test_acc,
             e.lr, e.seconds
      FROM grid_cells c JOIN epoch_metrics e ON e.run_id = c.run_id
      WHERE c.grid_id = ? ORDER BY e.run_id, e.epoch`);
    // Only a cell that stands at its rung (or was stopped there) is pruned; a finished run stays as it is.
    this.updatePruned = db.prepare(`
      UPDATE runs SET status = 'pruned', finished_at = COALESCE(finished_at, ?)
      WHERE id = ? AND status IN ('paused', 'interrupted', 'cancelled')`);
  }

  /** Records the pruning a new grid trains with (in the grid's creating transaction). */
  setPruning(gridId: string, pruning: GridPruning): void {
    this.updatePruning.run(JSON.stringify(pruning), gridId);
  }

  pruningOf(gridId: string): GridPruning | null {
    const row = this.selectPruning.get(gridId);
    return row?.pruning ? (JSON.parse(row.pruning) as GridPruning) : null;
  }

  decisions(gridId: string): StoredRungDecision[] {
    return this.selectRungs.all(gridId).map((r) => ({
      bracket: r.bracket,
      epoch: r.epoch,
      kept: JSON.parse(r.kept) as number[],
      pruned: JSON.parse(r.pruned) as number[],
      endedBefore: JSON.parse(r.ended_before) as number[],
      decidedAt: r.decided_at,
    }));
  }

  /** Every cell's status and logged epochs, as the pruning step reads them. */
  cellStates(gridId: string): PruningCellState[] {
    const epochs = new Map<string, EpochMetrics[]>();
    for (const row of this.selectCellEpochs.all(gridId)) {
      let list = epochs.get(row.run_id);
      if (!list) epochs.set(row.run_id, (list = []));
      list.push(toEpochMetrics(row));
    }
    return this.selectCellStates.all(gridId).map((row) => ({
      index: row.idx,
      runId: row.run_id,
      status: row.status ?? 'pending',
      finishedAt: row.finished_at,
      epochs: row.run_id ? (epochs.get(row.run_id) ?? []) : [],
    }));
  }

  /**
   * Where the grid stands, without writing: its recorded decisions, any now due, and what each open cell
   * trains to. Cancelled cells count as still to train when they were cancelled before
   * `retryCancelledBefore` (the grid was resumed after it), as the claim treats them.
   */
  progress(gridId: string, pruning: GridPruning, retryCancelledBefore = ''): PruningProgress {
    const cells = this.cellStates(gridId);
    return advancePruning(
      pruning.spec,
      pruning.fullEpochs,
      cells.map((c) => liveCell(c, retryCancelledBefore)),
      this.decisions(gridId),
    );
  }

  /**
   * Advances the grid (inside the caller's write transaction): the rungs now due are recorded and the cells
   * they pruned end as `pruned`. Returns the progress after it.
   */
  advance(
    gridId: string,
    pruning: GridPruning,
    retryCancelledBefore: string,
  ): PruningProgress & { prunedRuns: string[] } {
    if (pruning.targets) return { ...givenTargets(pruning.targets), prunedRuns: [] };
    const progress = { ...this.progress(gridId, pruning, retryCancelledBefore), prunedRuns: [] as string[] };
    if (progress.made.length === 0) return progress;
    const at = this.now().toISOString();
    const runs = new Map(this.selectCellStates.all(gridId).map((c) => [c.idx, c.run_id] as const));
    for (const decision of progress.made) {
      this.insertRung.run({
        gridId,
        bracket: decision.bracket,
        epoch: decision.epoch,
        kept: JSON.stringify(decision.kept),
        pruned: JSON.stringify(decision.pruned),
        endedBefore: JSON.stringify(decision.endedBefore),
        decidedAt: at,
      });
      for (const index of decision.pruned) {
        const runId = runs.get(index);
        if (runId && this.updatePruned.run(at, runId).changes > 0) progress.prunedRuns.push(runId);
      }
    }
    return progress;
  }
}

/** A Slurm task's store decides nothing: its cell trains to the epoch the job folder gives it. */
function givenTargets(targets: Record<string, number>): PruningProgress {
  return {
    brackets: [],
    decisions: [],
    made: [],
    targets: new Map(Object.entries(targets).map(([index, epoch]) => [Number(index), epoch])),
    prunedAt: new Map(),
  };
}

function liveCell(cell: PruningCellState, retryCancelledBefore: string): LiveCell {
  const retried =
    cell.status === 'cancelled' && cell.finishedAt !== null && cell.finishedAt <= retryCancelledBefore;
  return { index: cell.index, epochs: cell.epochs, open: STILL_TRAINING.includes(cell.status) || retried };
}
