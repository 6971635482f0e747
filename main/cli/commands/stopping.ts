import { parseSmoothing, type Smoothing } from '../../../common/compare/smoothing';
import { UserInputError } from '../../../common/errors';
import type { Evaluation, RunSchedule } from '../../../common/metrics/eval-points';
import type { RunDetail } from '../../../common/run-types';
import { formatMetric, formatNumber } from '../../../common/stopping/format';
import { isMetricName, METRIC_TEXT } from '../../../common/stopping/monitor';
import { findOverfittingOnset } from '../../../common/stopping/onset';
import { bestValue, stoppingOutcome, type StoppingOutcome } from '../../../common/stopping/outcome';
import { earlyStoppingSchema, type StoppingRule } from '../../../common/stopping/rule-schema';
import { parseRuleSpec } from '../../../common/stopping/rule-text';
import {
  bestEvaluation,
  countsText,
  formatEpochs,
  placeText,
  stoppingTimeline,
  timelineOutcome,
  type TimelineOutcome,
} from '../../../common/stopping/timeline-outcome';
import { METRIC_NAMES, type EpochMetrics, type EvalPoint, type MetricName } from '../../../common/types';
import { openContext, type GlobalOptions } from '../context';
import { printJson } from '../output';

export interface StoppingOptions extends GlobalOptions {
  rule?: string;
  monitor?: string;
  smoothing?: string;
  json?: boolean;
}

/** The rule used when --rule is not given and the run was not trained with one. */
export const DEFAULT_RULE_SPEC = 'patience:10';

/**
 * `workbench stopping RUN…`: replays an early-stopping rule on each run's logged epochs: its best epoch,
 * the overfitting onset, where the rule stops and which epoch it keeps, and what that saves and costs.
 * Without --rule, a run trained with `training.earlyStopping` is analysed with its own rule. A run with
 * evaluation points (`training.evaluateEvery`) is analysed on its evaluations, as live stopping reads them:
 * patience counts evaluations, and the best, the stop and what is kept are named by step and epoch.
 */
export function stoppingCommand(runIds: string[], options: StoppingOptions): number {
  const monitor = monitorOf(options.monitor);
  const smoothing = options.smoothing === undefined ? undefined : smoothingOf(options.smoothing);
  const overrides: RuleOverrides = { ...(monitor ? { monitor } : {}), ...(smoothing ? { smoothing } : {}) };
  const asked = options.rule === undefined ? undefined : ruleOf(options.rule, overrides);
  const runs = loadRuns(runIds, options);
  const reports = runs.map(({ run, epochs, schedule, points }) => {
    const rule = asked ?? ruleOf(run.config.training.earlyStopping ?? DEFAULT_RULE_SPEC, overrides);
    return report(run, epochs, rule, stoppingTimeline(schedule, epochs, points), schedule);
  });
  if (options.json) {
    printJson(reports.map(jsonOf));
    return 0;
  }
  process.stdout.write(reports.map(textOf).join('\n') + '\n');
  return 0;
}

/** Where the analysis found something: an epoch, or on a run with points an evaluation (step and epoch). */
interface Found {
  epoch: number;
  value: number;
  /** Set on a run with points. */
  at?: Evaluation;
}

interface Report {
  run: RunDetail;
  rule: StoppingRule;
  outcome: StoppingOutcome | TimelineOutcome;
  best: Found | undefined;
  onset: ReturnType<typeof findOverfittingOnset>;
  bestTestAcc: Found | undefined;
  /** The epoch rows logged. */
  epochs: number;
  /** A run with points: the evaluations the rule read and its schedule. */
  points: { timeline: Evaluation[]; schedule: RunSchedule } | null;
}

function report(
  run: RunDetail,
  epochs: EpochMetrics[],
  rule: StoppingRule,
  timeline: Evaluation[] | null,
  schedule: RunSchedule | null,
): Report {
  const mode = rule.rule === 'patience' ? rule.mode : undefined;
  const logged = epochs.reduce((last, e) => Math.max(last, e.epoch), 0);
  // The overfitting onset is an epoch either way: its windows are epochs.
  const onset = findOverfittingOnset(epochs);
  if (timeline && schedule) {
    const found = (best: ReturnType<typeof bestEvaluation>): Found | undefined =>
      best && { epoch: best.evaluation.epoch, value: best.value, at: best.evaluation };
    return {
      run,
      rule,
      outcome: timelineOutcome(timeline, rule),
      best: found(bestEvaluation(timeline, rule.monitor, mode)),
      onset,
      bestTestAcc: found(bestEvaluation(timeline, 'testAcc', 'max')),
      epochs: logged,
      points: { timeline, schedule },
    };
  }
  return {
    run,
    rule,
    outcome: stoppingOutcome(epochs, rule),
    best: bestValue(epochs, rule.monitor, mode),
    onset,
    bestTestAcc: bestValue(epochs, 'testAcc', 'max'),
    epochs: logged,
    points: null,
  };
}

function jsonOf({ run, rule, outcome, best, onset, points }: Report) {
  const kept = outcome.result;
  const json = {
    runId: run.id,
    name: run.name,
    rule: outcome.spec,
    ruleLabel: outcome.label,
    ruleConfig: rule,
    monitor: rule.monitor,
    outcome: outcome.outcome,
    lastEpoch: outcome.lastEpoch,
    bestEpoch: best?.epoch ?? null,
    stopEpoch: outcome.stopEpoch,
    restoredEpoch: outcome.restoredEpoch,
    resultEpoch: outcome.resultEpoch,
    reason: outcome.reason,
    onsetEpoch: onset.epoch,
    onsetReason: onset.reason,
    epochsSaved: outcome.epochsSaved,
    secondsSaved: outcome.secondsSaved,
    // The metrics the run keeps under the rule: the restored epoch's (the stop epoch's without restore).
    restored: {
      epoch: kept?.epoch ?? null,
      valLoss: kept?.valLoss ?? null,
      valAcc: kept?.valAcc ?? null,
      testLoss: kept?.testLoss ?? null,
      testAcc: kept?.testAcc ?? null,
    },
    testAccRegret: outcome.testAccRegret,
    testLossRegret: outcome.testLossRegret,
    testAccLost: outcome.testAccLost,
    liveEarlyStop: run.earlyStop,
  };
  if (!points || !('at' in outcome)) return json;
  // On a run with points every epoch above is an evaluation's fractional epoch, and each has its step.
  const { at } = outcome;
  return {
    ...json,
    counts: 'evaluations' as const,
    evaluateEvery: points.schedule.evaluateEvery,
    evaluations: points.timeline.length,
    lastStep: outcome.lastStep,
    bestStep: best?.at?.step ?? null,
    stopStep: at.stop?.step ?? null,
    restoredStep: at.restored?.step ?? null,
    resultStep: at.result?.step ?? null,
    // The rule's own best up to its stop: what a live stop records as earlyStop.at.bestStep.
    ruleBestStep: at.best?.step ?? null,
    ruleBestEpoch: at.best?.epoch ?? null,
    evaluationsSaved: outcome.evaluationsSaved,
    restored: { ...json.restored, step: at.result?.step ?? null },
  };
}

function textOf({ run, rule, outcome, best, onset, bestTestAcc, epochs, points: pointed }: Report): string {
  const what = METRIC_TEXT[rule.monitor];
  const kept = outcome.result;
  const at = 'at' in outcome ? outcome.at : null;
  /** An epoch, or on a run with points the evaluation: "step 30 (epoch 0.75)". */
  const place = (found: Found | undefined) => (found?.at ? placeText(found.at) : String(found?.epoch));
  const lines = [
    pointed
      ? `Run ${run.id.slice(0, 8)}  ${run.name} (${run.status}, ${epochs} epochs, ${pointed.timeline.length} evaluations)`
      : `Run ${run.id.slice(0, 8)}  ${run.name} (${run.status}, ${outcome.lastEpoch ?? 0} epochs)`,
    `rule        ${outcome.label}`,
    ...(pointed ? [`on points   ${countsText(pointed.timeline, pointed.schedule)}`] : []),
    `${pointed ? 'best      ' : 'best epoch'}  ${best ? `${place(best)} (${what} ${formatMetric(rule.monitor, best.value)})` : `– (${what} was never logged)`}`,
    `onset       ${onset.epoch === null ? '–' : pointed ? `epoch ${onset.epoch}` : onset.epoch} (${onset.reason})`,
    `stop        ${outcome.stopEpoch === null ? 'never' : at ? `after ${placeText(at.stop)}` : `after epoch ${outcome.stopEpoch}`} (${outcome.reason})`,
  ];
  if (kept) {
    const parts = (['valLoss', 'valAcc', 'testLoss', 'testAcc'] as const)
      .filter((m) => kept[m] !== null)
      .map((m) => `${METRIC_TEXT[m]} ${formatMetric(m, kept[m])}`);
    const which = outcome.restoredEpoch !== null ? 'restored' : outcome.stopEpoch !== null ? 'stop' : 'last';
    lines.push(
      `keeps       ${at ? placeText(at.result) : `epoch ${kept.epoch}`} (${which})${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`,
    );
  }
  const seconds = `${formatNumber(outcome.secondsSaved)} s`;
  const saved =
    'evaluationsSaved' in outcome
      ? `${formatEpochs(outcome.epochsSaved)} epochs, ${outcome.evaluationsSaved} evaluation${outcome.evaluationsSaved === 1 ? '' : 's'} (${seconds})`
      : `${outcome.epochsSaved} epoch${outcome.epochsSaved === 1 ? '' : 's'} (${seconds})`;
  const costs: string[] = [];
  if (outcome.testAccRegret !== null && bestTestAcc) {
    costs.push(
      `test accuracy ${points(outcome.testAccRegret)} below the run's best ${formatMetric('testAcc', bestTestAcc.value)} (${bestTestAcc.at ? `at ${placeText(bestTestAcc.at)}` : `epoch ${bestTestAcc.epoch}`})`,
    );
  }
  if (outcome.testAccLost !== null) {
    costs.push(
      outcome.testAccLost >= 0
        ? `${points(outcome.testAccLost)} below training to the end`
        : `${points(-outcome.testAccLost)} above training to the end`,
    );
  }
  lines.push(`saves       ${saved}${costs.length > 0 ? `; ${costs.join('; ')}` : ''}`);
  if (run.earlyStop) {
    const live = run.earlyStop.at;
    lines.push(
      live
        ? `live stop   after step ${live.stopStep} (epoch ${formatEpochs(live.stopEpoch)}) by ${run.earlyStop.rule}`
        : `live stop   after epoch ${run.earlyStop.stopEpoch} by ${run.earlyStop.rule}`,
    );
  }
  return lines.join('\n');
}

function points(difference: number): string {
  return `${(difference * 100).toFixed(2)} points`;
}

interface RuleOverrides {
  monitor?: MetricName;
  smoothing?: Smoothing;
}

function ruleOf(spec: string | StoppingRule, overrides: RuleOverrides): StoppingRule {
  if (typeof spec !== 'string') {
    // The run's own rule, with what the flags ask changed (mode "auto" again when the monitor changes).
    const changed = { ...spec, ...overrides };
    return earlyStoppingSchema.parse(
      spec.rule === 'patience' && overrides.monitor ? { ...changed, mode: 'auto' } : changed,
    );
  }
  try {
    return parseRuleSpec(spec, overrides);
  } catch (err) {
    if (err instanceof UserInputError)
      throw new UserInputError(`--rule ${err.message.replace(/^rule /, '')}`);
    throw err;
  }
}

function monitorOf(name: string | undefined): MetricName | undefined {
  if (name === undefined) return undefined;
  if (!isMetricName(name)) {
    throw new UserInputError(
      `--monitor: unknown metric "${name}" (expected one of ${METRIC_NAMES.join(', ')})`,
    );
  }
  return name;
}

function smoothingOf(text: string): Smoothing {
  try {
    return parseSmoothing(text);
  } catch (err) {
    if (!(err instanceof UserInputError)) throw err;
    throw new UserInputError(`--smoothing ${text}: ${err.message.replace(/^smoothing(\.\w+)?: /, '')}`);
  }
}

function loadRuns(runIds: readonly string[], options: GlobalOptions) {
  const { store } = openContext(options);
  try {
    const seen = new Set<string>();
    const runs: Array<{
      run: RunDetail;
      epochs: EpochMetrics[];
      schedule: RunSchedule | null;
      points: EvalPoint[];
    }> = [];
    for (const id of runIds) {
      const run = store.getRun(id);
      if (!run) throw new UserInputError(`${id}: no run with this id (see \`workbench runs\`)`);
      if (seen.has(run.id)) continue;
      seen.add(run.id);
      runs.push({
        run,
        epochs: store.getEpochs(run.id),
        schedule: store.getSchedule(run.id),
        points: store.getPoints(run.id),
      });
    }
    return runs;
  } finally {
    store.close();
  }
}
