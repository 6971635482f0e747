import { analysisValue, type AnalysisMetric } from './analysis-value';
import { meanSd, type MeanSd } from './results';
import type { GridCellResult, GridCellStatus } from './types';

/**
 * A grid's cells grouped by point (axis combination): the repeats of one setting, trained with different
 * seeds, side by side. A point's summary is the mean ± sd over its completed runs.
 */

export interface GridPoint {
  point: number;
  values: Record<string, unknown>;
  /** Its runs, by repeat. */
  cells: GridCellResult[];
}

export function gridPoints(results: readonly GridCellResult[]): GridPoint[] {
  const byPoint = new Map<number, GridPoint>();
  for (const cell of results) {
    let point = byPoint.get(cell.point);
    if (!point) {
      point = { point: cell.point, values: cell.values, cells: [] };
      byPoint.set(cell.point, point);
    }
    point.cells.push(cell);
  }
  for (const point of byPoint.values()) point.cells.sort((a, b) => a.repeat - b.repeat);
  return [...byPoint.values()].sort((a, b) => a.point - b.point);
}

/** Mean ± sd of a metric over the point's completed runs; null when none has completed. */
export function pointStats(point: GridPoint, m: AnalysisMetric): MeanSd | null {
  return meanSd(point.cells.map((c) => analysisValue(c, m)));
}

/**
 * One status for a point: the state most worth seeing (anything live, then any failure). A seed pruned at a
 * rung outranks completed ones: the point's mean leaves it out, and the status says why.
 */
export function pointStatus(point: GridPoint): GridCellStatus {
  const order: GridCellStatus[] = [
    'running',
    'queued',
    'pending',
    'paused',
    'failed',
    'diverged',
    'interrupted',
    'cancelled',
    'pruned',
    'completed',
  ];
  return order.find((s) => point.cells.some((c) => c.status === s)) ?? 'completed';
}

/** "2 completed, 1 failed", in a fixed order. */
export function statusCounts(cells: readonly Pick<GridCellResult, 'status'>[]): string {
  const order: GridCellStatus[] = [
    'completed',
    'running',
    'queued',
    'pending',
    'paused',
    'pruned',
    'failed',
    'diverged',
    'interrupted',
    'cancelled',
  ];
  return order
    .map((s) => [s, cells.filter((c) => c.status === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
}
