import type { FlatParam } from '../config/flatten-params';
import type { EpochMetrics } from '../types';
import { evaluateStopping } from './evaluate';
import { inEpochOrder } from './monitor';
import { DEFAULT_ONSET_PARAMS, findOverfittingOnset, type OnsetParams } from './onset';
import { bestValue, outcomeOf } from './outcome';
import type { StoppingRule } from './rule-schema';

/** A run as the across-runs analysis needs it: the grid view and Compare both build these. */
export interface StoppingRunInput {
  runId: string;
  /** Legend label (e.g. from legendLabels). */
  label: string;
  /** The run's flattened config (flattenParams). */
  params: readonly FlatParam[];
  epochs: readonly EpochMetrics[];
}

/** One run under one rule: where it was best, where it turned, where the rule stops and what that costs. */
export interface StoppingRow {
  runId: string;
  label: string;
  lastEpoch: number | null;
  /** Best epoch of the monitored metric over the whole run (earliest on ties). */
  bestEpoch: number | null;
  onsetEpoch: number | null;
  stopEpoch: number | null;
  restoredEpoch: number | null;
  /** The epoch whose metrics stand for the run under the rule. */
  resultEpoch: number | null;
  epochsSaved: number;
  secondsSaved: number;
  testAccAtResult: number | null;
  bestTestAcc: number | null;
  finalTestAcc: number | null;
  /** Test accuracy at the last epoch minus the one kept (< 0: stopping gained). */
  testAccLost: number | null;
  /** Best test accuracy of the run minus the one kept. */
  testAccRegret: number | null;
  reason: string;
  onsetReason: string;
}

export function stoppingRow(
  run: StoppingRunInput,
  rule: StoppingRule,
  onsetParams: OnsetParams = DEFAULT_ONSET_PARAMS,
): StoppingRow {
  const rows = inEpochOrder(run.epochs);
  const outcome = outcomeOf(rows, evaluateStopping(rows, rule));
  const onset = findOverfittingOnset(rows, onsetParams);
  const mode = rule.rule === 'patience' ? rule.mode : undefined;
  return {
    runId: run.runId,
    label: run.label,
    lastEpoch: outcome.lastEpoch,
    bestEpoch: bestValue(rows, rule.monitor, mode)?.epoch ?? null,
    onsetEpoch: onset.epoch,
    stopEpoch: outcome.stopEpoch,
    restoredEpoch: outcome.restoredEpoch,
    resultEpoch: outcome.resultEpoch,
    epochsSaved: outcome.epochsSaved,
    secondsSaved: outcome.secondsSaved,
    testAccAtResult: outcome.result?.testAcc ?? null,
    bestTestAcc: bestValue(rows, 'testAcc', 'max')?.value ?? null,
    finalTestAcc: rows.at(-1)?.testAcc ?? null,
    testAccLost: outcome.testAccLost,
    testAccRegret: outcome.testAccRegret,
    reason: outcome.reason,
    onsetReason: onset.reason,
  };
}

/** Per-run rows in the order given; what the grid heatmap colours by (see stoppingCellValue). */
export function stoppingRows(
  runs: readonly StoppingRunInput[],
  rule: StoppingRule,
  onsetParams: OnsetParams = DEFAULT_ONSET_PARAMS,
): StoppingRow[] {
  return runs.map((run) => stoppingRow(run, rule, onsetParams));
}

/** Values a grid heatmap can colour its cells by. */
export const STOPPING_CELL_METRICS = {
  epochsSaved: 'epochs saved',
  testAccLost: 'test accuracy lost by stopping',
} as const;
export type StoppingCellMetric = keyof typeof STOPPING_CELL_METRICS;

/** A heatmap cell's value: epochs saved, or test accuracy lost (fraction; < 0 where stopping gained). */
export function stoppingCellValue(row: StoppingRow, metric: StoppingCellMetric): number | null {
  return metric === 'epochsSaved' ? (row.lastEpoch === null ? null : row.epochsSaved) : row.testAccLost;
}
