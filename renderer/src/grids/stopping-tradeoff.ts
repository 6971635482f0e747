import type { RunEpochs } from '../../../common/api/contract';
import { replayStoppingOnGrid, type GridStoppingReplay } from '../../../common/grid/stopping-replay';
import type { GridDetail } from '../../../common/grid/types';
import { parseRuleSpec } from '../../../common/stopping/rule-text';
import type { MetricName } from '../../../common/types';
import { analysedCells } from './grid-stopping-data';

/**
 * The early-stopping rules set beside the pruning settings on the Pruning section's trade-off chart: the
 * usual patience values and one of each of Prechelt's criteria, on the monitor the form ranks by.
 */
export const TRADEOFF_RULES = ['patience:3', 'patience:5', 'patience:10', 'gl:5', 'pq:0.5', 'up:3'] as const;

/** Each rule replayed on the grid's completed cells (the cells a full grid's replay reads too). */
export function stoppingReplays(
  grid: GridDetail,
  epochs: ReadonlyMap<string, RunEpochs['epochs']>,
  monitor: MetricName,
): GridStoppingReplay[] {
  const cells = analysedCells(grid).map((c) => ({ index: c.index, epochs: epochs.get(c.runId) ?? [] }));
  if (cells.length === 0 || cells.some((c) => c.epochs.length === 0)) return [];
  return TRADEOFF_RULES.map((spec) => replayStoppingOnGrid(parseRuleSpec(spec, { monitor }), cells));
}
