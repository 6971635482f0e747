import { describe, expect, it } from 'vitest';
import { earlyStoppingSchema } from '../../../common/stopping/rule-schema';
import { choiceOf, DEFAULT_RULE, ruleOfChoice } from './rule-choice';

describe('rule controls ↔ rule', () => {
  const own = earlyStoppingSchema.parse({
    rule: 'patience',
    monitor: 'valLoss',
    patience: 5,
    minDelta: 0.01,
    baseline: 0.3,
    startFromEpoch: 4,
  });

  it('round-trips a rule through the controls', () => {
    expect(choiceOf(own)).toEqual({ kind: 'patience', value: '5', monitor: 'valLoss', ema: '0' });
    expect(ruleOfChoice(choiceOf(own), own)).toEqual({ ok: true, rule: own });
  });

  it("a new patience keeps the run's other settings; a new monitor picks min or max again", () => {
    const longer = ruleOfChoice({ ...choiceOf(own), value: '8' }, own);
    expect(longer.ok && longer.rule).toMatchObject({
      patience: 8,
      minDelta: 0.01,
      baseline: 0.3,
      startFromEpoch: 4,
    });
    const onAcc = ruleOfChoice({ ...choiceOf(own), monitor: 'valAcc' }, own);
    expect(onAcc.ok && onAcc.rule).toMatchObject({ monitor: 'valAcc', mode: 'max' });
  });

  it('another kind starts from its defaults, with the EMA asked for', () => {
    const gl = ruleOfChoice({ kind: 'gl', value: '2', monitor: 'valLoss', ema: '0.6' }, own);
    expect(gl).toEqual({
      ok: true,
      rule: earlyStoppingSchema.parse({ rule: 'gl', alpha: 2, smoothing: { kind: 'ema', weight: 0.6 } }),
    });
  });

  it.each([
    [
      { kind: 'patience', value: '', monitor: 'valLoss', ema: '0' },
      /^patience: expected a patience in epochs/,
    ],
    [
      { kind: 'patience', value: '2.5', monitor: 'valLoss', ema: '0' },
      /^patience: expected a patience in epochs/,
    ],
    [
      { kind: 'gl', value: '-1', monitor: 'valLoss', ema: '0' },
      /^α \(%\): expected α in percent \(a number > 0\)/,
    ],
    [{ kind: 'up', value: '0', monitor: 'valLoss', ema: '0' }, /^strips s: expected a number of strips/],
    [
      { kind: 'pq', value: '1', monitor: 'valLoss', ema: '1.5' },
      /^EMA weight: expected an EMA weight in \[0, 1\)/,
    ],
  ] as const)('refuses %j with the field named', (choice, message) => {
    const result = ruleOfChoice(choice, DEFAULT_RULE);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(message);
  });
});
