import { describe, expect, it } from 'vitest';
import type { AnalysisMetric } from './analysis-value';
import { constraintsFromRestyle, describeConstraint, gridParcoords, linesInside } from './parcoords';
import type { ResolvedAxis } from './spec';
import { fullGridCells, HIDDEN_AXIS, LR_AXIS } from './test-fixtures';

const VAL_LOSS: AnalysisMetric = { at: 'best', metric: 'valLoss' };
const TEST_ACC: AnalysisMetric = { at: 'best', metric: 'testAcc' };

function irisGrid() {
  const axes = [LR_AXIS, HIDDEN_AXIS];
  const results = fullGridCells(
    axes,
    (v) => (v['training.learningRate'] as number) * 10 + (v['model.hiddenUnits'] as number[])[0] / 100,
  );
  return { axes, results };
}

describe('gridParcoords', () => {
  it('draws a log axis in log10 with ticks at its real values, and a categorical one by position', () => {
    const { axes, results } = irisGrid();
    const data = gridParcoords(axes, results, [VAL_LOSS, TEST_ACC], VAL_LOSS);
    expect(data.dimensions.map((d) => [d.key, d.kind, d.label])).toEqual([
      ['axis:training.learningRate', 'log', 'lr'],
      ['axis:model.hiddenUnits', 'categorical', 'hidden'],
      ['metric:best:valLoss', 'metric', 'val loss @best'],
      ['metric:best:testAcc', 'metric', 'test acc @best'],
    ]);
    const [lr, hidden, loss] = data.dimensions;
    expect(lr.values).toEqual([-4, -4, -3, -3, -2, -2].map((v) => expect.closeTo(v, 12)));
    expect(lr.tickvals).toEqual([-4, -3, -2].map((v) => expect.closeTo(v, 12)));
    expect(lr.ticktext).toEqual(['1e-4', '1e-3', '0.01']);
    expect(lr.range).toEqual([expect.closeTo(-4, 12), expect.closeTo(-2, 12)]);
    expect(hidden.values).toEqual([0, 1, 0, 1, 0, 1]);
    expect(hidden.ticktext).toEqual(['4', '16']);
    expect(hidden.tickvals).toEqual([0, 1]);
    expect(loss.values[5]).toBeCloseTo(0.1 + 0.16, 12);
    expect(data.colour).toEqual(loss.values);
    expect(data.colourTitle).toBe('val loss @best');
    expect(data.lines.map((l) => l.runId)).toEqual(['run-0', 'run-1', 'run-2', 'run-3', 'run-4', 'run-5']);
    expect(data.notDrawn).toBe(0);
  });

  it('leaves out runs without a result and says how many', () => {
    const { axes, results } = irisGrid();
    results[1] = { ...results[1], status: 'failed', atBest: null };
    results[2] = { ...results[2], status: 'running' };
    const data = gridParcoords(axes, results, [VAL_LOSS], VAL_LOSS);
    expect(data.lines.map((l) => l.index)).toEqual([0, 3, 4, 5]);
    expect(data.notDrawn).toBe(2);
    expect(data.dimensions.every((d) => d.values.length === 4)).toBe(true);
  });

  it('ticks a long numeric axis at round numbers or decades, not at each of its levels', () => {
    const many: ResolvedAxis = {
      path: 'training.epochs',
      label: 'epochs',
      values: Array.from({ length: 20 }, (_, i) => i + 1),
      scale: 'linear',
    };
    const logMany: ResolvedAxis = {
      path: 'regularization.l2',
      label: 'λ',
      values: Array.from({ length: 12 }, (_, i) => 10 ** (-5 + i / 3)),
      scale: 'log',
    };
    const data = gridParcoords(
      [many, logMany],
      fullGridCells([many, logMany], () => 1),
      [VAL_LOSS],
      VAL_LOSS,
    );
    expect(data.dimensions[0].tickvals).toBeUndefined();
    expect(data.dimensions[0].range).toEqual([1, 20]);
    expect(data.dimensions[1].ticktext).toEqual(['1e-5', '1e-4', '1e-3', '0.01', '0.1']);
  });

  it('gives a metric every run shares a narrow range, an accuracy never beyond 0–100 %', () => {
    const { axes, results } = irisGrid();
    const flat = results.map((r) => ({ ...r, atBest: { ...r.atBest!, testAcc: 0.975, valLoss: 0.5 } }));
    const [, , loss, acc] = gridParcoords(axes, flat, [VAL_LOSS, TEST_ACC], VAL_LOSS).dimensions;
    expect(loss.range).toEqual([expect.closeTo(0.49, 12), expect.closeTo(0.51, 12)]);
    expect(acc.range).toEqual([expect.closeTo(0.9555, 12), expect.closeTo(0.9945, 12)]);
    const perfect = results.map((r) => ({ ...r, atBest: { ...r.atBest!, testAcc: 1 } }));
    expect(gridParcoords(axes, perfect, [TEST_ACC], TEST_ACC).dimensions[2].range).toEqual([0.98, 1]);
  });

  it('filters lines by brushed intervals on any number of axes', () => {
    const { axes, results } = irisGrid();
    const data = gridParcoords(axes, results, [VAL_LOSS], VAL_LOSS);
    const cases: { constraints: Record<string, [number, number][]>; inside: boolean[] }[] = [
      { constraints: {}, inside: [true, true, true, true, true, true] },
      {
        constraints: { 'axis:training.learningRate': [[-3.5, -1.9]] },
        inside: [false, false, true, true, true, true],
      },
      // Reversed bounds (a brush dragged upwards) mean the same interval.
      {
        constraints: { 'axis:training.learningRate': [[-1.9, -3.5]], 'axis:model.hiddenUnits': [[0.5, 1.2]] },
        inside: [false, false, false, true, false, true],
      },
      {
        constraints: {
          'axis:training.learningRate': [
            [-4.1, -3.9],
            [-2.1, -1.9],
          ],
        },
        inside: [true, true, false, false, true, true],
      },
      {
        constraints: { 'metric:best:valLoss': [[0, 0.06]] },
        inside: [true, false, true, false, false, false],
      },
    ];
    for (const c of cases) expect(linesInside(data, c.constraints)).toEqual(c.inside);
  });

  it('reads the brush from every form plotly_restyle reports it in', () => {
    const cases: { update: unknown; expected: ReturnType<typeof constraintsFromRestyle> }[] = [
      {
        update: { 'dimensions[1].constraintrange': [0.2, 0.8] },
        expected: [{ dimension: 1, ranges: [[0.2, 0.8]] }],
      },
      {
        update: { 'dimensions[0].constraintrange': [[0.2, 0.8]] },
        expected: [{ dimension: 0, ranges: [[0.2, 0.8]] }],
      },
      {
        update: {
          'dimensions[3].constraintrange': [
            [
              [1, 2],
              [3, 4],
            ],
          ],
        },
        expected: [
          {
            dimension: 3,
            ranges: [
              [1, 2],
              [3, 4],
            ],
          },
        ],
      },
      { update: { 'dimensions[2].constraintrange': null }, expected: [{ dimension: 2, ranges: [] }] },
      { update: { 'line.color': ['red'] }, expected: [] },
      { update: null, expected: [] },
    ];
    for (const c of cases) expect(constraintsFromRestyle(c.update)).toEqual(c.expected);
  });

  it('describes a brush in the axis’ own values', () => {
    const { axes, results } = irisGrid();
    const [lr, hidden] = gridParcoords(axes, results, [VAL_LOSS], VAL_LOSS).dimensions;
    expect(describeConstraint(lr, [[-3.5, -2]])).toBe('lr from 3.16e-4 to 0.01');
    expect(describeConstraint(hidden, [[0.5, 1.2]])).toBe('hidden in {16}');
  });
});
