import {
  analysisMetricShort,
  formatAnalysisValue,
  lowerIsBetter,
  rawAnalysisValue,
  type AnalysisMetric,
} from '../../../common/grid/analysis-value';
import type { GridCellResult } from '../../../common/grid/types';
import {
  STOPPING_CELL_METRICS,
  type StoppingCellMetric,
  type StoppingRow,
} from '../../../common/stopping/across-runs';
import type { StoppingRule } from '../../../common/stopping/rule-schema';
import { ruleLabel, ruleSpec } from '../../../common/stopping/rule-text';
import { stoppingValueOf } from './grid-stopping-data';

/**
 * What the heatmap colours its cells by: the analysed metric (at the best or the last epoch), or what an
 * early-stopping rule does to each cell (epochs saved, test accuracy lost). The screen, the table under it
 * and the SVG / PNG export all read one measure, so they cannot disagree.
 */
export interface HeatmapMeasure {
  /** Colour bar, table and export title: "val loss @best", "epochs saved (patience:10)". */
  short: string;
  /** Caption text, with the rule in full where there is one. */
  description: string;
  lowerIsBetter: boolean;
  format: (value: number) => string;
  /** The cell's raw value (the heatmap leaves out unfinished and failed cells itself). */
  value: (cell: GridCellResult) => number | null;
}

/** The heatmap's colour choice: the metric the grid view analyses, or a stopping quantity. */
export type HeatmapColour = 'analysed' | StoppingCellMetric;

export function analysisMeasure(m: AnalysisMetric): HeatmapMeasure {
  return {
    short: analysisMetricShort(m),
    description: analysisMetricShort(m),
    lowerIsBetter: lowerIsBetter(m),
    format: (v) => formatAnalysisValue(v, m),
    value: (cell) => rawAnalysisValue(cell, m),
  };
}

/** Epochs: whole numbers, a mean over seeds to one decimal. Accuracy lost: percentage points, signed. */
const STOPPING_FORMAT: Record<StoppingCellMetric, (v: number) => string> = {
  epochsSaved: (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1)),
  testAccLost: (v) => `${(v * 100).toFixed(2)} pts`,
};

/**
 * Under `rule`, from the rows of the grid's early-stopping analysis (null while the epochs load). More
 * epochs saved is better; less test accuracy lost is better (negative: stopping gained accuracy).
 */
export function stoppingMeasure(
  metric: StoppingCellMetric,
  rule: StoppingRule,
  rows: ReadonlyMap<string, StoppingRow> | null,
): HeatmapMeasure {
  return {
    short: `${STOPPING_CELL_METRICS[metric]} (${ruleSpec(rule)})`,
    description: `${STOPPING_CELL_METRICS[metric]} under ${ruleLabel(rule)}${
      metric === 'testAccLost'
        ? ' (test accuracy at the last epoch minus the one kept; < 0: stopping gained)'
        : ''
    }`,
    lowerIsBetter: metric === 'testAccLost',
    format: STOPPING_FORMAT[metric],
    value: (cell) => stoppingValueOf(rows, metric, cell.runId),
  };
}
