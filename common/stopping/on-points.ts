import type { EvalPoint, EpochMetrics } from '../types';
import type { EarlyStopAt, EarlyStopRecord } from '../run-types';
import { evaluateStopping, type StoppingDecision } from './evaluate';
import type { StoppingRule } from './rule-schema';

/** One evaluation of a run in step order: a point inside an epoch or an epoch's end. */
export type TimelineEntry = EvalPoint & { epochEnd?: boolean };

/** A decision over a run's evaluations; its epoch fields count evaluations (1 = the first). */
export interface TimelineDecision {
  decision: StoppingDecision;
  stop: TimelineEntry | null;
  best: TimelineEntry | null;
  restored: TimelineEntry | null;
  result: TimelineEntry | null;
}

function formatEpoch(epoch: number): string {
  return Number.isInteger(epoch) ? String(epoch) : epoch.toFixed(2);
}

/** "step 30000 (epoch 0.60)": where an evaluation sits, as a reason names it. */
export function describeEvaluation(e: TimelineEntry): string {
  return `step ${e.step} (epoch ${formatEpoch(e.epoch)})`;
}

/**
 * The rules count epochs; on a run with points they count evaluations instead, and their reason is
 * translated so that it names steps rather than the ordinals the rule saw.
 */
function translateReason(reason: string, timeline: readonly TimelineEntry[]): string {
  const name = (n: string) => {
    const entry = timeline[Number(n) - 1];
    return entry ? describeEvaluation(entry) : `evaluation ${n}`;
  };
  // One pass, so that the steps' own "(epoch …)" is not translated again.
  return reason.replace(
    /\bepochs (\d+(?: → \d+)+)|\bepoch (\d+)|\b(monitored )?epoch(s?)\b/g,
    (_whole, list?: string, one?: string, monitored?: string, plural?: string) => {
      if (list !== undefined) return list.split(' → ').map(name).join(' → ');
      if (one !== undefined) return name(one);
      return `${monitored ?? ''}evaluation${plural ?? ''}`;
    },
  );
}

/**
 * What a stopping rule decides on a run's evaluations (its points and epoch ends, in step order): patience
 * and Prechelt's strips count evaluations. The one function behind live stopping on points and the
 * analysis of a run with points, so both agree as they do per epoch.
 */
export function evaluateStoppingOnTimeline(
  timeline: readonly TimelineEntry[],
  rule: StoppingRule,
): TimelineDecision {
  const rows: EpochMetrics[] = timeline.map((e, i) => ({
    epoch: i + 1,
    trainLoss: e.trainLoss,
    trainAcc: e.trainAcc,
    valLoss: e.valLoss,
    valAcc: e.valAcc,
    testLoss: e.testLoss,
    testAcc: e.testAcc,
    lr: e.lr,
    seconds: e.seconds,
  }));
  const decision = evaluateStopping(rows, rule);
  const at = (ordinal: number | null) => (ordinal === null ? null : (timeline[ordinal - 1] ?? null));
  return {
    decision: { ...decision, reason: translateReason(decision.reason, timeline) },
    stop: at(decision.stopEpoch),
    best: at(decision.bestEpoch),
    restored: at(decision.restoredEpoch),
    result: at(decision.resultEpoch),
  };
}

/** Live form: the record to end training with when the rule fires at the last evaluation, else null. */
export function stopsAtLastEvaluation(
  timeline: readonly TimelineEntry[],
  rule: StoppingRule,
): EarlyStopRecord | null {
  const { decision, stop, best, restored } = evaluateStoppingOnTimeline(timeline, rule);
  if (decision.outcome !== 'stopped' || decision.stopEpoch !== timeline.length || !stop) return null;
  const at: EarlyStopAt = {
    stopStep: stop.step,
    stopEpoch: stop.epoch,
    bestStep: best?.step ?? null,
    bestEpoch: best?.epoch ?? null,
    restoredStep: restored?.step ?? null,
  };
  return {
    rule: decision.label,
    stopEpoch: Math.ceil(stop.epoch),
    restoredEpoch: restored && Number.isInteger(restored.epoch) ? restored.epoch : null,
    reason: decision.reason,
    at,
  };
}
