import { evaluationTimeline, type Evaluation, type RunSchedule } from '../metrics/eval-points';
import type { EpochMetrics, EvalPoint, MetricName } from '../types';
import type { StoppingMode } from './monitor';
import { describeEvaluation, evaluateStoppingOnTimeline, type TimelineDecision } from './on-points';
import { bestValue, type StoppingOutcome } from './outcome';
import type { StoppingRule } from './rule-schema';
import { whatIfRules, type WhatIfBase, type WhatIfOptions } from './what-if';

/**
 * The analysis of a run with evaluation points (`training.evaluateEvery`): the rules read its evaluations
 * (points inside epochs and epoch ends, in step order) as live stopping does, so patience counts
 * evaluations, and where a rule stops, keeps and was best is an evaluation, named by step and epoch.
 */

/**
 * The evaluations the rules read for a run: its timeline when it has points, else null (a run evaluated
 * once per epoch, or one recorded before schedules, is analysed on its epochs as before).
 */
export function stoppingTimeline(
  schedule: RunSchedule | null | undefined,
  epochs: readonly EpochMetrics[],
  points: readonly EvalPoint[],
): Evaluation[] | null {
  if (!schedule?.evaluateEvery || points.length === 0) return null;
  return evaluationTimeline(schedule, epochs, points);
}

/** The evaluations a decision on a timeline names. */
export interface TimelinePlaces {
  stop: Evaluation | null;
  /** The rule's best evaluation up to the stop (or the end). */
  best: Evaluation | null;
  /** With restoreBest: the best, whose metrics stand for the run. */
  restored: Evaluation | null;
  /** The evaluation whose metrics stand for the run: restored, else the stop, else the last. */
  result: Evaluation | null;
}

/**
 * A decision on a timeline with what it means for the run. Unlike the rule's own decision, whose epoch
 * fields are ordinals (1 = the first evaluation), every epoch field here is the evaluation's fractional
 * epoch (`stopEpoch` 1.25: a quarter into the second epoch), and `epochsSaved` is fractional too.
 */
export interface TimelineOutcome extends StoppingOutcome {
  at: TimelinePlaces;
  /** The step of the last evaluation; null when there is none. */
  lastStep: number | null;
  /** Evaluations of the timeline after the stop (0 when the rule never fires). */
  evaluationsSaved: number;
}

/** What `rule` decides on the run's evaluations, and what that keeps, saves and costs. */
export function timelineOutcome(timeline: readonly Evaluation[], rule: StoppingRule): TimelineOutcome {
  return outcomeOnTimeline(timeline, evaluateStoppingOnTimeline(timeline, rule));
}

function outcomeOnTimeline(timeline: readonly Evaluation[], decided: TimelineDecision): TimelineOutcome {
  const { decision } = decided;
  // The rule's timeline entries are the Evaluations passed in (it indexes the same array).
  const at: TimelinePlaces = {
    stop: decided.stop as Evaluation | null,
    best: decided.best as Evaluation | null,
    restored: decided.restored as Evaluation | null,
    result: decided.result as Evaluation | null,
  };
  const last = timeline.at(-1) ?? null;
  const after = decision.stopEpoch === null ? [] : timeline.slice(decision.stopEpoch);
  const kept = at.result;
  const bestTestAcc = bestValue(timeline, 'testAcc', 'max')?.value ?? null;
  const bestTestLoss = bestValue(timeline, 'testLoss', 'min')?.value ?? null;
  const finalTestAcc = finite(last?.testAcc ?? null);
  const keptTestAcc = finite(kept?.testAcc ?? null);
  const keptTestLoss = finite(kept?.testLoss ?? null);
  const stop = at.stop;
  const secondsSaved = stop && last ? last.elapsed - stop.elapsed : 0;
  return {
    ...decision,
    stopEpoch: stop?.epoch ?? null,
    bestEpoch: at.best?.epoch ?? null,
    restoredEpoch: at.restored?.epoch ?? null,
    resultEpoch: kept?.epoch ?? null,
    lastEpoch: last?.epoch ?? null,
    lastStep: last?.step ?? null,
    at,
    result: kept
      ? {
          epoch: kept.epoch,
          valLoss: kept.valLoss,
          valAcc: kept.valAcc,
          testLoss: kept.testLoss,
          testAcc: kept.testAcc,
        }
      : null,
    epochsSaved: stop && last ? last.epoch - stop.epoch : 0,
    evaluationsSaved: after.length,
    // A point's time is known once the epochs before it are logged; a gap in them leaves it unknown.
    secondsSaved: Number.isFinite(secondsSaved) ? Math.max(0, secondsSaved) : 0,
    testAccRegret: bestTestAcc !== null && keptTestAcc !== null ? bestTestAcc - keptTestAcc : null,
    testLossRegret: bestTestLoss !== null && keptTestLoss !== null ? keptTestLoss - bestTestLoss : null,
    testAccLost: finalTestAcc !== null && keptTestAcc !== null ? finalTestAcc - keptTestAcc : null,
  };
}

/** The best finite value of `metric` over the whole timeline and its evaluation (the earliest on ties). */
export function bestEvaluation(
  timeline: readonly Evaluation[],
  metric: MetricName,
  mode?: StoppingMode,
): { evaluation: Evaluation; value: number } | undefined {
  const best = bestValue(timeline, metric, mode);
  const evaluation = best && timeline.find((e) => e.epoch === best.epoch);
  return best && evaluation ? { evaluation, value: best.value } : undefined;
}

export interface TimelineWhatIfRow extends TimelineOutcome {
  rule: StoppingRule;
}

/** The what-if table on a timeline: the same rules as per epoch, patience counted in evaluations. */
export function whatIfOnTimeline(
  timeline: readonly Evaluation[],
  base: WhatIfBase,
  options: WhatIfOptions = {},
): TimelineWhatIfRow[] {
  return whatIfRules(base, timeline.length, options).map((rule) => ({
    rule,
    ...timelineOutcome(timeline, rule),
  }));
}

/** "every 250 examples", "every 10 steps". */
export function evaluateEveryText(every: RunSchedule['evaluateEvery']): string {
  if (!every) return 'once per epoch';
  if ('steps' in every) return `every ${every.steps} step${every.steps === 1 ? '' : 's'}`;
  return `every ${every.examples} example${every.examples === 1 ? '' : 's'}`;
}

/** One sentence: what the rules count on a run with points. */
export function countsText(timeline: readonly Evaluation[], schedule: RunSchedule): string {
  const ends = timeline.filter((e) => e.epochEnd).length;
  const inside = timeline.length - ends;
  return (
    `patience counts evaluations, not epochs: this run evaluates ${evaluateEveryText(schedule.evaluateEvery)} ` +
    `(${inside} point${inside === 1 ? '' : 's'} inside epochs and ${ends} epoch end${ends === 1 ? '' : 's'})`
  );
}

/** An evaluation as the analysis names it, "step 30 (epoch 0.75)"; "–" for none. */
export function placeText(e: Evaluation | null | undefined, none = '–'): string {
  return e ? describeEvaluation(e) : none;
}

/** A fractional number of epochs, "0.75", "2". */
export function formatEpochs(epochs: number): string {
  const rounded = Math.round(epochs * 100) / 100;
  return Number.isInteger(rounded) ? String(rounded) : rounded.toFixed(2);
}

function finite(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}
