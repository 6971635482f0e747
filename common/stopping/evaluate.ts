import { smoothSeries } from '../compare/smoothing';
import type { EpochMetrics } from '../types';
import { inEpochOrder, METRIC_TEXT } from './monitor';
import { scanPatience } from './patience';
import { scanGl, scanPq, scanUp } from './prechelt';
import { ruleLabel, ruleSpec } from './rule-text';
import type { StoppingRule } from './rule-schema';
import type { MonitoredPoint, RuleScan, ScanContext } from './scan';

/**
 * What a stopping rule decides on a logged history. The one function behind the analysis (panel, CLI,
 * across-runs rows) and live stopping (the engine calls it after every epoch and stops when it fires at the
 * epoch just logged), so a run stopped live and the analysis of its history always agree: every rule reads
 * epochs in order and only epochs ≤ t decide at t (smoothing is trailing).
 */
export interface StoppingDecision {
  /** `patience:5` etc. (see ruleSpec) and the rule in words (see ruleLabel). */
  spec: string;
  label: string;
  /**
   * stopped: the rule fires at stopEpoch; continued: it never fires on these epochs (training would run to
   * the end); unavailable: the monitored metric was never logged, so it cannot decide.
   */
  outcome: 'stopped' | 'continued' | 'unavailable';
  /** The last epoch trained under the rule; null when it never fires. */
  stopEpoch: number | null;
  /** The rule's best monitored epoch up to the stop (or the end). */
  bestEpoch: number | null;
  /** With restoreBest: bestEpoch, whose metrics stand for the run; null without restore. */
  restoredEpoch: number | null;
  /** The epoch whose metrics stand for the run: restored, else the stop, else the last epoch. */
  resultEpoch: number | null;
  /** The last epoch of the history. */
  lastEpoch: number | null;
  /** One or two sentences: why it stopped, or why not. */
  reason: string;
}

export function evaluateStopping(history: readonly EpochMetrics[], rule: StoppingRule): StoppingDecision {
  const rows = inEpochOrder(history);
  const lastEpoch = rows.at(-1)?.epoch ?? null;
  const { monitor } = rule;
  const what = METRIC_TEXT[monitor];
  const base = { spec: ruleSpec(rule), label: ruleLabel(rule), lastEpoch };
  const logged = rows.filter((r) => r[monitor] !== null);
  if (lastEpoch === null || logged.length === 0) {
    const why =
      lastEpoch === null
        ? 'no epoch has been logged yet'
        : `${what} was never logged (${monitor.startsWith('val') ? 'the run has no validation split' : monitor.startsWith('test') ? 'the run has no test split' : 'no value'})`;
    return {
      ...base,
      outcome: 'unavailable',
      stopEpoch: null,
      bestEpoch: null,
      restoredEpoch: null,
      resultEpoch: lastEpoch,
      reason: `${why}: the rule cannot decide`,
    };
  }
  const monitored = logged.filter((r) => r.epoch > rule.startFromEpoch);
  if (monitored.length === 0) {
    return {
      ...base,
      outcome: 'continued',
      stopEpoch: null,
      bestEpoch: null,
      restoredEpoch: null,
      resultEpoch: lastEpoch,
      reason: `monitoring starts after epoch ${rule.startFromEpoch} (startFromEpoch); ${lastEpoch} logged so far`,
    };
  }
  const firstBad = monitored.findIndex((r) => !Number.isFinite(r[monitor] as number));
  const usable = firstBad < 0 ? monitored : monitored.slice(0, firstBad);
  const smoothed = smoothSeries(
    usable.map((r) => r[monitor] as number),
    rule.smoothing,
  );
  const points: MonitoredPoint[] = usable.map((row, i) => ({
    epoch: row.epoch,
    value: smoothed[i] as number,
    raw: row[monitor] as number,
    row,
  }));
  const ctx: ScanContext = { monitor, rows, lastEpoch };
  let scan = scanRule(points, rule, ctx);
  if (scan.stopEpoch === null && firstBad >= 0) {
    // Unlike Keras, which counts NaN as "no improvement" and waits out its patience, a monitored value that
    // is not a number ends the run at once: nothing after it can be trusted.
    const bad = monitored[firstBad];
    scan = {
      stopEpoch: bad.epoch,
      bestEpoch: scan.bestEpoch,
      reason: `${what} is ${String(bad[monitor])} at epoch ${bad.epoch}: stopped there`,
    };
  }
  const restoredEpoch = rule.restoreBest ? scan.bestEpoch : null;
  const resultEpoch = restoredEpoch ?? scan.stopEpoch ?? lastEpoch;
  const restoreText =
    restoredEpoch === null
      ? ''
      : scan.stopEpoch === null || restoredEpoch !== scan.stopEpoch
        ? `; restores epoch ${restoredEpoch}`
        : '';
  return {
    ...base,
    outcome: scan.stopEpoch === null ? 'continued' : 'stopped',
    stopEpoch: scan.stopEpoch,
    bestEpoch: scan.bestEpoch,
    restoredEpoch,
    resultEpoch,
    reason: `${scan.reason}${restoreText}`,
  };
}

/**
 * Live form: whether the rule ends training right after `epoch`, the last epoch of `history`. It fires at
 * most once on a growing history, at the epoch where evaluateStopping of the whole history stops.
 */
export function stopsAfter(
  history: readonly EpochMetrics[],
  rule: StoppingRule,
  epoch: number,
): StoppingDecision | null {
  const decision = evaluateStopping(history, rule);
  return decision.outcome === 'stopped' && decision.stopEpoch === epoch ? decision : null;
}

function scanRule(points: readonly MonitoredPoint[], rule: StoppingRule, ctx: ScanContext): RuleScan {
  switch (rule.rule) {
    case 'patience':
      return scanPatience(points, rule, ctx);
    case 'gl':
      return scanGl(points, rule, ctx);
    case 'pq':
      return scanPq(points, rule, ctx);
    case 'up':
      return scanUp(points, rule, ctx);
  }
}
