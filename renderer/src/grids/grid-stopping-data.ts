import type { RunEpochs } from '../../../common/api/contract';
import type { FlatParam } from '../../../common/config/flatten-params';
import { describeCell, formatAxisValue } from '../../../common/grid/expand';
import type { ResolvedAxis } from '../../../common/grid/spec';
import type { GridCellResult, GridDetail } from '../../../common/grid/types';
import {
  STOPPING_CELL_METRICS,
  stoppingCellValue,
  type StoppingCellMetric,
  type StoppingRow,
  type StoppingRunInput,
} from '../../../common/stopping/across-runs';
import type { ParamAxis } from '../../../common/stopping/param-chart';
import type { StoppingRule } from '../../../common/stopping/rule-schema';
import { ruleLabel } from '../../../common/stopping/rule-text';

/**
 * A grid's cells as the early-stopping analysis takes them: one input per completed run, labelled by its
 * axis values, and the grid's own axes (with the grid's labels) to plot against.
 */

/**
 * The runs the analysis reads: completed cells only. A failed run has no history worth replaying, a
 * diverged one's stops at NaN, an unfinished one's is not over yet.
 */
export function analysedCells(grid: GridDetail): (GridCellResult & { runId: string })[] {
  return grid.results.filter(
    (r): r is GridCellResult & { runId: string } => r.status === 'completed' && r.runId !== null,
  );
}

/** A value an axis can be plotted by: a number, or a one-layer list such as hidden units [500]. */
function numericValue(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (Array.isArray(value) && value.length === 1) return numericValue(value[0]);
  return null;
}

export function cellLabel(grid: GridDetail, cell: GridCellResult): string {
  const text = describeCell(grid.axes, cell.values);
  return grid.repeats > 1 ? `${text} · seed ${cell.seed}` : text;
}

export function gridStoppingInputs(
  grid: GridDetail,
  epochs: ReadonlyMap<string, RunEpochs['epochs']>,
): StoppingRunInput[] {
  return analysedCells(grid).map((cell) => ({
    runId: cell.runId,
    label: cellLabel(grid, cell),
    params: grid.axes.map((axis): FlatParam => {
      const value = cell.values[axis.path];
      return { key: axis.path, text: formatAxisValue(value), num: numericValue(value) };
    }),
    epochs: epochs.get(cell.runId) ?? [],
  }));
}

/**
 * The grid's axes the chart can use (numeric, at least two levels among the analysed runs), keyed by path
 * and labelled as the grid labels them; the others (optimizer, multi-layer hidden units) by label, so the
 * view can say why they are not offered.
 */
export function gridStoppingAxes(grid: GridDetail): {
  axes: ParamAxis[];
  notNumeric: string[];
  logKeys: string[];
} {
  const cells = analysedCells(grid);
  const axes: ParamAxis[] = [];
  const notNumeric: string[] = [];
  for (const axis of grid.axes) {
    const values: Record<string, number> = {};
    let numeric = true;
    for (const cell of cells) {
      const value = numericValue(cell.values[axis.path]);
      if (value === null) numeric = false;
      else values[cell.runId] = value;
    }
    if (!numeric) notNumeric.push(axis.label);
    else if (new Set(Object.values(values)).size >= 2)
      axes.push({ key: axis.path, label: axis.label, values });
  }
  return { axes, notNumeric, logKeys: grid.axes.filter((a) => a.scale === 'log').map((a) => a.path) };
}

export function isLogAxis(axis: ResolvedAxis): boolean {
  return axis.scale === 'log';
}

/** What a grid heatmap colours by under an early-stopping rule: "epochs saved (patience 10 on val loss)". */
export function stoppingMeasureTitle(metric: StoppingCellMetric, rule: StoppingRule): string {
  return `${STOPPING_CELL_METRICS[metric]} (${ruleLabel(rule)})`;
}

/** A cell's heatmap value under the rule, from the rows the analysis computed; null before they are loaded. */
export function stoppingValueOf(
  rows: ReadonlyMap<string, StoppingRow> | null,
  metric: StoppingCellMetric,
  runId: string | null,
): number | null {
  const row = runId === null ? undefined : rows?.get(runId);
  return row ? stoppingCellValue(row, metric) : null;
}
