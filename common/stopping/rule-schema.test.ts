import { describe, expect, it } from 'vitest';
import { parseRunConfig } from '../config/parse-config';
import { parseRunConfigIssues } from '../config/config-issues';
import { missingSplitIssue } from './monitor';
import { parseRuleSpec, ruleLabel, ruleSpec } from './rule-text';

const config = (earlyStopping: unknown) => ({
  name: 'iris-es',
  seed: 1,
  dataset: { id: 'iris', split: { train: 90, validation: 30, test: 30 } },
  model: { kind: 'mlp', hiddenUnits: [16] },
  training: { optimizer: 'adam', learningRate: 0.01, batchSize: 16, epochs: 100, earlyStopping },
});

describe('training.earlyStopping in a run config', () => {
  it('accepts the documented minimum and stores every default explicitly', () => {
    const parsed = parseRunConfig(config({ rule: 'patience', monitor: 'valLoss', patience: 5 }));
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.value.training.earlyStopping).toEqual({
      rule: 'patience',
      monitor: 'valLoss',
      mode: 'min',
      patience: 5,
      minDelta: 0,
      minDeltaMode: 'absolute',
      baseline: null,
      startFromEpoch: 0,
      restoreBest: true,
      smoothing: { kind: 'none' },
    });
  });

  it('resolves mode "auto" by the metric, fills each rule kind, and re-parses its own output', () => {
    const inputs = [
      { rule: 'patience', monitor: 'valAcc' },
      { rule: 'gl' },
      { rule: 'pq', smoothing: { kind: 'ema', weight: 0.6 } },
      { rule: 'up', strips: 2, startFromEpoch: 10 },
    ];
    const outputs = inputs.map((input) => {
      const parsed = parseRunConfig(config(input));
      if (!parsed.ok) throw new Error(parsed.error);
      return parsed.value.training.earlyStopping;
    });
    expect(outputs[0]).toMatchObject({ mode: 'max', patience: 10 });
    expect(outputs[1]).toMatchObject({ rule: 'gl', alpha: 5, monitor: 'valLoss', restoreBest: true });
    expect(outputs[2]).toMatchObject({
      rule: 'pq',
      alpha: 0.5,
      stripLength: 5,
      smoothing: { kind: 'ema', weight: 0.6 },
    });
    expect(outputs[3]).toMatchObject({ rule: 'up', strips: 2, stripLength: 5, startFromEpoch: 10 });
    for (const output of outputs) {
      const again = parseRunConfig(config(output));
      expect(again.ok && again.value.training.earlyStopping).toEqual(output);
    }
  });

  it('a config without it has none (every epoch is trained)', () => {
    const { earlyStopping: _none, ...training } = config(undefined).training;
    const parsed = parseRunConfig({ ...config(undefined), training });
    if (!parsed.ok) throw new Error(parsed.error);
    expect('earlyStopping' in parsed.value.training).toBe(false);
  });

  it.each([
    [{ rule: 'keras' }, 'training.earlyStopping.rule', /expected "rule": "patience", "gl", "pq" or "up"/],
    [{ patience: 5 }, 'training.earlyStopping.rule', /expected "rule"/],
    [{ rule: 'patience', patience: -1 }, 'training.earlyStopping.patience', /an integer ≥ 0/],
    [{ rule: 'patience', patience: 2.5 }, 'training.earlyStopping.patience', /an integer ≥ 0/],
    [
      { rule: 'patience', monitor: 'val_loss' },
      'training.earlyStopping.monitor',
      /expected one of trainLoss/,
    ],
    [{ rule: 'patience', minDelta: -0.1 }, 'training.earlyStopping.minDelta', /≥ 0/],
    [{ rule: 'gl', alpha: 0 }, 'training.earlyStopping.alpha', /> 0/],
    [{ rule: 'up', stripLength: 1 }, 'training.earlyStopping.stripLength', /integer ≥ 2/],
    [
      { rule: 'gl', smoothing: { kind: 'ema', weight: 1 } },
      'training.earlyStopping.smoothing.weight',
      /\[0, 1\)/,
    ],
    [{ rule: 'gl', patience: 3 }, 'training.earlyStopping', /unknown field\(s\) "patience"/],
  ])('%j is refused at %s', (earlyStopping, path, message) => {
    const parsed = parseRunConfigIssues(config(earlyStopping));
    expect(parsed.ok).toBe(false);
    const issue = !parsed.ok ? parsed.issues.find((i) => i.path === path) : undefined;
    expect(issue?.message).toMatch(message);
  });

  it('names the empty split a monitored metric needs', () => {
    expect(missingSplitIssue('valLoss', { train: 100, validation: 0, test: 50 })).toBe(
      'valLoss (validation loss) is never logged: the validation split is empty (dataset.split.validation gives 0 examples)',
    );
    expect(missingSplitIssue('testAcc', { train: 100, validation: 0, test: 50 })).toBeUndefined();
  });
});

describe('rule specs (CLI --rule, UI)', () => {
  it.each([
    [
      'patience:10',
      { rule: 'patience', patience: 10, monitor: 'valLoss', mode: 'min' },
      'patience:10 on valLoss (min)',
    ],
    ['gl:5', { rule: 'gl', alpha: 5 }, 'GL5 on valLoss'],
    ['pq:0.5', { rule: 'pq', alpha: 0.5, stripLength: 5 }, 'PQ0.5 (strips of 5) on valLoss'],
    ['up:3', { rule: 'up', strips: 3, stripLength: 5 }, 'UP3 (strips of 5) on valLoss'],
    ['UP:2:4', { rule: 'up', strips: 2, stripLength: 4 }, 'UP2 (strips of 4) on valLoss'],
  ])('%s', (text, expected, label) => {
    const rule = parseRuleSpec(text);
    expect(rule).toMatchObject(expected);
    expect(ruleLabel(rule)).toBe(label);
    expect(parseRuleSpec(ruleSpec(rule))).toEqual(rule);
  });

  it('takes the monitor and other settings beside the spec', () => {
    const rule = parseRuleSpec('patience:3', {
      monitor: 'valAcc',
      minDelta: 0.01,
      baseline: 0.9,
      smoothing: { kind: 'moving-average', window: 3 },
      startFromEpoch: 4,
      restoreBest: false,
    });
    expect(ruleLabel(rule)).toBe(
      'patience:3 on valAcc (max, min delta 0.01, baseline 0.9), moving average of 3, from epoch 5, no restore',
    );
  });

  it.each([
    ['patience', /give the patience in epochs/],
    ['patience:x', /must be numbers/],
    ['patience:-2', /an integer ≥ 0/],
    ['gl:0', /a number > 0/],
    ['up:3:1', /stripLength: expected a strip length in epochs \(an integer ≥ 2\)/],
    ['keras:5', /unknown rule "keras"/],
    ['', /unknown rule ""/],
  ])('refuses %j', (text, message) => {
    expect(() => parseRuleSpec(text)).toThrow(message);
    expect(() => parseRuleSpec(text)).toThrow(/expected patience:N, gl:ALPHA, pq:ALPHA\[:K\] or up:S\[:K\]/);
  });
});
