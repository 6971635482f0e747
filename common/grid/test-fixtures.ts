import type { MetricValues } from './results';
import type { ResolvedAxis } from './spec';
import type { GridCellResult, GridDetail, GridPruningState } from './types';

/** Grid results shaped like the API's, for the tests of the grid analysis and views. */

export function metrics(overrides: Partial<MetricValues> = {}): MetricValues {
  return {
    trainLoss: 0.2,
    trainAcc: 0.95,
    valLoss: 0.3,
    valAcc: 0.9,
    testLoss: 0.32,
    testAcc: 0.89,
    ...overrides,
  };
}

export function gridCell(overrides: Partial<GridCellResult> = {}): GridCellResult {
  const index = overrides.index ?? 0;
  return {
    index,
    point: index,
    repeat: 0,
    position: index,
    values: {},
    runId: `run-${index}`,
    runName: `cell ${index}`,
    status: 'completed',
    attempts: 1,
    error: null,
    seed: 1,
    bestEpoch: 3,
    bestStep: null,
    atBest: metrics(),
    final: metrics(),
    epochs: 5,
    epochsPlanned: 5,
    durationSeconds: 10,
    stopEpoch: null,
    pruning: null,
    ...overrides,
  };
}

/**
 * Every combination of the axes' values (the last axis fastest, repeats innermost, as expandGrid orders
 * them), each cell's validation loss at its best epoch given by `valLoss(values, repeat)`.
 */
export function fullGridCells(
  axes: readonly ResolvedAxis[],
  valLoss: (values: Record<string, unknown>, repeat: number) => number | null,
  repeats = 1,
): GridCellResult[] {
  const cells: GridCellResult[] = [];
  const total = axes.reduce((n, a) => n * a.values.length, 1);
  for (let point = 0; point < total; point++) {
    const values: Record<string, unknown> = {};
    let rest = point;
    for (let a = axes.length - 1; a >= 0; a--) {
      values[axes[a].path] = axes[a].values[rest % axes[a].values.length];
      rest = Math.floor(rest / axes[a].values.length);
    }
    for (let repeat = 0; repeat < repeats; repeat++) {
      const index = point * repeats + repeat;
      const loss = valLoss(values, repeat);
      cells.push(
        gridCell({
          index,
          point,
          repeat,
          seed: 1 + repeat,
          values,
          atBest: loss === null ? null : metrics({ valLoss: loss }),
          final: loss === null ? null : metrics({ valLoss: loss + 0.1 }),
        }),
      );
    }
  }
  return cells;
}

export function gridDetail(
  axes: ResolvedAxis[],
  results: GridCellResult[],
  overrides: Partial<GridDetail> = {},
): GridDetail {
  const counts = {
    pending: 0,
    queued: 0,
    running: 0,
    completed: 0,
    failed: 0,
    cancelled: 0,
    diverged: 0,
    interrupted: 0,
    paused: 0,
    pruned: 0,
  };
  for (const r of results) counts[r.status] += 1;
  return {
    id: 'grid-1',
    name: 'E5 small',
    runner: { kind: 'local' },
    status: results.every((r) => r.status === 'completed') ? 'completed' : 'running',
    cells: results.length,
    counts,
    axes,
    repeats: 1,
    createdAt: '2025-01-01T10:00:00.000Z',
    finishedAt: null,
    owner: null,
    etaSeconds: null,
    spec: { name: 'E5 small', base: 'e5-cnn-l2-0.01', axes: [] },
    description: null,
    monitor: 'valLoss',
    results,
    pruning: null,
    ...overrides,
  };
}

/**
 * A live pruned grid's state: by default successive halving on validation loss, r = 1, η = 3, over 9 cells
 * of R = 9 epochs (rungs at epochs 1 and 3), nothing decided or trained yet.
 */
export function pruningState(overrides: Partial<GridPruningState> = {}): GridPruningState {
  return {
    spec: { kind: 'successive-halving', monitor: 'valLoss', minEpochs: 1, reductionFactor: 3 },
    fullEpochs: 9,
    brackets: [{ index: 0, rungs: [1, 3], cells: [0, 1, 2, 3, 4, 5, 6, 7, 8] }],
    rungs: [],
    epochsTrained: 0,
    epochsFull: 81,
    secondsTrained: 0,
    secondsFullEstimate: null,
    ...overrides,
  };
}

export const L2_AXIS: ResolvedAxis = {
  path: 'regularization.l2',
  label: 'λ',
  values: [0.01, 0.1, 0.5],
  scale: 'linear',
};
export const LR_AXIS: ResolvedAxis = {
  path: 'training.learningRate',
  label: 'lr',
  values: [1e-4, 1e-3, 1e-2],
  scale: 'log',
};
export const HIDDEN_AXIS: ResolvedAxis = {
  path: 'model.hiddenUnits',
  label: 'hidden',
  values: [[4], [16]],
  scale: 'categorical',
};
