import { describe, expect, it } from 'vitest';
import { mainEffectImportance } from '../../../common/grid/importance';
import { L2_AXIS, LR_AXIS, pruningState } from '../testing/fixtures';
import { prunedEpochs, prunedGrid } from '../testing/pruned-grid';
import { rungImportanceCells, rungImportancePlan, rungRunIds } from './rung-importance';

describe('parameter importance on a pruned grid', () => {
  it('reads the grid’s earliest rung: successive halving’s first, Hyperband’s most aggressive bracket’s', () => {
    expect(rungImportancePlan(pruningState())).toEqual({ epoch: 1, brackets: [0], monitor: 'valLoss' });
    const hyperband = pruningState({
      spec: { kind: 'hyperband', monitor: 'valAcc', minEpochs: 1, reductionFactor: 3 },
      brackets: [
        { index: 2, rungs: [1, 3], cells: [0, 2] },
        { index: 1, rungs: [3], cells: [1] },
        { index: 0, rungs: [], cells: [3] },
      ],
    });
    expect(rungImportancePlan(hyperband)).toEqual({ epoch: 1, brackets: [2], monitor: 'valAcc' });
    expect(rungImportancePlan(pruningState({ brackets: [{ index: 0, rungs: [], cells: [0] }] }))).toBeNull();
  });

  it('decomposes the value at the rung over every cell, pruned, paused and running alike', () => {
    const grid = prunedGrid('live');
    const plan = rungImportancePlan(grid.pruning!)!;
    expect(rungRunIds(grid.results, plan.epoch)).toHaveLength(9);
    const result = mainEffectImportance(
      [L2_AXIS, LR_AXIS],
      rungImportanceCells(grid.results, plan, prunedEpochs(grid)),
    );
    if (!result.ok) throw new Error(result.reason);
    // At epoch 1 the values are the hand-computed table / 10: the fractions do not scale.
    expect(result.axes[0].fraction).toBeCloseTo(12 / 17, 12);
    expect(result.axes[1].fraction).toBeCloseTo(3 / 17, 12);
    expect(result.interactionFraction).toBeCloseTo(2 / 17, 12);
  });

  it('counts a cell short of the rung as still to run while it can get there, and a failed one as failed', () => {
    const grid = prunedGrid('live');
    const plan = rungImportancePlan(grid.pruning!)!;
    const results = grid.results.map((r) =>
      r.index === 4
        ? { ...r, status: 'running' as const, epochs: 0 }
        : r.index === 5
          ? { ...r, status: 'failed' as const, epochs: 0 }
          : r,
    );
    const epochs = prunedEpochs(grid);
    epochs.delete('run-4');
    epochs.delete('run-5');
    const result = mainEffectImportance([L2_AXIS, LR_AXIS], rungImportanceCells(results, plan, epochs));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toBe(
      '2 of 9 points have no result (1 still to run, 1 failed); the decomposition needs a value at every point',
    );
  });
});
