import { useId, useState } from 'react';
import type { StoppingRule, StoppingRuleKind } from '../../../common/stopping/rule-schema';
import { METRIC_TEXT } from '../../../common/stopping/monitor';
import { METRIC_NAMES, type MetricName } from '../../../common/types';
import { choiceOf, RULE_KINDS, ruleOfChoice, type RuleChoice } from './rule-choice';
import './stopping.css';

interface RuleControlsProps {
  rule: StoppingRule;
  onChange: (rule: StoppingRule) => void;
  /** Prefix of the controls' test ids, so two sets on one page stay apart. */
  testId?: string;
}

/**
 * Which rule to replay: kind, its number, the monitored metric and an optional EMA. An invalid number is
 * shown next to its field and the last valid rule stays in force.
 */
export function RuleControls({ rule, onChange, testId = 'rule' }: RuleControlsProps) {
  const [choice, setChoice] = useState<RuleChoice>(() => choiceOf(rule));
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const kind = RULE_KINDS.find((k) => k.kind === choice.kind) ?? RULE_KINDS[0];

  const update = (patch: Partial<RuleChoice>) => {
    const next = { ...choice, ...patch };
    if (patch.kind && patch.kind !== choice.kind) next.value = defaultValue(patch.kind);
    setChoice(next);
    const result = ruleOfChoice(next, rule);
    if (result.ok) {
      setError(null);
      onChange(result.rule);
    } else {
      setError(result.error);
    }
  };

  return (
    <div className="stopping-controls" role="group" aria-label="Stopping rule">
      <label>
        Rule{' '}
        <select
          value={choice.kind}
          onChange={(e) => update({ kind: e.target.value as StoppingRuleKind })}
          data-testid={`${testId}-kind`}
        >
          {RULE_KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        {kind.value}{' '}
        <input
          type="number"
          className="input-number"
          value={choice.value}
          min={choice.kind === 'patience' ? 0 : undefined}
          step={choice.kind === 'patience' || choice.kind === 'up' ? 1 : 'any'}
          aria-invalid={error !== null}
          aria-describedby={error ? `${id}-error` : undefined}
          onChange={(e) => update({ value: e.target.value })}
          data-testid={`${testId}-value`}
        />
      </label>
      <label>
        Monitor{' '}
        <select
          value={choice.monitor}
          onChange={(e) => update({ monitor: e.target.value as MetricName })}
          data-testid={`${testId}-monitor`}
        >
          {METRIC_NAMES.map((m) => (
            <option key={m} value={m}>
              {METRIC_TEXT[m]}
            </option>
          ))}
        </select>
      </label>
      <label title="Trailing exponential moving average of the monitored metric before the rule reads it (0: none)">
        EMA{' '}
        <input
          type="number"
          className="input-number"
          min={0}
          max={0.99}
          step={0.1}
          value={choice.ema}
          onChange={(e) => update({ ema: e.target.value })}
          data-testid={`${testId}-ema`}
        />
      </label>
      {error && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

function defaultValue(kind: StoppingRuleKind): string {
  return { patience: '10', gl: '5', pq: '0.5', up: '3' }[kind];
}
