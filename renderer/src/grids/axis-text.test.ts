import { describe, expect, it } from 'vitest';
import { formatAxisValues, parseAxisValues } from './axis-text';

describe('axis value text', () => {
  const cases: { path: string; text: string; values: unknown[] }[] = [
    { path: 'regularization.l2', text: '0.01, 0.1, 0.5', values: [0.01, 0.1, 0.5] },
    { path: 'training.learningRate', text: '1e-4,1e-3 , 0.01', values: [1e-4, 1e-3, 0.01] },
    { path: 'training.optimizer', text: 'sgd, momentum, adam', values: ['sgd', 'momentum', 'adam'] },
    { path: 'training.optimizer', text: '"sgd", "adam"', values: ['sgd', 'adam'] },
    { path: 'training.batchSize', text: '32, full', values: [32, 'full'] },
    { path: 'model.hiddenUnits', text: '[100],[500]', values: [[100], [500]] },
    { path: 'model.hiddenUnits', text: '[100], [500, 500]', values: [[100], [500, 500]] },
    { path: 'model.hiddenUnits', text: '100; 500', values: [[100], [500]] },
    { path: 'model.hiddenUnits', text: '100; 500 500; 1000×1000', values: [[100], [500, 500], [1000, 1000]] },
    { path: 'model.hiddenUnits', text: '4, 16', values: [[4], [16]] },
    { path: 'seed', text: '1; 2; 3', values: [1, 2, 3] },
    { path: 'regularization.l2', text: '0.1, abc', values: [0.1, 'abc'] },
    { path: 'regularization.l2', text: '   ', values: [] },
    // Too large for a number: kept as typed, so the check names it rather than seeing null.
    { path: 'training.learningRate', text: '0.1, 1e999', values: [0.1, '1e999'] },
  ];
  for (const c of cases) {
    it(`reads ${c.path} "${c.text}"`, () => {
      expect(parseAxisValues(c.text, c.path)).toEqual(c.values);
    });
  }

  it('writes values back as text that reads back to the same values', () => {
    const round: { path: string; values: unknown[]; text: string }[] = [
      { path: 'regularization.l2', values: [0.01, 0.1, 0.5], text: '0.01, 0.1, 0.5' },
      { path: 'training.learningRate', values: [1e-7, 0.001], text: '1e-7, 0.001' },
      { path: 'training.optimizer', values: ['sgd', 'adam'], text: 'sgd, adam' },
      { path: 'model.hiddenUnits', values: [[100], [500, 500]], text: '100; 500 500' },
      { path: 'training.optimizer', values: ['1e-3', 'a,b'], text: '"1e-3", "a,b"' },
    ];
    for (const r of round) {
      expect(formatAxisValues(r.values, r.path)).toBe(r.text);
      expect(parseAxisValues(r.text, r.path)).toEqual(r.values);
    }
  });
});
