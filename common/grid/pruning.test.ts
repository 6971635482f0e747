import { describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../types';
import {
  advancePruning,
  assignBrackets,
  decideBracket,
  halvingRungs,
  hyperbandBrackets,
  keepCount,
  parsePruning,
  plannedPruning,
  replayPruning,
  spearman,
  type PruningCell,
} from './pruning';

function row(epoch: number, valLoss: number | null, testAcc: number | null = null): EpochMetrics {
  return {
    epoch,
    trainLoss: 1,
    trainAcc: 0.5,
    valLoss,
    valAcc: valLoss === null ? null : 1 - valLoss / 2,
    testLoss: null,
    testAcc,
    lr: 0.1,
    seconds: 1,
  };
}

/** A cell whose validation loss is `curve[e − 1]` at epoch e, test accuracy 1 − valLoss / 2. */
const cell = (index: number, curve: readonly (number | null)[]): PruningCell => ({
  index,
  epochs: curve.map((v, i) => row(i + 1, v, v === null ? null : 1 - v / 2)),
});

describe('rungs', () => {
  it('successive halving: r, rη, rη², … below R', () => {
    expect(halvingRungs(1, 3, 9)).toEqual([1, 3]);
    expect(halvingRungs(2, 3, 8)).toEqual([2, 6]);
    expect(halvingRungs(1, 2, 8)).toEqual([1, 2, 4]);
    expect(halvingRungs(2, 2.5, 20)).toEqual([2, 5, 12]);
  });

  it('Hyperband: the brackets of Li et al. 2018 (R = 81, η = 3: 81, 34, 15, 8, 5 configurations)', () => {
    const brackets = hyperbandBrackets(1, 3, 81);
    expect(brackets.map((b) => b.index)).toEqual([4, 3, 2, 1, 0]);
    expect(brackets.map((b) => b.weight)).toEqual([81, 34, 15, 8, 5]);
    expect(brackets.map((b) => b.rungs)).toEqual([[1, 3, 9, 27], [3, 9, 27], [9, 27], [27], []]);
  });

  it('Hyperband with the resource in units of r: R = 27 epochs, r = 1 and r = 3', () => {
    expect(hyperbandBrackets(1, 3, 27).map((b) => [b.weight, b.rungs])).toEqual([
      [27, [1, 3, 9]],
      [12, [3, 9]],
      [6, [9]],
      [4, []],
    ]);
    expect(hyperbandBrackets(3, 3, 27).map((b) => [b.weight, b.rungs])).toEqual([
      [9, [3, 9]],
      [5, [9]],
      [3, []],
    ]);
  });

  it('deals the cells to the brackets in proportion to their weights, in index order', () => {
    const brackets = hyperbandBrackets(1, 3, 27);
    const all = assignBrackets(brackets, 49);
    expect(brackets.map((_, k) => all.filter((b) => b === k).length)).toEqual([27, 12, 6, 4]);
    const ten = assignBrackets(brackets, 10);
    const counts = brackets.map((_, k) => ten.filter((b) => b === k).length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(10);
    brackets.forEach((b, k) => expect(Math.abs(counts[k] - (b.weight / 49) * 10)).toBeLessThan(1));
  });

  it('keeps ⌊n/η⌋, at least one', () => {
    expect([keepCount(9, 3), keepCount(8, 3), keepCount(2, 3), keepCount(5, 2)]).toEqual([3, 2, 1, 2]);
  });
});

describe('a rung’s decision', () => {
  const cells = [
    cell(0, [0.9, 0.5]),
    cell(1, [0.9, 0.3]),
    cell(2, [0.9, 0.3]),
    cell(3, [0.9, 0.9]),
    cell(4, [0.9, 0.1]),
    cell(5, [0.9]), // ended (early stopped) before the rung
  ];

  it('keeps the best by the value at the rung’s epoch; a cell that ended before it is not pruned', () => {
    const [d] = decideBracket({ index: 0, rungs: [2], weight: 1 }, cells, 'valLoss', 3);
    expect(d).toEqual({ bracket: 0, epoch: 2, kept: [4], pruned: [0, 1, 2, 3], endedBefore: [5] });
  });

  it('breaks ties by cell index, whatever order the cells come in', () => {
    const shuffled = [cells[3], cells[2], cells[5], cells[0], cells[4], cells[1]];
    const [d] = decideBracket({ index: 0, rungs: [2], weight: 1 }, shuffled, 'valLoss', 2);
    expect(d.kept).toEqual([1, 4]);
    expect(d.pruned).toEqual([0, 2, 3]);
  });

  it('maximises an accuracy', () => {
    const [d] = decideBracket({ index: 0, rungs: [2], weight: 1 }, cells.slice(0, 5), 'valAcc', 3);
    expect(d.kept).toEqual([4]);
  });
});

describe('replay on a hand-built grid', () => {
  // Cell 2 starts slowly and ends best: successive halving from epoch 1 throws it away.
  const grid = [
    cell(0, [1.0, 0.8, 0.6, 0.5]),
    cell(1, [0.9, 0.7, 0.65, 0.6]),
    cell(2, [1.2, 0.6, 0.4, 0.3]),
    cell(3, [0.95, 0.9, 0.85, 0.8]),
  ];
  const spec = parsePruning({
    kind: 'successive-halving',
    monitor: 'valLoss',
    minEpochs: 1,
    reductionFactor: 2,
  });

  it('gives every rung, the epochs saved, both winners, the regret and the rank correlation', () => {
    const replay = replayPruning(spec, grid, 4);
    expect(replay.rungs).toEqual([
      { bracket: 0, epoch: 1, kept: [1, 3], pruned: [0, 2], endedBefore: [] },
      { bracket: 0, epoch: 2, kept: [1], pruned: [3], endedBefore: [] },
    ]);
    expect(replay.epochsTrained).toBe(1 + 4 + 1 + 2);
    expect(replay.epochsFull).toBe(16);
    expect(replay.saved).toBe(0.5);
    expect(replay.winner).toBe(1);
    expect(replay.fullWinner).toBe(2);
    expect(replay.regret.valLoss).toBeCloseTo(0.6 - 0.3, 12);
    expect(replay.regret.testAcc).toBeCloseTo(0.85 - 0.7, 12);
    // Rung 1: ranks 3 1 4 2 against the final best's 2 3 1 4: Σd² = 18, ρ = 1 − 6·18 / (4·15).
    expect(replay.rankCorrelation[0]).toEqual({
      bracket: 0,
      epoch: 1,
      rho: expect.closeTo(-0.8, 12),
      cells: 4,
    });
    expect(replay.rankCorrelation[1]).toMatchObject({ epoch: 2, rho: null, cells: 2 });
  });

  it('is the same whatever order the cells are given in', () => {
    const shuffled = [grid[2], grid[0], grid[3], grid[1]];
    expect(replayPruning(spec, shuffled, 4)).toEqual(replayPruning(spec, grid, 4));
  });

  it('with the rung past the slow start, keeps the eventual best cell: no regret', () => {
    const later = replayPruning({ ...spec, minEpochs: 2 }, grid, 4);
    expect(later.rungs).toEqual([{ bracket: 0, epoch: 2, kept: [1, 2], pruned: [0, 3], endedBefore: [] }]);
    expect(later.winner).toBe(2);
    expect(later.regret).toEqual({ testAcc: 0, valLoss: 0 });
  });
});

describe('bad input: one line naming the field', () => {
  const grid = [cell(0, [1, 0.5, 0.4]), cell(1, [1, 0.6, 0.5]), cell(2, [1, 0.7, 0.6])];
  const base = { kind: 'successive-halving', monitor: 'valLoss', minEpochs: 1, reductionFactor: 2 };

  it('refuses minEpochs ≥ R, η < 2, an unknown kind, more η than cells, a monitor never logged', () => {
    expect(() => replayPruning(parsePruning({ ...base, minEpochs: 3 }), grid, 3)).toThrow(
      "pruning.minEpochs: 3 is not below the grid's full 3 epochs (training.epochs): no rung would sit before the end",
    );
    expect(() => parsePruning({ ...base, reductionFactor: 1.5 })).toThrow(
      'pruning.reductionFactor: expected a number ≥ 2 (η: a rung keeps the best 1/η of its cells)',
    );
    expect(() => parsePruning({ ...base, kind: 'asha' })).toThrow(
      'pruning.kind: unknown pruning kind "asha": expected "successive-halving" or "hyperband"',
    );
    expect(() => parsePruning('{"kind": "hyperband"')).toThrow(/^--pruning: not valid JSON/);
    expect(() => replayPruning(parsePruning({ ...base, reductionFactor: 4 }), grid, 3)).toThrow(
      "pruning.reductionFactor: 4 is more than the grid's 3 cells: the first rung would keep one cell of fewer than η",
    );
    expect(() =>
      replayPruning(parsePruning({ ...base, kind: 'hyperband', reductionFactor: 2, minEpochs: 2 }), grid, 3),
    ).toThrow(
      /^pruning\.minEpochs: Hyperband with r = 2 and η = 2 has a single bracket without rungs on 3 epochs/,
    );
    const noValidation = grid.map((c) => ({ ...c, epochs: c.epochs.map((e) => ({ ...e, valLoss: null })) }));
    expect(() => replayPruning(parsePruning(base), noValidation, 3)).toThrow(
      'pruning.monitor: valLoss (validation loss) is never logged by these cells (the split it needs is empty)',
    );
  });
});

describe('Spearman’s ρ', () => {
  it('is 1 for the same order, −1 for the reverse, uses average ranks for ties', () => {
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 12);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 12);
    expect(spearman([1, 1, 2], [1, 2, 3])).toBeCloseTo(0.8660254037844387, 12);
    expect(spearman([1, 2], [1, 2])).toBeNull();
  });
});

describe('advancePruning: a live grid, one moment at a time', () => {
  const spec = { kind: 'successive-halving', monitor: 'valLoss', minEpochs: 1, reductionFactor: 3 } as const;
  // Validation loss per epoch; lower is better. At epoch 1 the order is 2, 4, 0, 5, 1, 3; at epoch 3 among
  // 2 and 4, cell 4 leads.
  const curves = [
    [0.5, 0.45, 0.4, 0.35, 0.3, 0.3, 0.3, 0.3, 0.3],
    [0.7, 0.6, 0.5, 0.4, 0.3, 0.3, 0.3, 0.3, 0.3],
    [0.3, 0.28, 0.26, 0.25, 0.24, 0.23, 0.22, 0.21, 0.2],
    [0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1, 0.05],
    [0.4, 0.3, 0.2, 0.15, 0.1, 0.1, 0.1, 0.1, 0.1],
    [0.6, 0.5, 0.4, 0.3, 0.2, 0.2, 0.2, 0.2, 0.2],
  ];
  const live = (logged: number[], open: boolean[] = logged.map(() => true)) =>
    logged.map((n, index) => ({ ...cell(index, curves[index].slice(0, n)), open: open[index] }));

  it('sends every new cell to the first rung and decides nothing before all reach it', () => {
    const start = advancePruning(spec, 9, live([0, 0, 0, 0, 0, 0]), []);
    expect(start.made).toEqual([]);
    expect([...start.targets]).toEqual([0, 1, 2, 3, 4, 5].map((i) => [i, 1]));
    // Five cells wait at the rung; cell 5 still trains to it and alone has somewhere to go.
    const waiting = advancePruning(spec, 9, live([1, 1, 1, 1, 1, 0]), []);
    expect(waiting.made).toEqual([]);
    expect([...waiting.targets]).toEqual([[5, 1]]);
  });

  it('decides the rung once the last cell reaches it: the best ⌊6/3⌋ go on to the next rung', () => {
    const decided = advancePruning(spec, 9, live([1, 1, 1, 1, 1, 1]), []);
    expect(decided.made).toEqual([
      { bracket: 0, epoch: 1, kept: [2, 4], pruned: [0, 1, 3, 5], endedBefore: [] },
    ]);
    expect([...decided.targets]).toEqual([
      [2, 3],
      [4, 3],
    ]);
    expect([...decided.prunedAt]).toEqual([0, 1, 3, 5].map((i) => [i, 1]));
    // Recorded, the decision is not made again; past the last rung the survivor trains to R.
    const later = advancePruning(spec, 9, live([1, 1, 3, 1, 3, 1]), decided.made);
    expect(later.made).toEqual([{ bracket: 0, epoch: 3, kept: [4], pruned: [2], endedBefore: [] }]);
    expect([...later.targets]).toEqual([[4, 9]]);
  });

  it('lets a recorded decision stand whatever the cells read now, and counts a cell that ended as ended before', () => {
    const recorded = [{ bracket: 0, epoch: 1, kept: [0, 1], pruned: [2, 3, 4, 5], endedBefore: [] }];
    const progress = advancePruning(spec, 9, live([1, 1, 1, 1, 1, 1]), recorded);
    expect(progress.made).toEqual([]);
    expect([...progress.targets]).toEqual([
      [0, 3],
      [1, 3],
    ]);
    // Cell 1 diverged at epoch 2 (no longer open): the rung at 3 goes on without it.
    const ended = advancePruning(
      spec,
      9,
      live([3, 2, 1, 1, 1, 1], [true, false, true, true, true, true]),
      recorded,
    );
    expect(ended.made).toEqual([{ bracket: 0, epoch: 3, kept: [0], pruned: [], endedBefore: [1] }]);
  });

  it('on a finished grid decides exactly as the replay does', () => {
    const finished = live([9, 9, 9, 9, 9, 9], Array(6).fill(false));
    for (const kind of ['successive-halving', 'hyperband'] as const) {
      const s = { ...spec, kind };
      expect(advancePruning(s, 9, finished, []).decisions).toEqual(replayPruning(s, finished, 9).rungs);
    }
  });
});

describe('plannedPruning', () => {
  it('counts the epochs a pruning plans: 9 cells, R = 8, r = 2, η = 3', () => {
    const spec = {
      kind: 'successive-halving',
      monitor: 'valLoss',
      minEpochs: 2,
      reductionFactor: 3,
    } as const;
    // 9 cells to 2, 3 of them on to 6, 1 on to 8: 18 + 12 + 2.
    expect(plannedPruning(spec, 8, 9)).toEqual({
      rungs: [
        { bracket: 0, epoch: 2, reach: 9, keep: 3 },
        { bracket: 0, epoch: 6, reach: 3, keep: 1 },
      ],
      epochsPlanned: 32,
      epochsFull: 72,
    });
  });

  it('equals the replay on a grid where no cell ends early', () => {
    const grid = Array.from({ length: 7 }, (_, i) =>
      cell(
        i,
        Array.from({ length: 9 }, (_, e) => 1 / (1 + e + ((i * 5) % 7))),
      ),
    );
    for (const kind of ['successive-halving', 'hyperband'] as const) {
      const spec = { kind, monitor: 'valLoss', minEpochs: 1, reductionFactor: 3 } as const;
      const replay = replayPruning(spec, grid, 9);
      const plan = plannedPruning(spec, 9, 7);
      expect(plan.epochsPlanned).toBe(replay.epochsTrained);
      expect(plan.rungs.map((r) => [r.bracket, r.epoch, r.reach, r.keep])).toEqual(
        replay.rungs.map((r) => [r.bracket, r.epoch, r.kept.length + r.pruned.length, r.kept.length]),
      );
    }
  });
});
