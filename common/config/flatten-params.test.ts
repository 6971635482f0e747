import { describe, expect, it } from 'vitest';
import { runConfigSchema } from './run-config';
import { flattenParams } from './flatten-params';

describe('flattenParams', () => {
  it('flattens nested objects into dotted keys with numeric values where numeric', () => {
    expect(flattenParams({ training: { learningRate: 0.1, optimizer: 'sgd', shuffle: true } })).toEqual([
      { key: 'training.learningRate', text: '0.1', num: 0.1 },
      { key: 'training.optimizer', text: 'sgd', num: null },
      { key: 'training.shuffle', text: 'true', num: null },
    ]);
  });

  it('keeps arrays whole as JSON text and also lists each element', () => {
    expect(flattenParams({ model: { hiddenUnits: [1000, 500] } })).toEqual([
      { key: 'model.hiddenUnits', text: '[1000,500]', num: null },
      { key: 'model.hiddenUnits.0', text: '1000', num: 1000 },
      { key: 'model.hiddenUnits.1', text: '500', num: 500 },
    ]);
  });

  it('expands objects inside arrays and skips undefined, keeps null as text', () => {
    expect(flattenParams({ a: [{ b: 1 }], c: undefined, d: null })).toEqual([
      { key: 'a', text: '[{"b":1}]', num: null },
      { key: 'a.0.b', text: '1', num: 1 },
      { key: 'd', text: 'null', num: null },
    ]);
  });

  it('gives non-finite numbers no numeric value', () => {
    expect(flattenParams({ x: Number.POSITIVE_INFINITY })).toEqual([
      { key: 'x', text: 'Infinity', num: null },
    ]);
  });

  it('flattens a resolved run config, defaults and transformed fields included', () => {
    const config = runConfigSchema.parse({
      name: 'r',
      seed: 1,
      dataset: { id: 'mnist', split: { train: 100 } },
      model: { kind: 'mlp', hiddenUnits: [1000] },
      training: { optimizer: 'adam', learningRate: 0.001, batchSize: 32, epochs: 3 },
      regularization: { l2: 0.06, dropout: { keep: 0.5 } },
    });
    const byKey = new Map(flattenParams(config).map((p) => [p.key, p]));
    expect(byKey.get('model.hiddenUnits')).toEqual({ key: 'model.hiddenUnits', text: '[1000]', num: null });
    expect(byKey.get('model.hiddenUnits.0')?.num).toBe(1000);
    expect(byKey.get('regularization.l2')?.num).toBe(0.06);
    expect(byKey.get('regularization.dropout.rate')?.num).toBe(0.5);
    expect(byKey.get('regularization.dropout.convention')?.text).toBe('keep');
    expect(byKey.get('training.beta2')?.num).toBe(0.999);
    expect(byKey.get('dataset.split.train')?.num).toBe(100);
    expect(byKey.get('tags')?.text).toBe('[]');
    expect(byKey.has('description')).toBe(false);
  });
});
