import {
  earlyStoppingSchema,
  type StoppingRule,
  type StoppingRuleKind,
} from '../../../common/stopping/rule-schema';
import type { MetricName } from '../../../common/types';

/** What the rule controls edit: the kind, its one main number, the monitored metric, the smoothing. */
export interface RuleChoice {
  kind: StoppingRuleKind;
  /** Patience (epochs), α (GL, PQ) or the number of strips (UP), as typed. */
  value: string;
  monitor: MetricName;
  /** 0: none; otherwise an EMA weight. */
  ema: string;
}

export const RULE_KINDS: ReadonlyArray<{
  kind: StoppingRuleKind;
  label: string;
  value: string;
  unit: string;
}> = [
  { kind: 'patience', label: 'Patience (Keras)', value: 'patience', unit: 'epochs' },
  { kind: 'gl', label: 'GL_α (generalisation loss)', value: 'α (%)', unit: '%' },
  { kind: 'pq', label: 'PQ_α (GL / training progress)', value: 'α', unit: '' },
  { kind: 'up', label: 'UP_s (rises at strip ends)', value: 'strips s', unit: 'strips' },
];

export const DEFAULT_RULE: StoppingRule = earlyStoppingSchema.parse({ rule: 'patience', patience: 10 });

/**
 * The rule a run's page starts on when the run was trained without one: Keras's patience 10 on the metric a
 * grid ranks by (common/grid/results.ts defaultMonitor), validation loss where the run has a validation split,
 * else training loss. Never a metric the run does not log.
 */
export function defaultRuleFor(hasValidation: boolean): StoppingRule {
  return earlyStoppingSchema.parse({
    rule: 'patience',
    patience: 10,
    monitor: hasValidation ? 'valLoss' : 'trainLoss',
  });
}

export function choiceOf(rule: StoppingRule): RuleChoice {
  const value = rule.rule === 'patience' ? rule.patience : rule.rule === 'up' ? rule.strips : rule.alpha;
  return {
    kind: rule.rule,
    value: String(value),
    monitor: rule.monitor,
    ema: rule.smoothing.kind === 'ema' ? String(rule.smoothing.weight) : '0',
  };
}

/**
 * The rule a choice describes, keeping every other setting of `base` (a run's own rule: its minDelta,
 * baseline, warm-up); or the first problem, in the schema's words, naming the field.
 */
export function ruleOfChoice(
  choice: RuleChoice,
  base: StoppingRule,
): { ok: true; rule: StoppingRule } | { ok: false; error: string } {
  const value = choice.value.trim() === '' ? NaN : Number(choice.value);
  const ema = choice.ema.trim() === '' ? 0 : Number(choice.ema);
  const main =
    choice.kind === 'patience'
      ? { patience: value }
      : choice.kind === 'up'
        ? { strips: value }
        : { alpha: value };
  const kept = base.rule === choice.kind ? base : {};
  const parsed = earlyStoppingSchema.safeParse({
    ...kept,
    rule: choice.kind,
    monitor: choice.monitor,
    // A changed monitor may change min/max: let "auto" pick again.
    ...(choice.kind === 'patience' && base.rule === 'patience' && base.monitor !== choice.monitor
      ? { mode: 'auto' }
      : {}),
    ...main,
    smoothing: ema > 0 ? { kind: 'ema', weight: ema } : { kind: 'none' },
  });
  if (parsed.success) return { ok: true, rule: parsed.data };
  const issue = parsed.error.issues[0];
  const field =
    issue.path.join('.') === 'smoothing.weight'
      ? 'EMA weight'
      : RULE_KINDS.find((k) => k.kind === choice.kind)?.value;
  return { ok: false, error: `${field}: ${issue.message}` };
}
