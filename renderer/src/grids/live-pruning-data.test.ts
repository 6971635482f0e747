import { describe, expect, it } from 'vitest';
import { pruningState } from '../testing/fixtures';
import { prunedGrid } from '../testing/pruned-grid';
import {
  bracketProgressText,
  liveBars,
  plannedEpochs,
  rungDecisionText,
  savedText,
  timeText,
} from './live-pruning-data';

describe('the live Pruning section’s numbers', () => {
  it('plans the epochs of successive halving and of Hyperband’s brackets, rung by rung', () => {
    // 9 cells: 9 × 1 to rung 1, ⌊9/3⌋ = 3 on to rung 3 (3 × 2), 1 on to 9 (1 × 6).
    expect(plannedEpochs(pruningState())).toBe(9 + 6 + 6);
    const hyperband = pruningState({
      spec: { kind: 'hyperband', monitor: 'valLoss', minEpochs: 1, reductionFactor: 3 },
      brackets: [
        { index: 2, rungs: [1, 3], cells: [0, 2, 4, 6, 8] },
        { index: 1, rungs: [3], cells: [1, 5, 7] },
        { index: 0, rungs: [], cells: [3] },
      ],
    });
    // s = 2: 5 × 1, 1 × 2, 1 × 6; s = 1: 3 × 3, 1 × 6; s = 0: 1 × 9.
    expect(plannedEpochs(hyperband)).toBe(5 + 2 + 6 + (9 + 6) + 9);
  });

  it('says epochs trained of the full grid’s, and what the plan saves while it trains', () => {
    const live = prunedGrid('live');
    expect(savedText(live, live.pruning!)).toBe(
      '13 of 81 epochs trained so far (a full grid: 9 cells × 9 epochs); at most 21 in all as the rungs are set, which saves at least 74.07%',
    );
    const done = prunedGrid('finished');
    expect(savedText(done, done.pruning!)).toBe(
      '21 of 81 epochs trained (a full grid: 9 cells × 9 epochs): saves 74.07%',
    );
    expect(timeText(done, done.pruning!)).toBe(
      '3 min 30 s of training, against about 13 min 30 s for the full grid at the same seconds per epoch: saves 74.07%',
    );
    expect(timeText(live, { ...live.pruning!, secondsFullEstimate: null })).toBe(
      "2 min 10 s of training so far; the full grid's time is estimated once an epoch is logged",
    );
  });

  it('draws each cell of a bracket to the epoch it reached, survivors apart from pruned ones', () => {
    const live = prunedGrid('live');
    const bars = liveBars(live, live.pruning!, live.pruning!.brackets[0]);
    expect(bars.map((b) => [b.index, b.epochs, b.kind, b.target])).toEqual([
      [0, 3, 'survivor', null],
      [1, 2, 'survivor', 3],
      [2, 1, 'pruned', null],
      [3, 2, 'survivor', 3],
      [4, 1, 'pruned', null],
      [5, 1, 'pruned', null],
      [6, 1, 'pruned', null],
      [7, 1, 'pruned', null],
      [8, 1, 'pruned', null],
    ]);
    expect(bars[1].label).toBe('cell 1 (λ=0.01, lr=1e-3)');
  });

  it('names every cell of a decided rung, and where the next rung stands', () => {
    const live = prunedGrid('live');
    expect(rungDecisionText(live, live.pruning!, live.pruning!.rungs[0])).toBe(
      'epoch 1 — kept 3: cell 0 (λ=0.01, lr=1e-4), cell 1 (λ=0.01, lr=1e-3), cell 3 (λ=0.1, lr=1e-4); ' +
        'pruned 6: cell 2 (λ=0.01, lr=0.01), cell 4 (λ=0.1, lr=1e-3), cell 5 (λ=0.1, lr=0.01), ' +
        'cell 6 (λ=0.5, lr=1e-4), cell 7 (λ=0.5, lr=1e-3), cell 8 (λ=0.5, lr=0.01); ended before it: none',
    );
    expect(bracketProgressText(live, live.pruning!, live.pruning!.brackets[0])).toBe(
      '9 cells, rungs at epochs 1, 3 of 9; next: epoch 3, 1 of the 3 cells still in has reached it',
    );
    const done = prunedGrid('finished');
    expect(bracketProgressText(done, done.pruning!, done.pruning!.brackets[0])).toBe(
      '9 cells, rungs at epochs 1, 3 of 9; every rung decided: 1 cell kept to the full 9 epochs',
    );
  });
});
