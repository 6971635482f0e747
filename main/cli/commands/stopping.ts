import { parseSmoothing, type Smoothing } from '../../../common/compare/smoothing';
import { UserInputError } from '../../../common/errors';
import type { RunDetail } from '../../../common/run-types';
import { formatMetric, formatNumber } from '../../../common/stopping/format';
import { isMetricName, METRIC_TEXT } from '../../../common/stopping/monitor';
import { findOverfittingOnset } from '../../../common/stopping/onset';
import { bestValue, stoppingOutcome, type StoppingOutcome } from '../../../common/stopping/outcome';
import { earlyStoppingSchema, type StoppingRule } from '../../../common/stopping/rule-schema';
import { parseRuleSpec } from '../../../common/stopping/rule-text';
import { METRIC_NAMES, type EpochMetrics, type MetricName } from '../../../common/types';
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
 * Without --rule, a run trained with `training.earlyStopping` is analysed with its own rule.
 */
export function stoppingCommand(runIds: string[], options: StoppingOptions): number {
  const monitor = monitorOf(options.monitor);
  const smoothing = options.smoothing === undefined ? undefined : smoothingOf(options.smoothing);
  const overrides: RuleOverrides = { ...(monitor ? { monitor } : {}), ...(smoothing ? { smoothing } : {}) };
  const asked = options.rule === undefined ? undefined : ruleOf(options.rule, overrides);
  const runs = loadRuns(runIds, options);
  const reports = runs.map(({ run, epochs }) => {
    const rule = asked ?? ruleOf(run.config.training.earlyStopping ?? DEFAULT_RULE_SPEC, overrides);
    return report(run, epochs, rule);
  });
  if (options.json) {
    printJson(reports.map(jsonOf));
    return 0;
  }
  process.stdout.write(reports.map(textOf).join('\n') + '\n');
  return 0;
}

interface Report {
  run: RunDetail;
  rule: StoppingRule;
  outcome: StoppingOutcome;
  best: { epoch: number; value: number } | undefined;
  onset: ReturnType<typeof findOverfittingOnset>;
  bestTestAcc: { epoch: number; value: number } | undefined;
}

function report(run: RunDetail, epochs: EpochMetrics[], rule: StoppingRule): Report {
  return {
    run,
    rule,
    outcome: stoppingOutcome(epochs, rule),
    best: bestValue(epochs, rule.monitor, rule.rule === 'patience' ? rule.mode : undefined),
    onset: findOverfittingOnset(epochs),
    bestTestAcc: bestValue(epochs, 'testAcc', 'max'),
  };
}

function jsonOf({ run, rule, outcome, best, onset }: Report) {
  const kept = outcome.result;
  return {
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
}

function textOf({ run, rule, outcome, best, onset, bestTestAcc }: Report): string {
  const what = METRIC_TEXT[rule.monitor];
  const kept = outcome.result;
  const lines = [
    `Run ${run.id.slice(0, 8)}  ${run.name} (${run.status}, ${outcome.lastEpoch ?? 0} epochs)`,
    `rule        ${outcome.label}`,
    `best epoch  ${best ? `${best.epoch} (${what} ${formatMetric(rule.monitor, best.value)})` : `– (${what} was never logged)`}`,
    `onset       ${onset.epoch ?? '–'} (${onset.reason})`,
    `stop        ${outcome.stopEpoch === null ? 'never' : `after epoch ${outcome.stopEpoch}`} (${outcome.reason})`,
  ];
  if (kept) {
    const parts = (['valLoss', 'valAcc', 'testLoss', 'testAcc'] as const)
      .filter((m) => kept[m] !== null)
      .map((m) => `${METRIC_TEXT[m]} ${formatMetric(m, kept[m])}`);
    const which = outcome.restoredEpoch !== null ? 'restored' : outcome.stopEpoch !== null ? 'stop' : 'last';
    lines.push(
      `keeps       epoch ${kept.epoch} (${which})${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`,
    );
  }
  const saved = `${outcome.epochsSaved} epoch${outcome.epochsSaved === 1 ? '' : 's'} (${formatNumber(outcome.secondsSaved)} s)`;
  const costs: string[] = [];
  if (outcome.testAccRegret !== null && bestTestAcc) {
    costs.push(
      `test accuracy ${points(outcome.testAccRegret)} below the run's best ${formatMetric('testAcc', bestTestAcc.value)} (epoch ${bestTestAcc.epoch})`,
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
    lines.push(`live stop   after epoch ${run.earlyStop.stopEpoch} by ${run.earlyStop.rule}`);
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
    const runs: Array<{ run: RunDetail; epochs: EpochMetrics[] }> = [];
    for (const id of runIds) {
      const run = store.getRun(id);
      if (!run) throw new UserInputError(`${id}: no run with this id (see \`workbench runs\`)`);
      if (seen.has(run.id)) continue;
      seen.add(run.id);
      runs.push({ run, epochs: store.getEpochs(run.id) });
    }
    return runs;
  } finally {
    store.close();
  }
}
