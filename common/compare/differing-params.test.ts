import { describe, expect, it } from 'vitest';
import e3Hidden100 from '../../resources/presets/e3-mlp-hidden-100.json';
import e3Hidden500 from '../../resources/presets/e3-mlp-hidden-500.json';
import e5L2Point1 from '../../resources/presets/e5-cnn-l2-0.1.json';
import e5L2Point5 from '../../resources/presets/e5-cnn-l2-0.5.json';
import e6Keep05 from '../../resources/presets/e6-cnn-dropout-keep-0.5.json';
import e7Gd from '../../resources/presets/e7-iris-gd.json';
import e7Nesterov from '../../resources/presets/e7-iris-nesterov.json';
import { runConfigSchema, type RunConfig } from '../config/run-config';
import { ABSENT_VALUE, differingParams, legendLabels, type CompareRun } from './differing-params';

function run(id: string, preset: unknown, change: (c: RunConfig) => void = () => {}): CompareRun {
  const config = runConfigSchema.parse(preset);
  change(config);
  return { id, name: config.name, config };
}

describe('differingParams', () => {
  it('finds the one hyperparameter E5 varies, ignoring name and description', () => {
    const diffs = differingParams([run('a', e5L2Point1), run('b', e5L2Point5)]);
    expect(diffs).toEqual([{ key: 'regularization.l2', label: 'λ (L2)', values: { a: '0.1', b: '0.5' } }]);
  });

  it('compares arrays whole and leaves their elements out', () => {
    const diffs = differingParams([run('a', e3Hidden100), run('b', e3Hidden500)]);
    expect(diffs).toEqual([
      { key: 'model.hiddenUnits', label: 'hidden units', values: { a: '[100]', b: '[500]' } },
    ]);
  });

  it('lists a field one run lacks as absent, and dropout once (not as keep, rate and convention)', () => {
    const diffs = differingParams([run('l2', e5L2Point1), run('drop', e6Keep05)]);
    expect(diffs.map((d) => [d.key, d.label, d.values])).toEqual([
      ['regularization.l2', 'λ (L2)', { l2: '0.1', drop: '0' }],
      ['regularization.dropout.keep', 'dropout keep p', { l2: ABSENT_VALUE, drop: '0.5' }],
    ]);
  });

  it('finds the optimizer of E7 and nothing else (the defaults it fills are equal)', () => {
    const diffs = differingParams([run('gd', e7Gd), run('nag', e7Nesterov)]);
    expect(diffs).toEqual([
      { key: 'training.optimizer', label: 'optimizer', values: { gd: 'gd', nag: 'nesterov' } },
    ]);
  });

  it('orders what people vary most first and labels every key', () => {
    const base = run('a', e5L2Point1);
    const other = run('b', e5L2Point1, (c) => {
      c.seed = 7;
      c.training.batchSize = 64;
      c.training.learningRate = 0.001;
      c.model = { ...c.model, filters: 16 } as RunConfig['model'];
      c.tags = ['sweep'];
      c.experiment = 'Other';
    });
    const diffs = differingParams([base, other]);
    expect(diffs.map((d) => d.key)).toEqual([
      'training.learningRate',
      'training.batchSize',
      'seed',
      'model.filters',
    ]);
    expect(diffs.map((d) => d.label)).toEqual(['lr', 'batch size', 'seed', 'filters']);
  });

  it('lists a setting that is a value in one run and an object in another once, compared whole', () => {
    const xavier = run('x', e7Gd, (c) => {
      c.model = { ...c.model, init: 'xavier' } as RunConfig['model'];
    });
    const diffs = differingParams([xavier, run('n', e7Gd)]);
    expect(diffs.map((d) => [d.key, d.label, d.values])).toEqual([
      ['model.init', 'init', { x: 'xavier', n: 'normal (mean 0, std 0.1)' }],
    ]);
    // Every label appears once: a table of differences never names one setting twice.
    const all = differingParams([xavier, run('n', e7Gd), run('a', e5L2Point1)]);
    expect(new Set(all.map((d) => d.label)).size).toBe(all.length);
  });

  it('finds nothing between identical configs, or for a single run', () => {
    expect(differingParams([run('a', e5L2Point1), run('b', e5L2Point1)])).toEqual([]);
    expect(differingParams([run('a', e5L2Point1)])).toEqual([]);
    expect(differingParams([])).toEqual([]);
  });
});

describe('legendLabels', () => {
  it('adds the differing hyperparameters to each name', () => {
    expect(legendLabels([run('a', e5L2Point1), run('b', e6Keep05)])).toEqual({
      a: 'E5 CNN L2 0.1 · λ=0.1',
      b: 'E6 CNN dropout keep 0.5 · λ=0, keep p=0.5',
    });
  });

  it('does not repeat what a grid cell’s name already says', () => {
    const cell = (id: string, l2: number, seed: number) =>
      run(id, e5L2Point1, (c) => {
        c.name = `E5 L2 · λ=${l2} · seed=${seed}`;
        c.regularization.l2 = l2;
        c.seed = seed;
      });
    const labels = legendLabels([cell('a', 0.1, 1), cell('b', 0.5, 1), cell('c', 0.1, 2)]);
    expect(labels).toEqual({
      a: 'E5 L2 · λ=0.1 · seed=1',
      b: 'E5 L2 · λ=0.5 · seed=1',
      c: 'E5 L2 · λ=0.1 · seed=2',
    });
    // A differing param the name does not say is still added.
    const other = run('d', e5L2Point1, (c) => {
      c.name = 'E5 L2 · λ=0.1 · seed=1';
      c.regularization.l2 = 0.1;
      c.seed = 1;
      c.training.epochs = 3;
    });
    expect(legendLabels([cell('a', 0.1, 1), other])).toEqual({
      a: 'E5 L2 · λ=0.1 · seed=1 · epochs=50',
      d: 'E5 L2 · λ=0.1 · seed=1 · epochs=3',
    });
  });

  it('is just the name when nothing differs but the names', () => {
    const labels = legendLabels([
      run('a', e7Gd, (c) => (c.name = 'first')),
      run('b', e7Gd, (c) => (c.name = 'second')),
    ]);
    expect(labels).toEqual({ a: 'first', b: 'second' });
  });

  it('tells runs with the same name apart by their params, even beyond the first few', () => {
    const same = (id: string, l2: number, epochs: number) =>
      run(id, e5L2Point1, (c) => {
        c.name = 'sweep';
        c.regularization.l2 = l2;
        c.training.epochs = epochs;
        c.seed = 1;
      });
    const runs = [same('a', 0.1, 10), same('b', 0.1, 20), same('c', 0.2, 10)];
    // Three more params differ, so that `epochs` falls beyond the ones a label shows at first.
    runs[2].config.training.learningRate = 0.5;
    runs[2].config.training.batchSize = 7;
    runs[2].config.seed = 9;
    const labels = legendLabels(runs);
    expect(new Set(Object.values(labels)).size).toBe(3);
    expect(labels.a).toBe('sweep · λ=0.1, lr=0.0001, batch=32, epochs=10');
    expect(labels.b).toBe('sweep · λ=0.1, lr=0.0001, batch=32, epochs=20');
    expect(labels.c).toBe('sweep · λ=0.2, lr=0.5, batch=7');
  });

  it('appends the short id when the runs are the same in everything', () => {
    const a = run('0123456789abcdef', e7Gd);
    const b = run('fedcba9876543210', e7Gd);
    expect(legendLabels([a, b])).toEqual({
      [a.id]: 'E7 Iris GD [01234567]',
      [b.id]: 'E7 Iris GD [fedcba98]',
    });
  });

  it('uses the whole id when the short ids are equal too', () => {
    const a = run('01234567-aaaa', e7Gd);
    const b = run('01234567-bbbb', e7Gd);
    expect(legendLabels([a, b])).toEqual({
      [a.id]: 'E7 Iris GD [01234567-aaaa]',
      [b.id]: 'E7 Iris GD [01234567-bbbb]',
    });
  });
});
