import { asEpochRow } from '../metrics/eval-points';
import type { EvalPoint } from '../types';
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
  const rows = timeline.map((e, i) => asEpochRow(e, i + 1));
  const decision = evaluateStopping(rows, rule);
  const at = (ordinal: number | null) => (ordinal === null ? null : (timeline[ordinal - 1] ?? null));
  const adjusted = keptModelTerms(decision, timeline, rule);
  return {
    decision: adjusted,
    stop: at(adjusted.stopEpoch),
    best: at(adjusted.bestEpoch),
    restored: at(adjusted.restoredEpoch),
    result: at(adjusted.resultEpoch),
  };
}

/**
 * Models are kept at epoch ends (checkpoints), not at points. So on a timeline a stop waits for the first
 * epoch's end when the rule fires before it (a run always keeps a model), and restoring the best restores
 * the best epoch end up to the stop, by the raw monitored value: the rule's best may be a point, whose
 * weights were never kept. The reason says so, naming steps rather than the ordinals the rule saw.
 */
function keptModelTerms(
  decision: StoppingDecision,
  timeline: readonly TimelineEntry[],
  rule: StoppingRule,
): StoppingDecision {
  const translated = translateReason(decision.reason, timeline);
  // Patience's mode; Prechelt's rules read an error, so an accuracy is best highest.
  const lower = rule.rule === 'patience' ? rule.mode === 'min' : !rule.monitor.endsWith('Acc');
  /** The ordinal of the best epoch end among the first `upTo` evaluations, null when none ended an epoch. */
  const bestEpochEnd = (upTo: number): number | null => {
    let best: number | null = null;
    let bestValue = NaN;
    for (let i = 0; i < upTo; i++) {
      const entry = timeline[i];
      const value = entry[rule.monitor];
      if (!entry.epochEnd || value === null || !Number.isFinite(value)) continue;
      if (best === null || (lower ? value < bestValue : value > bestValue)) {
        best = i + 1;
        bestValue = value;
      }
    }
    return best;
  };
  if (decision.outcome !== 'stopped' || decision.stopEpoch === null) {
    // Trained to the end: restoring the best restores the best epoch end too.
    if (decision.restoredEpoch === null) return { ...decision, reason: translated };
    const restoredEpoch = bestEpochEnd(timeline.length);
    return {
      ...decision,
      restoredEpoch,
      resultEpoch: restoredEpoch ?? decision.lastEpoch,
      reason: translated,
    };
  }
  const base = translated.replace(/; restores step \d+ \(epoch [\d.]+\)$/, '');
  const firstEnd = timeline.findIndex((e) => e.epochEnd === true) + 1;
  if (firstEnd === 0) {
    // Fired inside the first epoch, which has not ended: training goes on to it.
    return {
      ...decision,
      outcome: 'continued',
      stopEpoch: null,
      restoredEpoch: null,
      resultEpoch: decision.lastEpoch,
      reason: `${base}; the stop waits for the end of the first epoch, where the first model is kept`,
    };
  }
  const deferred = decision.stopEpoch < firstEnd;
  const stopEpoch = deferred ? firstEnd : decision.stopEpoch;
  const restoredEpoch = decision.restoredEpoch === null ? null : bestEpochEnd(stopEpoch);
  const parts = [base];
  if (deferred) {
    parts.push(
      `the stop waits for the end of epoch ${timeline[firstEnd - 1].epoch}, where the first model is kept`,
    );
  }
  if (restoredEpoch !== null && restoredEpoch !== stopEpoch) {
    const kept = timeline[restoredEpoch - 1];
    parts.push(
      `restores epoch ${kept.epoch} (step ${kept.step}), the best epoch end: models are kept at epoch ends`,
    );
  }
  return {
    ...decision,
    stopEpoch,
    restoredEpoch,
    resultEpoch: restoredEpoch ?? stopEpoch,
    reason: parts.join('; '),
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
