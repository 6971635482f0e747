import { describe, expect, it } from 'vitest';
import { UserInputError } from '../errors';
import { parseSmoothing, smoothSeries, type Smoothing } from './smoothing';

function expectClose(actual: (number | null)[], expected: (number | null)[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => {
    if (expected[i] === null) expect(v, `index ${i}`).toBeNull();
    else expect(v, `index ${i}`).toBeCloseTo(expected[i] as number, 12);
  });
}

describe('smoothSeries', () => {
  const table: Array<[string, (number | null)[], Smoothing, (number | null)[]]> = [
    ['none keeps values', [3, null, 1], { kind: 'none' }, [3, null, 1]],
    // Debiased EMA, w = 0.5: s1 = 0.5·1 / (1 − 0.5) = 1; s2 = (0.25 + 1) / 0.75 = 5/3; s3 = (0.625 + 1.5) / 0.875.
    ['ema 0.5', [1, 2, 3], { kind: 'ema', weight: 0.5 }, [1, 5 / 3, 17 / 7]],
    [
      'ema skips nulls without resetting',
      [null, 1, null, 2],
      { kind: 'ema', weight: 0.5 },
      [null, 1, null, 5 / 3],
    ],
    ['ema weight 0 is the identity', [5, -1, 2], { kind: 'ema', weight: 0 }, [5, -1, 2]],
    [
      'ema of a constant is the constant (debiased)',
      [4, 4, 4, 4],
      { kind: 'ema', weight: 0.99 },
      [4, 4, 4, 4],
    ],
    ['ma window 2', [1, 2, null, 4, 6], { kind: 'moving-average', window: 2 }, [1, 1.5, null, 3, 5]],
    ['ma window 3 is trailing', [3, 6, 9, 0], { kind: 'moving-average', window: 3 }, [3, 4.5, 6, 5]],
    ['ma window 1 is the identity', [2, null, 7], { kind: 'moving-average', window: 1 }, [2, null, 7]],
    ['all null', [null, null], { kind: 'ema', weight: 0.6 }, [null, null]],
    ['empty', [], { kind: 'moving-average', window: 5 }, []],
  ];
  for (const [name, values, smoothing, expected] of table) {
    it(name, () => expectClose(smoothSeries(values, smoothing), expected));
  }

  it('treats non-finite values as gaps so that one NaN does not blank the rest', () => {
    expectClose(smoothSeries([1, Number.NaN, 3], { kind: 'moving-average', window: 2 }), [1, null, 2]);
    expectClose(smoothSeries([2, Infinity, 2], { kind: 'ema', weight: 0.6 }), [2, null, 2]);
    expect(smoothSeries([Number.NaN], { kind: 'none' })).toEqual([null]);
  });

  it('does not modify its input', () => {
    const values = [1, null, 3];
    smoothSeries(values, { kind: 'ema', weight: 0.9 });
    expect(values).toEqual([1, null, 3]);
  });

  it('rejects weights outside [0, 1) and windows that are not integers ≥ 1, naming the field', () => {
    for (const weight of [1, -0.1, Number.NaN, 2]) {
      expect(() => smoothSeries([1], { kind: 'ema', weight })).toThrow(
        /smoothing\.weight: expected .*\[0, 1\)/,
      );
    }
    for (const window of [0, 1.5, -2]) {
      expect(() => smoothSeries([1], { kind: 'moving-average', window })).toThrow(/smoothing\.window/);
    }
    expect(() => smoothSeries([1], { kind: 'median' } as unknown as Smoothing)).toThrow(UserInputError);
  });
});

describe('parseSmoothing', () => {
  it('reads none, ema:W and ma:N', () => {
    expect(parseSmoothing('none')).toEqual({ kind: 'none' });
    expect(parseSmoothing('ema:0.6')).toEqual({ kind: 'ema', weight: 0.6 });
    expect(parseSmoothing(' ma:5 ')).toEqual({ kind: 'moving-average', window: 5 });
  });

  it('rejects anything else with the expected forms in the message', () => {
    expect(() => parseSmoothing('gaussian')).toThrow(/expected none, ema:WEIGHT .* ma:WINDOW/);
    expect(() => parseSmoothing('ema:')).toThrow(/smoothing/);
    expect(() => parseSmoothing('ema:abc')).toThrow(/number after "ema:"/);
    expect(() => parseSmoothing('ema:1')).toThrow(/smoothing\.weight/);
    expect(() => parseSmoothing('ma:0')).toThrow(/smoothing\.window/);
    expect(() => parseSmoothing('ma:2.5')).toThrow(/smoothing\.window/);
  });
});
