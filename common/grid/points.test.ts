import { describe, expect, it } from 'vitest';
import { gridPoints, pointStats, pointStatus, statusCounts } from './points';
import { fullGridCells, HIDDEN_AXIS, LR_AXIS } from './test-fixtures';

describe('gridPoints', () => {
  it('groups repeats by point, in point and repeat order', () => {
    const cells = fullGridCells([LR_AXIS, HIDDEN_AXIS], (v, r) => r, 3).reverse();
    const points = gridPoints(cells);
    expect(points.map((p) => p.point)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(points[4].cells.map((c) => c.repeat)).toEqual([0, 1, 2]);
    expect(points[4].values).toEqual({ 'training.learningRate': 1e-2, 'model.hiddenUnits': [4] });
  });

  it('summarises a point as mean ± sd over its completed runs only', () => {
    const cells = fullGridCells([HIDDEN_AXIS], (_, r) => [0.2, 0.4, 0.9][r], 3);
    const [point] = gridPoints(cells);
    expect(pointStats(point, { at: 'best', metric: 'valLoss' })).toEqual({
      mean: expect.closeTo(0.5, 12),
      sd: expect.closeTo(Math.sqrt((0.3 ** 2 + 0.1 ** 2 + 0.4 ** 2) / 2), 12),
      n: 3,
    });
    point.cells[2].status = 'running';
    expect(pointStats(point, { at: 'best', metric: 'valLoss' })).toEqual({
      mean: expect.closeTo(0.3, 12),
      sd: expect.closeTo(Math.sqrt(0.02), 12),
      n: 2,
    });
    // final = best + 0.1 in the fixture
    expect(pointStats(point, { at: 'final', metric: 'valLoss' })?.mean).toBeCloseTo(0.4, 12);
    point.cells.forEach((c) => (c.status = 'failed'));
    expect(pointStats(point, { at: 'best', metric: 'valLoss' })).toBeNull();
  });

  it('shows a point by its liveliest or worst state, and counts its runs by status', () => {
    const [point] = gridPoints(fullGridCells([HIDDEN_AXIS], () => 1, 4));
    expect(pointStatus(point)).toBe('completed');
    point.cells[1].status = 'failed';
    expect(pointStatus(point)).toBe('failed');
    point.cells[3].status = 'pending';
    expect(pointStatus(point)).toBe('pending');
    point.cells[2].status = 'running';
    expect(pointStatus(point)).toBe('running');
    expect(statusCounts(point.cells)).toBe('1 completed, 1 running, 1 pending, 1 failed');
  });

  it('names a point with a seed pruned at a rung pruned, and one waiting at a rung paused', () => {
    const [point] = gridPoints(fullGridCells([HIDDEN_AXIS], () => 1, 3));
    point.cells[1].status = 'pruned';
    expect(pointStatus(point)).toBe('pruned');
    point.cells[2].status = 'paused';
    expect(pointStatus(point)).toBe('paused');
    expect(statusCounts(point.cells)).toBe('1 completed, 1 paused, 1 pruned');
  });
});
