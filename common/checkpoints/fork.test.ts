import { describe, expect, it } from 'vitest';
import { changedPaths, parseSetting, tensorChangingPaths, withSetting } from './fork';

const parent = {
  name: 'p',
  seed: 1,
  model: { kind: 'mlp', hiddenUnits: [100], activation: 'relu' },
  training: { optimizer: 'sgd', learningRate: 0.1, epochs: 20 },
  regularization: { l2: 0 },
};

describe('fork rules', () => {
  it('lists every changed field once, arrays as a whole', () => {
    const child = withSetting(withSetting(parent, 'training.learningRate', 0.01), 'model.hiddenUnits', [200]);
    expect(changedPaths(parent, child)).toEqual(['model.hiddenUnits', 'training.learningRate']);
    expect(changedPaths(parent, parent)).toEqual([]);
  });

  it('refuses model fields but the activation', () => {
    expect(
      tensorChangingPaths(['model.hiddenUnits', 'model.activation', 'training.epochs', 'model.kind']),
    ).toEqual(['model.hiddenUnits', 'model.kind']);
  });

  it('reads --set values as JSON, else as text', () => {
    expect(parseSetting('training.learningRate=1e-4')).toEqual({
      path: 'training.learningRate',
      value: 1e-4,
    });
    expect(parseSetting('training.optimizer=adam')).toEqual({ path: 'training.optimizer', value: 'adam' });
    expect(parseSetting('regularization.dropout={"keep":0.5}')).toEqual({
      path: 'regularization.dropout',
      value: { keep: 0.5 },
    });
    expect(() => parseSetting('learningRate')).toThrow('expected PATH=VALUE');
    expect(() => parseSetting('=3')).toThrow('expected PATH=VALUE');
  });

  it('sets nested fields, starts an optional group, and refuses a path through a value', () => {
    expect(withSetting(parent, 'regularization.dropout.keep', 0.5)).toMatchObject({
      regularization: { l2: 0, dropout: { keep: 0.5 } },
    });
    expect(() => withSetting(parent, 'training.learningRate.x', 1)).toThrow(
      'training.learningRate is not a group of fields',
    );
    expect(() => withSetting(parent, 'trainin.epochs', 1)).toThrow('trainin is not a group of fields');
    // The parent is left alone.
    expect(parent.training.learningRate).toBe(0.1);
  });
});
