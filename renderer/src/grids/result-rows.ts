import { rawAnalysisValue, type AnalysisMetric } from '../../../common/grid/analysis-value';
import { gridPoints, pointStats } from '../../../common/grid/points';
import { meanSd, type MeanSd } from '../../../common/grid/results';
import type { GridCellResult } from '../../../common/grid/types';

/**
 * Rows of the results table. Without repeats one row per cell; with repeats one row per point (axis
 * combination) summarising its seeds as mean ± sd, expandable to a row per seed.
 */
export interface ResultRow {
  id: string;
  kind: 'cell' | 'point' | 'seed';
  values: Record<string, unknown>;
  /** The runs the row stands for (one, or a point's seeds). */
  cells: GridCellResult[];
  subRows: ResultRow[];
}

export function resultRows(results: readonly GridCellResult[]): ResultRow[] {
  const points = gridPoints(results);
  const repeated = points.some((p) => p.cells.length > 1);
  if (!repeated) {
    return points.map((p) => ({
      id: `cell-${p.cells[0].index}`,
      kind: 'cell',
      values: p.values,
      cells: p.cells,
      subRows: [],
    }));
  }
  return points.map((p) => ({
    id: `point-${p.point}`,
    kind: 'point',
    values: p.values,
    cells: p.cells,
    subRows: p.cells.map((c) => ({
      id: `cell-${c.index}`,
      kind: 'seed',
      values: c.values,
      cells: [c],
      subRows: [],
    })),
  }));
}

/** A row's number for a metric; `live` when it is only the best so far of seeds still training. */
export type RowStat = MeanSd & { live: boolean };

/**
 * A row's number for a metric: a single run's value as it stands (live while it trains: the best so far), or
 * a point's mean ± sd over its completed seeds; while none has completed, the mean of its seeds' values so
 * far, marked live, so a running grid shows progress everywhere. A pruned run's own value is not live: it is
 * where the rung left it (the table marks it as over fewer epochs).
 */
export function rowStat(row: ResultRow, m: AnalysisMetric): RowStat | null {
  if (row.kind === 'point') {
    const done = pointStats({ point: 0, values: row.values, cells: row.cells }, m);
    if (done) return { ...done, live: false };
    const soFar = meanSd(row.cells.map((c) => rawAnalysisValue(c, m)));
    return soFar ? { ...soFar, live: true } : null;
  }
  const value = rawAnalysisValue(row.cells[0], m);
  // A pruned run's value is final (over the epochs it trained before its rung), not a best so far.
  const status = row.cells[0].status;
  return value === null
    ? null
    : { mean: value, sd: null, n: 1, live: status !== 'completed' && status !== 'pruned' };
}

/** The rows with at least one run in `runIds` (seed rows filtered too); all of them when `runIds` is null. */
export function rowsWithRuns(rows: readonly ResultRow[], runIds: ReadonlySet<string> | null): ResultRow[] {
  if (runIds === null) return [...rows];
  const has = (row: ResultRow) => row.cells.some((c) => c.runId !== null && runIds.has(c.runId));
  return rows
    .filter(has)
    .map((row) => (row.subRows.length > 0 ? { ...row, subRows: row.subRows.filter(has) } : row));
}

/** Run ids of rows, in order, each once. */
export function runIdsOf(rows: readonly ResultRow[]): string[] {
  return [...new Set(rows.flatMap((r) => r.cells.flatMap((c) => (c.runId ? [c.runId] : []))))];
}
