import type { GridCellResult, GridDetail, GridPruningState } from '../../../common/grid/types';
import type { EpochMetrics } from '../../../common/types';
import { epoch, fullGridCells, gridDetail, L2_AXIS, LR_AXIS, metrics, pruningState } from './fixtures';

/**
 * A 3 × 3 grid (λ × lr) pruned live by successive halving on validation loss, r = 1, η = 3, R = 9: rungs at
 * epochs 1 and 3. Cell i's validation loss at epoch e is b_i/10 · (1 + 1/e)/2, b = the importance tests'
 * hand-computed table (2 1 3 | 2 5 5 | 5 6 7 by cell index), so at epoch 1 it is b_i/10: λ explains 12/17 of
 * its variance, lr 3/17, interactions 2/17. The order never changes over epochs, so:
 *
 *   rung 1: kept 0, 1, 3 (b = 2, 1, 2); pruned 2, 4, 5, 6, 7, 8
 *   rung 3: kept 1; pruned 0, 3
 *
 * `live`: rung 1 decided, cell 0 paused at epoch 3 (waiting for the rung), cells 1 and 3 at epoch 2 training
 * to 3: 6 + 3 + 2 + 2 = 13 epochs of 81. `finished`: both rungs decided, cell 1 trained to 9: 6 + 6 + 9 = 21.
 */

export const PRUNED_B = [2, 1, 3, 2, 5, 5, 5, 6, 7];

export function prunedValLoss(index: number, e: number): number {
  return (PRUNED_B[index] / 10) * ((1 + 1 / e) / 2);
}

/** Cell i's logged epochs, 1…n. */
export function prunedCurve(index: number, epochs: number): EpochMetrics[] {
  return Array.from({ length: epochs }, (_, k) => epoch(k + 1, { valLoss: prunedValLoss(index, k + 1) }));
}

interface CellState {
  status: GridCellResult['status'];
  epochs: number;
  prunedAt: number | null;
  target: number | null;
}

const RUNG_1 = { bracket: 0, epoch: 1, kept: [0, 1, 3], pruned: [2, 4, 5, 6, 7, 8], endedBefore: [] };
const RUNG_3 = { bracket: 0, epoch: 3, kept: [1], pruned: [0, 3], endedBefore: [] };

function states(stage: 'live' | 'finished'): CellState[] {
  const prunedAt1: CellState = { status: 'pruned', epochs: 1, prunedAt: 1, target: null };
  return PRUNED_B.map((_, i) => {
    if (RUNG_1.pruned.includes(i)) return prunedAt1;
    if (stage === 'finished') {
      return i === 1
        ? { status: 'completed', epochs: 9, prunedAt: null, target: null }
        : { status: 'pruned', epochs: 3, prunedAt: 3, target: null };
    }
    return i === 0
      ? { status: 'paused', epochs: 3, prunedAt: null, target: null }
      : { status: 'running', epochs: 2, prunedAt: null, target: 3 };
  });
}

export function prunedGrid(
  stage: 'live' | 'finished',
  overrides: Partial<GridPruningState> = {},
): GridDetail {
  const cells = fullGridCells([L2_AXIS, LR_AXIS], () => 1).map((cell, i): GridCellResult => {
    const s = states(stage)[i];
    const best = metrics({ valLoss: prunedValLoss(i, s.epochs) });
    return {
      ...cell,
      status: s.status,
      epochs: s.epochs,
      epochsPlanned: 9,
      bestEpoch: s.epochs,
      atBest: best,
      final: best,
      pruning: { bracket: 0, prunedAt: s.prunedAt, target: s.target },
    };
  });
  const pruning = pruningState({
    rungs: (stage === 'live' ? [RUNG_1] : [RUNG_1, RUNG_3]).map((r, k) => ({
      ...r,
      decidedAt: `2025-01-01T10:0${k + 1}:00.000Z`,
    })),
    epochsTrained: stage === 'live' ? 13 : 21,
    secondsTrained: stage === 'live' ? 130 : 210,
    secondsFullEstimate: 810,
    ...overrides,
  });
  return gridDetail([L2_AXIS, LR_AXIS], cells, {
    status: stage === 'live' ? 'running' : 'completed',
    spec: {
      name: 'E5 small',
      base: 'e5-cnn-l2-0.01',
      axes: [],
      pruning: { kind: 'successive-halving', monitor: 'valLoss', minEpochs: 1, reductionFactor: 3 },
    },
    pruning,
  });
}

/** Every cell's logged epochs, by run id, as runs.epochs answers for the grid. */
export function prunedEpochs(grid: GridDetail): Map<string, EpochMetrics[]> {
  return new Map(grid.results.map((r) => [r.runId!, prunedCurve(r.index, r.epochs)]));
}
