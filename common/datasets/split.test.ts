import { describe, expect, it } from 'vitest';
import { computeSplit, SplitError, type SplitIndices } from './split';

/** Every index within [0, poolSize) and used at most once across the three parts. */
function expectDisjointWithin(split: SplitIndices, poolSize: number): void {
  const seen = new Uint8Array(poolSize);
  const problems: string[] = [];
  for (const part of [split.train, split.validation, split.test]) {
    for (const i of part) {
      if (i < 0 || i >= poolSize) problems.push(`index ${i} outside [0, ${poolSize})`);
      else if (seen[i]++) problems.push(`index ${i} used twice`);
    }
  }
  expect(problems.slice(0, 5)).toEqual([]);
}

describe('computeSplit', () => {
  it('follows the notMNIST protocol: shuffle all 18 724 with seed 421, then 10 000 / 6 000 / 2 724', () => {
    const split = computeSplit(18724, 0, { train: 10000, validation: 6000, test: 2724 }, 421);
    expect([split.train.length, split.validation.length, split.test.length]).toEqual([10000, 6000, 2724]);
    expectDisjointWithin(split, 18724);
    // Shuffled, not the first 10 000 in file order.
    expect(Math.max(...split.train)).toBeGreaterThan(10000);

    const again = computeSplit(18724, 0, { train: 10000, validation: 6000, test: 2724 }, 421);
    expect(again).toEqual(split);
    const otherSeed = computeSplit(18724, 0, { train: 10000, validation: 6000, test: 2724 }, 422);
    expect(otherSeed.train).not.toEqual(split.train);
  });

  it('takes the official test part as the last examples and draws train/validation from the rest', () => {
    const split = computeSplit(70000, 10000, { train: 50000, validation: 10000, test: 'official' }, 7);
    expect(split.test).toEqual(Int32Array.from({ length: 10000 }, (_, i) => 60000 + i));
    expect(split.train.length).toBe(50000);
    expect(split.validation.length).toBe(10000);
    expectDisjointWithin({ ...split, test: new Int32Array() }, 60000);
  });

  it('refuses "official" for a dataset that has no official test part', () => {
    expect(() => computeSplit(150, 0, { train: 100, validation: 0, test: 'official' }, 1)).toThrow(
      'split.test is "official" but this dataset has no official test part',
    );
  });

  it('reads parts that are all ≤ 1 as fractions of the pool', () => {
    const split = computeSplit(150, 0, { train: 0.8, validation: 0, test: 0.2 }, 3);
    expect([split.train.length, split.validation.length, split.test.length]).toEqual([120, 0, 30]);
    // 0.7 + 0.2 + 0.1 is 0.9999999999999999 in floating point, and still means "all of it".
    const all = computeSplit(151, 0, { train: 0.7, validation: 0.2, test: 0.1 }, 3);
    expect(all.train.length + all.validation.length + all.test.length).toBe(151);
    expectDisjointWithin(all, 151);
    const official = computeSplit(70000, 10000, { train: 0.9, validation: 0.1, test: 'official' }, 3);
    expect([official.train.length, official.validation.length]).toEqual([54000, 6000]);
  });

  it('names the counts when a split asks for more examples than exist', () => {
    expect(() => computeSplit(18724, 0, { train: 10000, validation: 6000, test: 3000 }, 421)).toThrow(
      'split asks for 10000 + 6000 + 3000 = 19000 examples but the dataset has 18724',
    );
    expect(() =>
      computeSplit(70000, 10000, { train: 55000, validation: 10000, test: 'official' }, 1),
    ).toThrow(
      'split asks for 55000 + 10000 = 65000 training/validation examples but only 60000 remain outside ' +
        'the official test part (10000)',
    );
    expect(() => computeSplit(100, 0, { train: 0.8, validation: 0.3, test: 0 }, 1)).toThrow(SplitError);
  });

  it('rejects mixed counts and fractions, and an empty training split', () => {
    expect(() => computeSplit(60000, 0, { train: 50000, validation: 0.1, test: 0 }, 1)).toThrow(
      'split.validation is 0.1, a fraction, but split.train is a count (50000)',
    );
    expect(() => computeSplit(100, 0, { train: 0, validation: 50, test: 50 }, 1)).toThrow(
      'no training examples',
    );
  });

  it('says a part such as 1.5 is neither a count nor a fraction, without naming it twice', () => {
    expect(() => computeSplit(150, 0, { train: 1.5, validation: 0, test: 0 }, 1)).toThrow(
      /^split\.train is 1\.5: give a count of examples \(a whole number\) or a fraction in \[0, 1\]$/,
    );
    expect(() => computeSplit(150, 0, { train: 100, validation: 20.5, test: 0 }, 1)).toThrow(
      /^split\.validation is 20\.5: give a count/,
    );
  });
});
