import type { EpochMetrics, MetricName } from '../types';
import { evaluateStopping, type StoppingDecision } from './evaluate';
import { defaultMode, inEpochOrder, type StoppingMode } from './monitor';
import type { StoppingRule } from './rule-schema';

/** The metrics that stand for a run, taken from the log at one epoch; null where a split was not logged. */
export interface StandingMetrics {
  epoch: number;
  valLoss: number | null;
  valAcc: number | null;
  testLoss: number | null;
  testAcc: number | null;
}

/** A decision with what it means for the run: the metrics it keeps, what it saves and what it costs. */
export interface StoppingOutcome extends StoppingDecision {
  /** The metrics at resultEpoch (the restored epoch, else the stop, else the last). */
  result: StandingMetrics | null;
  /** Epochs of the history after the stop (0 when the rule never fires). */
  epochsSaved: number;
  /** Their seconds. */
  secondsSaved: number;
  /** Best test accuracy of the whole run minus the test accuracy kept (≥ 0); null without a test split. */
  testAccRegret: number | null;
  /** Test loss kept minus the lowest test loss of the whole run (≥ 0). */
  testLossRegret: number | null;
  /** Test accuracy at the last epoch minus the one kept: what stopping lost against training to the end (< 0: it gained). */
  testAccLost: number | null;
}

export function stoppingOutcome(history: readonly EpochMetrics[], rule: StoppingRule): StoppingOutcome {
  const rows = inEpochOrder(history);
  const decision = evaluateStopping(rows, rule);
  return outcomeOf(rows, decision);
}

/** The decision's consequences on `rows` (in epoch order, as evaluated). */
export function outcomeOf(rows: readonly EpochMetrics[], decision: StoppingDecision): StoppingOutcome {
  const kept = decision.resultEpoch === null ? undefined : rows.find((r) => r.epoch === decision.resultEpoch);
  const after =
    decision.stopEpoch === null ? [] : rows.filter((r) => r.epoch > (decision.stopEpoch as number));
  const result = kept ? standing(kept) : null;
  const bestTestAcc = bestValue(rows, 'testAcc', 'max')?.value ?? null;
  const bestTestLoss = bestValue(rows, 'testLoss', 'min')?.value ?? null;
  const finalTestAcc = finite(rows.at(-1)?.testAcc ?? null);
  const keptTestAcc = finite(result?.testAcc ?? null);
  const keptTestLoss = finite(result?.testLoss ?? null);
  return {
    ...decision,
    result,
    epochsSaved: after.length,
    secondsSaved: after.reduce((sum, r) => sum + r.seconds, 0),
    testAccRegret: bestTestAcc !== null && keptTestAcc !== null ? bestTestAcc - keptTestAcc : null,
    testLossRegret: bestTestLoss !== null && keptTestLoss !== null ? keptTestLoss - bestTestLoss : null,
    testAccLost: finalTestAcc !== null && keptTestAcc !== null ? finalTestAcc - keptTestAcc : null,
  };
}

export function standing(row: EpochMetrics): StandingMetrics {
  return {
    epoch: row.epoch,
    valLoss: row.valLoss,
    valAcc: row.valAcc,
    testLoss: row.testLoss,
    testAcc: row.testAcc,
  };
}

/** The best finite value of `metric` and its epoch (the earliest on ties); undefined when none was logged. */
export function bestValue(
  rows: readonly EpochMetrics[],
  metric: MetricName,
  mode: StoppingMode = defaultMode(metric),
): { epoch: number; value: number } | undefined {
  let best: { epoch: number; value: number } | undefined;
  for (const row of rows) {
    const value = finite(row[metric]);
    if (value === null) continue;
    if (!best || (mode === 'min' ? value < best.value : value > best.value))
      best = { epoch: row.epoch, value };
  }
  return best;
}

function finite(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}
