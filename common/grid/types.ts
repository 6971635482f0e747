import type { MetricName, RunStatus } from '../types';
import type { PlannedRung, PruningSpec, RungDecision } from './pruning';
import type { MetricValues } from './results';
import type { ResolvedAxis } from './spec';

/** Grids as the store, the API, the CLI and the renderer see them. */

/** `running` while any cell is still to train (also after a crash, until it is resumed). */
export type GridStatus = 'running' | 'completed' | 'cancelled';

/** A cell's state: its run's status, or `pending` before any process has claimed it. */
export type GridCellStatus = RunStatus | 'pending';

export type GridCellCounts = Record<GridCellStatus, number>;

export interface GridSummary {
  id: string;
  name: string;
  status: GridStatus;
  /** Cells, repeats included. */
  cells: number;
  counts: GridCellCounts;
  axes: ResolvedAxis[];
  repeats: number;
  createdAt: string;
  finishedAt: string | null;
  /** The process driving it (null when none is, e.g. after a crash until it is resumed). */
  owner: { pid: number; host: string; alive: boolean } | null;
  /** Seconds until every cell is done, from the cells done so far; null before the first finishes. */
  etaSeconds: number | null;
  /** Where its cells train: this machine's queue, or Slurm array tasks brought home by `grid collect`. */
  runner: { kind: 'local' } | { kind: 'slurm'; jobId: string | null; jobDir: string | null };
}

export interface GridCellResult {
  index: number;
  /** The axis combination; repeats of one point share it. */
  point: number;
  repeat: number;
  position: number;
  values: Record<string, unknown>;
  runId: string | null;
  runName: string | null;
  status: GridCellStatus;
  /** Attempts started (an interrupted attempt is retried from scratch on resume). */
  attempts: number;
  error: string | null;
  seed: number;
  /** Epoch where the monitored metric was best, and every metric there. */
  bestEpoch: number | null;
  /** Where the best was a point inside an epoch: its step (bestEpoch is then fractional). */
  bestStep: number | null;
  atBest: MetricValues | null;
  final: MetricValues | null;
  epochs: number;
  epochsPlanned: number;
  /** Seconds from start to finish (to now while it runs). */
  durationSeconds: number | null;
  /** Where a live early-stopping rule ended the run, if one did. */
  stopEpoch: number | null;
  /** In a pruned grid: the cell's bracket, the rung that ended it, and the epoch it trains to or waits at. */
  pruning: CellPruning | null;
}

export interface CellPruning {
  /** Hyperband's s (successive halving: 0). */
  bracket: number;
  /** The rung epoch at which the cell was pruned; null while it survives (or when it ended otherwise). */
  prunedAt: number | null;
  /** The epoch it trains to next (a rung, or the full epochs); null when it waits at a rung or is done. */
  target: number | null;
}

/** A grid trained with live pruning (`pruning` in its spec): its rungs so far and what they saved. */
export interface GridPruningState {
  spec: PruningSpec;
  /** R: every cell's training.epochs. */
  fullEpochs: number;
  brackets: { index: number; rungs: number[]; cells: number[] }[];
  /** The rungs decided so far, in the order they were decided. */
  rungs: (RungDecision & { decidedAt: string })[];
  /** Epochs the cells have logged so far, and a full grid's: cells × R. */
  epochsTrained: number;
  epochsFull: number;
  /** Training seconds of the logged epochs, and a full grid's at the same seconds per epoch (null before one). */
  secondsTrained: number;
  secondsFullEstimate: number | null;
}

export interface GridDetail extends GridSummary {
  /** The spec as given (base as a preset name, a run id or a config). */
  spec: unknown;
  description: string | null;
  /** The metric the results rank by, and its direction. */
  monitor: MetricName;
  /** One row per cell, in index order. */
  results: GridCellResult[];
  /** Null for a grid without live pruning. */
  pruning: GridPruningState | null;
}

export interface GridCheckCell {
  index: number;
  values: Record<string, unknown>;
  name: string;
}

export type GridCheck =
  | {
      ok: true;
      name: string;
      axes: ResolvedAxis[];
      cells: number;
      /** The first cells, as they will be named. */
      preview: GridCheckCell[];
      /**
       * From earlier runs of the same model and data on this machine; null when there are none. For a pruned
       * grid, of the epochs its pruning plans (no cell ending early).
       */
      estimate: { secondsPerEpoch: number; totalSeconds: number; workers: number; basis: string } | null;
      /** A pruned grid's plan: each rung's cells and survivors, and its epochs against the full grid's. */
      pruning: { rungs: PlannedRung[]; epochsPlanned: number; epochsFull: number } | null;
    }
  | {
      ok: false;
      /**
       * Per-field issues: spec fields as `axes.1.range.min`; a bad cell as its axis values plus the field,
       * e.g. path `cells.4` and message `cell (λ=0.5, lr=10): training.learningRate: expected …`.
       */
      issues: { path: string; message: string }[];
    };

export interface GridPresetInfo {
  /** File name without `.json`, e.g. `e5-grid-l2`. */
  id: string;
  name: string;
  description: string | null;
  spec: unknown;
}
