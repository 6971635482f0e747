import { describe, expect, it } from 'vitest';
import { parseRunConfig } from './parse-config';
import { modelOnlyConfigSchema } from './run-config';

const valid = {
  name: 'e5-l2-0.1',
  seed: 1,
  dataset: { id: 'mnist', split: { train: 10000, validation: 6000, test: 2724 }, shuffleSeed: 421 },
  model: { kind: 'mlp', hiddenUnits: [1000], activation: 'relu', init: 'xavier' },
  training: {
    optimizer: 'momentum',
    learningRate: 0.00001,
    momentum: 0.9,
    batchSize: 100,
    epochs: 200,
    lossReduction: 'sum',
  },
  regularization: { l2: 0.01, l2Convention: 'half', dropout: { keep: 0.5 } },
};

function withField(path: string, value: unknown): unknown {
  const copy = structuredClone(valid) as Record<string, unknown>;
  const keys = path.split('.');
  let cur = copy;
  for (const k of keys.slice(0, -1)) cur = cur[k] as Record<string, unknown>;
  if (value === undefined) delete cur[keys.at(-1)!];
  else cur[keys.at(-1)!] = value;
  return copy;
}

describe('run config', () => {
  it('accepts the documented shape and fills every convention explicitly', () => {
    const parsed = parseRunConfig(valid);
    if (!parsed.ok) throw new Error(parsed.error);
    expect(parsed.value.regularization).toEqual({
      l2: 0.01,
      l2Convention: 'half',
      l2Covers: 'weights',
      dropout: { keep: 0.5, rate: 0.5, convention: 'keep' },
    });
    expect(parsed.value.dataset.normalization).toBe('scale');
    expect(parsed.value.training.lrSchedule).toEqual({ kind: 'constant' });
    expect(parsed.value.experiment).toBe('Default');
    expect(parsed.value.backend).toBe('auto');
  });

  it('stores a Keras-style drop rate next to the keep probability', () => {
    const parsed = parseRunConfig(withField('regularization.dropout', { rate: 0.25 }));
    expect(parsed.ok && parsed.value.regularization.dropout).toEqual({
      keep: 0.75,
      rate: 0.25,
      convention: 'rate',
    });
  });

  it('re-parses its own output to the same config (stored configs re-run as they are)', () => {
    const once = parseRunConfig(valid);
    if (!once.ok) throw new Error(once.error);
    const { dropout, ...rest } = once.value.regularization;
    const twice = parseRunConfig({
      ...once.value,
      regularization: { ...rest, dropout: { keep: dropout!.keep } },
    });
    expect(twice.ok && twice.value).toEqual(once.value);
  });

  it.each([
    ['regularization.l2', -0.1, /^regularization\.l2: expected λ ≥ 0 \(got -0\.1\)/],
    [
      'regularization.dropout',
      { keep: 0 },
      /^regularization\.dropout\.keep: expected a keep probability p in \(0, 1\]/,
    ],
    ['regularization.dropout', { keep: 1.2 }, /^regularization\.dropout\.keep: .*\(got 1\.2\)/],
    ['regularization.dropout', { p: 0.5 }, /^regularization\.dropout: expected \{"keep": p\}/],
    [
      'model.hiddenUnits',
      [1000, 0],
      /^model\.hiddenUnits\.1: expected a number of hidden units \(an integer ≥ 1\) \(got 0\)/,
    ],
    ['training.batchSize', 0, /^training\.batchSize: expected an integer ≥ 1 or "full"/],
    ['training.batchSize', undefined, /^training\.batchSize/],
    [
      'training.optimizer',
      'rmsprop',
      /^training\.optimizer: expected one of gd, sgd, momentum, nesterov, adam/,
    ],
    ['training.learningRate', 0, /^training\.learningRate: expected a number > 0/],
    ['training.epochs', 2.5, /^training\.epochs/],
    ['model.activation', 'gelu', /^model\.activation: expected one of relu, softplus, sigmoid, tanh/],
    ['model.kind', 'rnn', /^model\.kind/],
    ['seed', -1, /^seed: expected an integer seed ≥ 0/],
    ['dataset.normalization', 'zscore', /^dataset\.normalization/],
    ['training.lossReduction', 'avg', /^training\.lossReduction: expected "mean" or "sum"/],
  ])('rejects %s = %j with a message naming the field', (path, value, message) => {
    const parsed = parseRunConfig(withField(path, value));
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatch(message);
  });

  it('names missing required fields', () => {
    const parsed = parseRunConfig(withField('dataset', undefined));
    expect(!parsed.ok && parsed.error).toBe('dataset: required field is missing');
  });

  it('rejects unknown fields by name (a typo must not be silently ignored)', () => {
    const parsed = parseRunConfig(withField('training.learnigRate', 0.1));
    expect(!parsed.ok && parsed.error).toMatch(/training: unknown field\(s\) "learnigRate"/);
  });

  it('treats "gd" as full-batch and refuses a mini-batch size with it', () => {
    const gd = parseRunConfig(withField('training', { optimizer: 'gd', learningRate: 0.01, epochs: 3 }));
    expect(gd.ok && gd.value.training.batchSize).toBe('full');
    const bad = parseRunConfig(
      withField('training', { optimizer: 'gd', learningRate: 0.01, epochs: 3, batchSize: 10 }),
    );
    expect(!bad.ok && bad.error).toMatch(/training\.batchSize: optimizer "gd" is full-batch/);
  });

  it('parses a model-only config for summaries (E9)', () => {
    const e9 = modelOnlyConfigSchema.safeParse({
      model: { kind: 'mlp', hiddenUnits: [1024, 512], inputSize: 30, outputSize: 1 },
    });
    expect(e9.success).toBe(true);
  });
});
