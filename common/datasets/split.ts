import type { SplitConfig } from '../config/run-config';
import { UserInputError } from '../errors';
import { createRng, permutation } from '../random';

/** Example indices into the dataset, per split. */
export interface SplitIndices {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

/** A split the dataset cannot satisfy: the config is at fault. */
export class SplitError extends UserInputError {}

interface PartCounts {
  train: number;
  validation: number;
  test: number;
}

/** Tolerance for fractions that are meant to add up to exactly 1 (0.7 + 0.2 + 0.1 is 0.9999999999999999). */
const FRACTION_EPSILON = 1e-9;

/**
 * Which examples go to train, validation and test.
 *
 * The pool is every example outside the official test part (all of them unless split.test is "official"); it is
 * shuffled once with shuffleSeed and cut in order: train first, then validation, then (unless official) test.
 * So the notMNIST protocol "shuffle all 18 724 with seed 421, then 10 000 / 6 000 / 2 724" is
 * computeSplit(18724, 0, { train: 10000, validation: 6000, test: 2724 }, 421).
 *
 * Parts are counts, or fractions of the pool when every numeric part is ≤ 1. The official test part is the last
 * officialTest examples of the dataset, kept in dataset order.
 */
export function computeSplit(
  totalExamples: number,
  officialTest: number,
  split: SplitConfig,
  shuffleSeed: number,
): SplitIndices {
  if (!Number.isInteger(totalExamples) || totalExamples < 0) {
    throw new SplitError(`the dataset size must be a whole number ≥ 0, got ${totalExamples}`);
  }
  if (!Number.isInteger(officialTest) || officialTest < 0 || officialTest > totalExamples) {
    throw new SplitError(
      `the official test part (${officialTest}) must be a whole number in [0, ${totalExamples}]`,
    );
  }
  const useOfficialTest = split.test === 'official';
  if (useOfficialTest && officialTest === 0) {
    throw new SplitError(
      'split.test is "official" but this dataset has no official test part: give a count or a fraction instead',
    );
  }
  const poolSize = useOfficialTest ? totalExamples - officialTest : totalExamples;
  const counts = resolveCounts(split, poolSize, useOfficialTest ? officialTest : undefined);

  const order = permutation(poolSize, createRng(shuffleSeed));
  const train = order.slice(0, counts.train);
  const validation = order.slice(counts.train, counts.train + counts.validation);
  let test: Int32Array;
  if (useOfficialTest) {
    test = new Int32Array(officialTest);
    for (let i = 0; i < officialTest; i++) test[i] = poolSize + i;
  } else {
    const start = counts.train + counts.validation;
    test = order.slice(start, start + counts.test);
  }
  return { train, validation, test };
}

function resolveCounts(split: SplitConfig, poolSize: number, officialTest: number | undefined): PartCounts {
  const parts: [keyof PartCounts, number][] = [
    ['train', split.train],
    ['validation', split.validation],
  ];
  if (split.test !== 'official') parts.push(['test', split.test]);
  for (const [name, value] of parts) {
    if (!Number.isFinite(value) || value < 0) {
      throw new SplitError(`split.${name} must be a count ≥ 0 or a fraction in [0, 1], got ${value}`);
    }
  }

  const counts = parts.every(([, value]) => value <= 1)
    ? countsFromFractions(parts, poolSize)
    : countsFromWholeNumbers(parts);

  const requested = counts.train + counts.validation + counts.test;
  if (requested > poolSize) {
    const sum = parts.map(([name]) => counts[name]).join(' + ');
    throw new SplitError(
      officialTest === undefined
        ? `split asks for ${sum} = ${requested} examples but the dataset has ${poolSize}`
        : `split asks for ${sum} = ${requested} training/validation examples but only ${poolSize} remain ` +
            `outside the official test part (${officialTest})`,
    );
  }
  if (counts.train === 0) {
    throw new SplitError(
      `split.train gives no training examples (train ${split.train} of ${poolSize}): at least one is needed`,
    );
  }
  return counts;
}

function countsFromWholeNumbers(parts: [keyof PartCounts, number][]): PartCounts {
  const counts: PartCounts = { train: 0, validation: 0, test: 0 };
  const countPart = parts.find(([, value]) => value > 1);
  for (const [name, value] of parts) {
    if (!Number.isInteger(value) && value > 1) {
      throw new SplitError(
        `split.${name} is ${value}: give a count of examples (a whole number) or a fraction in [0, 1]`,
      );
    }
    if (!Number.isInteger(value)) {
      throw new SplitError(
        `split.${name} is ${value}, a fraction, but split.${countPart?.[0]} is a count (${countPart?.[1]}): ` +
          'give every part as a count, or every part as a fraction ≤ 1',
      );
    }
    counts[name] = value;
  }
  return counts;
}

function countsFromFractions(parts: [keyof PartCounts, number][], poolSize: number): PartCounts {
  const total = parts.reduce((sum, [, value]) => sum + value, 0);
  if (total > 1 + FRACTION_EPSILON) {
    throw new SplitError(
      `split fractions add up to ${+total.toFixed(6)} (${parts.map(([n, v]) => `${n} ${v}`).join(', ')}): ` +
        'they must not exceed 1',
    );
  }
  const counts: PartCounts = { train: 0, validation: 0, test: 0 };
  for (const [name, value] of parts) counts[name] = Math.round(value * poolSize);
  // Fractions that cover the whole pool should use all of it, whatever the rounding did.
  if (Math.abs(total - 1) <= FRACTION_EPSILON) {
    counts.train = Math.max(0, poolSize - counts.validation - counts.test);
  }
  // Rounding three parts up can overshoot the pool by an example or two; training gives them back.
  const overshoot = counts.train + counts.validation + counts.test - poolSize;
  if (overshoot > 0) counts.train = Math.max(0, counts.train - overshoot);
  return counts;
}
