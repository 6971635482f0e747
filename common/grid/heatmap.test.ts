import { describe, expect, it } from 'vitest';
import { describeHeatmapCell, gridHeatmap, markText, type HeatmapInputCell } from './heatmap';
import type { ResolvedAxis } from './spec';
import { fullGridCells, HIDDEN_AXIS, L2_AXIS, LR_AXIS } from './test-fixtures';
import type { GridCellResult } from './types';

const asCells = (results: readonly GridCellResult[]): HeatmapInputCell[] =>
  results.map((r) => ({
    values: r.values,
    status: r.status,
    value: r.atBest?.valLoss ?? null,
    runId: r.runId,
  }));

/** A value that encodes its cell: λ · 100 + lr · 10 000 + (hidden 16 ? 1000 : 0) + repeat / 10. */
function encoded(v: Record<string, unknown>, repeat = 0): number {
  const hidden = v['model.hiddenUnits'] as number[] | undefined;
  return (
    (v['regularization.l2'] as number) * 100 +
    (v['training.learningRate'] as number) * 10_000 +
    (hidden?.[0] === 16 ? 1000 : 0) +
    repeat / 10
  );
}

const values = (matrix: ReturnType<typeof gridHeatmap>) => matrix.rows.map((row) => row.map((c) => c.value));

describe('gridHeatmap', () => {
  it('lays two axes out in ascending numeric order, whatever order the spec gave', () => {
    const l2: ResolvedAxis = { ...L2_AXIS, values: [0.5, 0.01, 0.1] };
    const matrix = gridHeatmap([l2, LR_AXIS], asCells(fullGridCells([l2, LR_AXIS], (v) => encoded(v))), {
      x: 'training.learningRate',
      y: 'regularization.l2',
    });
    expect(matrix.x.labels).toEqual(['1e-4', '1e-3', '0.01']);
    expect(matrix.y?.labels).toEqual(['0.01', '0.1', '0.5']);
    // rows[y][x] = λ·100 + lr·10 000
    expect(values(matrix)).toEqual(
      [
        [1 + 1, 1 + 10, 1 + 100],
        [10 + 1, 10 + 10, 10 + 100],
        [50 + 1, 50 + 10, 50 + 100],
      ].map((row) => row.map((v) => expect.closeTo(v, 9))),
    );
    expect(matrix.range).toEqual({ min: expect.closeTo(2, 9), max: expect.closeTo(150, 9) });
    expect(matrix.reductions).toEqual([]);
  });

  const axes = [L2_AXIS, LR_AXIS, HIDDEN_AXIS];
  const cells = () => asCells(fullGridCells(axes, (v, r) => encoded(v, r), 2));
  const cases: {
    name: string;
    others?: Parameters<typeof gridHeatmap>[2]['others'];
    corner: number;
    reductions: string[];
  }[] = [
    {
      name: 'averages a third axis and the repeats by default',
      // (λ=0.01, lr=1e-4): hidden 4 → 2, hidden 16 → 1002; repeats add 0 and 0.1: mean 502.05
      corner: 502.05,
      reductions: ['mean over hidden (2 levels)'],
    },
    {
      name: 'holds a third axis at a chosen value',
      others: { 'model.hiddenUnits': { kind: 'fixed', value: [16] } },
      corner: 1002.05,
      reductions: ['hidden = 16'],
    },
    {
      name: 'averages explicitly when asked to',
      others: { 'model.hiddenUnits': { kind: 'mean' } },
      corner: 502.05,
      reductions: ['mean over hidden (2 levels)'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const matrix = gridHeatmap(axes, cells(), {
        x: 'training.learningRate',
        y: 'regularization.l2',
        others: c.others,
      });
      expect(matrix.rows[0][0].value).toBeCloseTo(c.corner, 9);
      expect(matrix.rows[0][0].n).toBe(c.others?.['model.hiddenUnits']?.kind === 'fixed' ? 2 : 4);
      expect(matrix.reductions).toEqual(c.reductions);
    });
  }

  it('marks failed, diverged, unfinished, partial and absent cells, and leaves them out of the range', () => {
    const results = fullGridCells([L2_AXIS, LR_AXIS], (v) => encoded(v), 2);
    const at = (l2: number, lr: number) =>
      results.filter((r) => r.values['regularization.l2'] === l2 && r.values['training.learningRate'] === lr);
    for (const r of at(0.5, 1e-2)) Object.assign(r, { status: 'failed', atBest: null });
    for (const r of at(0.5, 1e-3)) Object.assign(r, { status: 'diverged' });
    for (const r of at(0.1, 1e-2)) Object.assign(r, { status: r.repeat === 0 ? 'running' : 'pending' });
    Object.assign(at(0.01, 1e-2)[1], { status: 'failed', atBest: null });
    const kept = results.filter(
      (r) => !(r.values['regularization.l2'] === 0.01 && r.values['training.learningRate'] === 1e-4),
    );
    const matrix = gridHeatmap([L2_AXIS, LR_AXIS], asCells(kept), {
      x: 'training.learningRate',
      y: 'regularization.l2',
    });
    const marks = matrix.rows.map((row) => row.map((c) => c.mark));
    expect(marks).toEqual([
      ['absent', 'value', 'partial'],
      ['value', 'value', 'waiting'],
      ['value', 'diverged', 'failed'],
    ]);
    expect(matrix.rows[2][1].value).toBeNull();
    expect(matrix.rows[0][2]).toMatchObject({ n: 1, runs: 2, value: expect.closeTo(101, 9) });
    expect(describeHeatmapCell(matrix.rows[0][2])).toBe('1 of 2 runs (1 failed)');
    expect(describeHeatmapCell(matrix.rows[1][2])).toBe('0 of 2 runs (2 still to run)');
    expect(describeHeatmapCell(matrix.rows[0][0])).toBe('not in the grid (sampled)');
    expect(matrix.range).toEqual({ min: expect.closeTo(11, 9), max: expect.closeTo(101, 9) });
    expect(matrix.rows[1][1].runIds).toHaveLength(2);
  });

  it('marks cells a rung pruned with the rung, keeps their value out of the colours, and says why', () => {
    // λ × lr, 2 seeds: (0.5, 1e-2) both pruned at epoch 1; (0.5, 1e-3) one pruned at 3, one completed;
    // (0.1, 1e-2) pruned at epochs 1 and 3.
    const results = fullGridCells([L2_AXIS, LR_AXIS], (v) => encoded(v), 2);
    const at = (l2: number, lr: number) =>
      results.filter((r) => r.values['regularization.l2'] === l2 && r.values['training.learningRate'] === lr);
    const cells = asCells(results);
    const prune = (l2: number, lr: number, rungs: number[]) =>
      at(l2, lr).forEach((r, k) => {
        if (rungs[k] === undefined) return;
        Object.assign(cells[r.index], { status: 'pruned', prunedAt: rungs[k], value: 0.5 + k });
      });
    prune(0.5, 1e-2, [1, 1]);
    prune(0.5, 1e-3, [3]);
    prune(0.1, 1e-2, [1, 3]);
    const matrix = gridHeatmap([L2_AXIS, LR_AXIS], cells, {
      x: 'training.learningRate',
      y: 'regularization.l2',
    });
    const both = matrix.rows[2][2];
    expect(both).toMatchObject({ mark: 'pruned', value: null, prunedAt: [1], prunedValue: 1 });
    expect(markText(both)).toBe('pruned @1');
    expect(describeHeatmapCell(both)).toBe(
      '0 of 2 runs (2 pruned at the rung at epoch 1: their best is over their first epoch only, so not counted)',
    );
    const half = matrix.rows[2][1];
    expect(half).toMatchObject({ mark: 'partial', n: 1, prunedAt: [3] });
    expect(half.value).toBeCloseTo(encoded(at(0.5, 1e-3)[1].values), 9);
    expect(describeHeatmapCell(half)).toBe(
      '1 of 2 runs (1 pruned at the rung at epoch 3: its best is over its first 3 epochs only, so not counted)',
    );
    expect(markText(matrix.rows[1][2])).toBe('pruned @1,3');
    // The pruned values (0.5, 1.5) are not on the colour scale.
    expect(matrix.range?.min).toBeGreaterThan(1.5);
  });

  it('draws a one-axis grid as a single row', () => {
    const matrix = gridHeatmap(
      [HIDDEN_AXIS],
      asCells(
        fullGridCells([HIDDEN_AXIS], (v) =>
          encoded({ ...v, 'regularization.l2': 0, 'training.learningRate': 0 }),
        ),
      ),
      {
        x: 'model.hiddenUnits',
        y: null,
      },
    );
    expect(matrix.y).toBeNull();
    expect(matrix.x.labels).toEqual(['4', '16']);
    expect(values(matrix)).toEqual([[0, 1000]]);
  });

  it('refuses the same axis twice and unknown axes', () => {
    expect(() =>
      gridHeatmap([L2_AXIS, LR_AXIS], [], { x: 'regularization.l2', y: 'regularization.l2' }),
    ).toThrow(/different/);
    expect(() => gridHeatmap([L2_AXIS], [], { x: 'seed', y: null })).toThrow(/no axis seed/);
  });
});
