import { describe, expect, it } from 'vitest';
import { mainEffectImportance, type ImportanceCell } from './importance';
import type { ResolvedAxis } from './spec';
import { fullGridCells, L2_AXIS, LR_AXIS } from './test-fixtures';
import type { GridCellResult } from './types';

const asCells = (results: readonly GridCellResult[]): ImportanceCell[] =>
  results.map((r) => ({ values: r.values, status: r.status, value: r.atBest?.valLoss ?? null }));

/**
 * The hand-computed 3 × 3 example. Rows are λ (0.01, 0.1, 0.5), columns lr (1e-4, 1e-3, 1e-2):
 *
 *            lr=1e-4  1e-3  1e-2 | row mean
 *   λ=0.01      2      1     3   |   2
 *   λ=0.1       2      5     5   |   4
 *   λ=0.5       5      6     7   |   6
 *   col mean    3      4     5   |   grand mean 4
 *
 * Total variance of the 9 cell means: squared deviations from 4 are 4 9 1 | 4 1 1 | 1 4 9, sum 34, so
 * V = 34/9. λ: level means 2, 4, 6 → ((−2)² + 0² + 2²)/3 = 8/3 = 24/9, fraction 24/34 = 12/17 ≈ 0.70588.
 * lr: level means 3, 4, 5 → (1 + 0 + 1)/3 = 2/3 = 6/9, fraction 6/34 = 3/17 ≈ 0.17647. What is left is the
 * interaction: cell − row effect − column effect − grand mean = [1 −1 0; −1 1 0; 0 0 0], sum of squares 4,
 * 4/9 of variance, fraction 4/34 = 2/17 ≈ 0.11765; and 24 + 6 + 4 = 34 checks the decomposition.
 */
const HAND_TABLE: Record<string, Record<string, number>> = {
  '0.01': { '0.0001': 2, '0.001': 1, '0.01': 3 },
  '0.1': { '0.0001': 2, '0.001': 5, '0.01': 5 },
  '0.5': { '0.0001': 5, '0.001': 6, '0.01': 7 },
};
const handValue = (v: Record<string, unknown>) =>
  HAND_TABLE[String(v['regularization.l2'])][String(v['training.learningRate'])];

describe('mainEffectImportance', () => {
  it('matches the hand-computed 3 × 3 decomposition', () => {
    const result = mainEffectImportance(
      [L2_AXIS, LR_AXIS],
      asCells(fullGridCells([L2_AXIS, LR_AXIS], handValue)),
    );
    if (!result.ok) throw new Error(result.reason);
    expect(result.points).toBe(9);
    expect(result.grandMean).toBeCloseTo(4, 12);
    expect(result.totalVariance).toBeCloseTo(34 / 9, 12);
    const [l2, lr] = result.axes;
    expect(l2.fraction).toBeCloseTo(12 / 17, 12);
    expect(l2.variance).toBeCloseTo(24 / 9, 12);
    expect(l2.levelMeans.map((l) => l.mean)).toEqual([2, 4, 6]);
    expect(l2.levelMeans.map((l) => l.label)).toEqual(['0.01', '0.1', '0.5']);
    expect(l2.swing).toBeCloseTo(4, 12);
    expect(lr.fraction).toBeCloseTo(3 / 17, 12);
    expect(lr.levelMeans.map((l) => l.label)).toEqual(['1e-4', '1e-3', '0.01']);
    expect(result.interactionFraction).toBeCloseTo(2 / 17, 12);
    expect(result.seeds).toBeNull();
  });

  it('does not depend on the order the spec listed the levels or the cells in', () => {
    const shuffledAxes: ResolvedAxis[] = [
      { ...L2_AXIS, values: [0.5, 0.01, 0.1] },
      { ...LR_AXIS, values: [1e-2, 1e-4, 1e-3] },
    ];
    const cells = asCells(fullGridCells(shuffledAxes, handValue)).reverse();
    const result = mainEffectImportance(shuffledAxes, cells);
    if (!result.ok) throw new Error(result.reason);
    expect(result.axes[0].fraction).toBeCloseTo(12 / 17, 12);
    expect(result.axes[0].levelMeans.map((l) => l.mean)).toEqual([2, 4, 6]);
    expect(result.axes[1].fraction).toBeCloseTo(3 / 17, 12);
  });

  it('reports the seed spread next to the main effects', () => {
    /*
     * 2 × 2 with 2 seeds per point: (λ=0.01, lr=1e-4) → 1, 3; (0.01, 1e-2) → 3, 5; (0.5, 1e-4) → 5, 7;
     * (0.5, 1e-2) → 7, 9. Point means 2, 4, 6, 8: V = (9 + 1 + 1 + 9)/4 = 5; λ level means 3, 7 → 4/5 = 0.8;
     * lr level means 4, 6 → 1/5 = 0.2; no interaction. Within points every run is 1 from its mean: 8 over
     * 4 degrees of freedom, pooled variance 2, sd √2. Over all 8 runs (mean 5) the sum of squares is 48,
     * so seeds are 8/48 = 1/6 of it; seed noise in a 2-seed mean is 2/2 = 1, i.e. 1/5 of V.
     */
    const l2: ResolvedAxis = { ...L2_AXIS, values: [0.01, 0.5] };
    const lr: ResolvedAxis = { ...LR_AXIS, values: [1e-4, 1e-2] };
    const base: Record<string, number> = { '0.01,0.0001': 1, '0.01,0.01': 3, '0.5,0.0001': 5, '0.5,0.01': 7 };
    const cells = fullGridCells(
      [l2, lr],
      (v, repeat) =>
        base[`${String(v['regularization.l2'])},${String(v['training.learningRate'])}`] + 2 * repeat,
      2,
    );
    const result = mainEffectImportance([l2, lr], asCells(cells), { repeats: 2 });
    if (!result.ok) throw new Error(result.reason);
    expect(result.runs).toBe(8);
    expect(result.axes.map((a) => a.fraction)).toEqual([expect.closeTo(0.8, 12), expect.closeTo(0.2, 12)]);
    expect(result.interactionFraction).toBeCloseTo(0, 12);
    expect(result.seeds).toEqual({
      minRepeats: 2,
      maxRepeats: 2,
      pooledSd: expect.closeTo(Math.SQRT2, 12),
      degreesOfFreedom: 4,
      seedFraction: expect.closeTo(1 / 6, 12),
      noiseFraction: expect.closeTo(0.2, 12),
    });
    expect(result.pointsMissingSeeds).toBe(0);
  });

  it('averages the seeds a point has when one of them failed, and counts that point', () => {
    const cells = fullGridCells([L2_AXIS, LR_AXIS], (v, repeat) => handValue(v) + (repeat === 0 ? -1 : 1), 2);
    cells[1] = { ...cells[1], status: 'failed', atBest: null };
    const result = mainEffectImportance([L2_AXIS, LR_AXIS], asCells(cells), { repeats: 2 });
    if (!result.ok) throw new Error(result.reason);
    expect(result.pointsMissingSeeds).toBe(1);
    expect(result.seeds?.minRepeats).toBe(1);
    expect(result.seeds?.degreesOfFreedom).toBe(8);
  });

  it('gives an axis with one level no share of the variance', () => {
    const single: ResolvedAxis = {
      path: 'training.batchSize',
      label: 'batch',
      values: [100],
      scale: 'linear',
    };
    const axes = [L2_AXIS, single, LR_AXIS];
    const result = mainEffectImportance(axes, asCells(fullGridCells(axes, handValue)));
    if (!result.ok) throw new Error(result.reason);
    expect(result.axes[1]).toMatchObject({ label: 'batch', levels: 1, fraction: 0 });
    expect(result.axes[0].fraction).toBeCloseTo(12 / 17, 12);
  });

  const grid = () => fullGridCells([L2_AXIS, LR_AXIS], handValue);
  const refusals: {
    name: string;
    cells: () => GridCellResult[];
    axes?: ResolvedAxis[];
    sampled?: boolean;
    reason: RegExp;
    examples?: RegExp;
  }[] = [
    {
      name: 'a failed cell',
      cells: () => grid().map((c, i) => (i === 4 ? { ...c, status: 'failed', atBest: null } : c)),
      reason: /1 of 9 points have no result \(1 failed\)/,
      examples: /λ=0\.1, lr=1e-3: failed/,
    },
    {
      name: 'a diverged cell (its pre-divergence best does not count)',
      cells: () => grid().map((c, i) => (i === 8 ? { ...c, status: 'diverged' } : c)),
      reason: /1 of 9 points have no result \(1 diverged\)/,
      examples: /λ=0\.5, lr=0\.01: diverged/,
    },
    {
      name: 'cells still to run',
      cells: () => grid().map((c, i) => (i >= 6 ? { ...c, status: i === 6 ? 'running' : 'pending' } : c)),
      reason: /3 of 9 points have no result \(3 still to run\)/,
    },
    {
      name: 'a sampled grid',
      cells: () => grid().filter((_, i) => i % 2 === 0),
      sampled: true,
      reason: /a sampled grid \(5 of its 9 points\) is not a full factorial/,
    },
    {
      name: 'an incomplete grid',
      cells: () => grid().slice(0, 7),
      reason: /the grid has 7 of its 9 points/,
    },
    {
      name: 'no axis with two levels',
      axes: [{ ...L2_AXIS, values: [0.1] }],
      cells: () => fullGridCells([{ ...L2_AXIS, values: [0.1] }], () => 1),
      reason: /every axis has fewer than 2 levels/,
    },
    {
      name: 'no variance at all',
      cells: () => fullGridCells([L2_AXIS, LR_AXIS], () => 0.25),
      reason: /every point has the same value/,
    },
    {
      name: 'a metric no run logged',
      cells: () => grid().map((c) => ({ ...c, atBest: null })),
      reason: /9 of 9 points have no result \(9 did not log the metric\)/,
    },
  ];
  for (const refusal of refusals) {
    it(`says why it cannot decompose: ${refusal.name}`, () => {
      const result = mainEffectImportance(refusal.axes ?? [L2_AXIS, LR_AXIS], asCells(refusal.cells()), {
        sampled: refusal.sampled,
      });
      if (result.ok) throw new Error('expected a refusal');
      expect(result.reason).toMatch(refusal.reason);
      if (refusal.examples) expect(result.examples.join('\n')).toMatch(refusal.examples);
    });
  }
});
