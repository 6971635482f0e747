import { UserInputError } from '../errors';
import type { MetricName } from '../types';
import { formatNumber } from './format';
import { earlyStoppingSchema, type StoppingRule, type StoppingRuleInput } from './rule-schema';

/**
 * Rules as one short word, as the CLI's `--rule` and the UI write them: `patience:10`, `gl:5`, `pq:0.5`,
 * `up:3`, optionally with the strip length for PQ and UP (`up:3:4` is UP_3 on strips of 4 epochs).
 */

export const RULE_SPEC_HELP = 'patience:N, gl:ALPHA, pq:ALPHA[:K] or up:S[:K]';

/** Parses `patience:10` etc. into a resolved rule on `monitor` (default valLoss); a bad spec says why. */
export function parseRuleSpec(text: string, overrides: Partial<StoppingRuleInput> = {}): StoppingRule {
  const parts = text.trim().split(':');
  const kind = parts[0].toLowerCase();
  const numbers = parts.slice(1).map((p) => (p.trim() === '' ? NaN : Number(p)));
  const bad = (why: string): never => {
    throw new UserInputError(`rule "${text}": ${why} (expected ${RULE_SPEC_HELP})`);
  };
  if (numbers.some((n) => !Number.isFinite(n))) bad('the values after ":" must be numbers');
  let input: Record<string, unknown>;
  switch (kind) {
    case 'patience':
      if (numbers.length !== 1) bad('give the patience in epochs, e.g. patience:10');
      input = { rule: 'patience', patience: numbers[0] };
      break;
    case 'gl':
      if (numbers.length !== 1) bad('give α in percent, e.g. gl:5');
      input = { rule: 'gl', alpha: numbers[0] };
      break;
    case 'pq':
      if (numbers.length < 1 || numbers.length > 2)
        bad('give α and optionally the strip length, e.g. pq:0.5');
      input = { rule: 'pq', alpha: numbers[0], ...(numbers.length > 1 ? { stripLength: numbers[1] } : {}) };
      break;
    case 'up':
      if (numbers.length < 1 || numbers.length > 2) bad('give the number of strips, e.g. up:3');
      input = { rule: 'up', strips: numbers[0], ...(numbers.length > 1 ? { stripLength: numbers[1] } : {}) };
      break;
    default:
      return bad(`unknown rule "${parts[0]}"`);
  }
  const parsed = earlyStoppingSchema.safeParse({ ...overrides, ...input });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    bad(`${issue.path.join('.') || 'rule'}: ${issue.message}`);
  }
  return parsed.data as StoppingRule;
}

/** The short form: `patience:10`, `gl:5`, `pq:0.5`, `up:3` (strip length only when not the default 5). */
export function ruleSpec(rule: StoppingRule): string {
  switch (rule.rule) {
    case 'patience':
      return `patience:${rule.patience}`;
    case 'gl':
      return `gl:${rule.alpha}`;
    case 'pq':
      return `pq:${rule.alpha}${rule.stripLength === 5 ? '' : `:${rule.stripLength}`}`;
    case 'up':
      return `up:${rule.strips}${rule.stripLength === 5 ? '' : `:${rule.stripLength}`}`;
  }
}

/**
 * The rule in words with every setting that is not the default, e.g.
 * "patience:5 on valLoss (min)", "GL5 on valLoss, EMA 0.6", "UP3 (strips of 5) on valAcc, from epoch 10".
 */
export function ruleLabel(rule: StoppingRule): string {
  const extras: string[] = [];
  if (rule.smoothing.kind === 'ema') extras.push(`EMA ${rule.smoothing.weight}`);
  if (rule.smoothing.kind === 'moving-average') extras.push(`moving average of ${rule.smoothing.window}`);
  if (rule.startFromEpoch > 0) extras.push(`from epoch ${rule.startFromEpoch + 1}`);
  if (!rule.restoreBest) extras.push('no restore');
  const on = (monitor: MetricName) => ` on ${monitor}`;
  let head: string;
  switch (rule.rule) {
    case 'patience': {
      const details: string[] = [rule.mode];
      if (rule.minDelta > 0) {
        details.push(
          rule.minDeltaMode === 'relative'
            ? `min delta ${formatNumber(rule.minDelta * 100)} %`
            : `min delta ${formatNumber(rule.minDelta)}`,
        );
      }
      if (rule.baseline !== null) details.push(`baseline ${formatNumber(rule.baseline)}`);
      head = `patience:${rule.patience}${on(rule.monitor)} (${details.join(', ')})`;
      break;
    }
    case 'gl':
      head = `GL${rule.alpha}${on(rule.monitor)}`;
      break;
    case 'pq':
      head = `PQ${rule.alpha} (strips of ${rule.stripLength})${on(rule.monitor)}`;
      break;
    case 'up':
      head = `UP${rule.strips} (strips of ${rule.stripLength})${on(rule.monitor)}`;
      break;
  }
  return extras.length > 0 ? `${head}, ${extras.join(', ')}` : head;
}
