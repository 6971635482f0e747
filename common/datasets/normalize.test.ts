import { describe, expect, it } from 'vitest';
import { applyNormalization, fitNormalization } from './normalize';

// Four examples of two features. Rows 0 and 1 train; rows 2 and 3 are far off, so any leak into the
// statistics shows.
const x = new Float32Array(
  [
    [2, 10],
    [4, 10],
    [100, 500],
    [300, -700],
  ].flat(),
);
const train = Int32Array.from([0, 1]);
const all = Int32Array.from([0, 1, 2, 3]);

describe('normalisation', () => {
  it('"none" leaves values alone and "scale" divides by scaleMax', () => {
    expect(Array.from(applyNormalization(fitNormalization('none', x, 2, train, 255), x, all))).toEqual(
      Array.from(x),
    );
    const scaled = applyNormalization(fitNormalization('scale', x, 2, train, 4), x, Int32Array.from([1, 0]));
    expect(Array.from(scaled)).toEqual([1, 2.5, 0.5, 2.5]);
  });

  it('"center" scales, then subtracts the training mean of each feature', () => {
    const t = fitNormalization('center', x, 2, train, 2);
    expect(Array.from(t.offset)).toEqual([3, 10]);
    const out = applyNormalization(t, x, all);
    // (x − mean_train) / 2: training rows average to zero, the others do not.
    expect(Array.from(out)).toEqual([-0.5, 0, 0.5, 0, 48.5, 245, 148.5, -355]);
  });

  it('"standardize" uses the training mean and standard deviation, and divisor 1 for a constant feature', () => {
    const t = fitNormalization('standardize', x, 2, train, 255);
    expect(Array.from(t.offset)).toEqual([3, 10]);
    // Feature 0: population std of {2, 4} is 1. Feature 1 is constant (10) in training.
    expect(Array.from(t.divisor)).toEqual([1, 1]);
    expect(Array.from(applyNormalization(t, x, train))).toEqual([-1, 0, 1, 0]);
    expect(Array.from(applyNormalization(t, x, Int32Array.from([3])))).toEqual([297, -710]);
  });

  it('gives training data mean 0 and standard deviation 1 under "standardize"', () => {
    const rows = 500;
    const data = Float32Array.from(
      { length: rows * 3 },
      (_, i) => Math.sin(i * 12.9898) * 43758.5453 * (1 + (i % 3)),
    );
    const trainRows = Int32Array.from({ length: 400 }, (_, i) => i);
    const out = applyNormalization(fitNormalization('standardize', data, 3, trainRows, 1), data, trainRows);
    for (let j = 0; j < 3; j++) {
      let sum = 0;
      let squares = 0;
      for (let r = 0; r < 400; r++) sum += out[r * 3 + j];
      for (let r = 0; r < 400; r++) squares += (out[r * 3 + j] - sum / 400) ** 2;
      expect(Math.abs(sum / 400)).toBeLessThan(1e-5);
      expect(Math.sqrt(squares / 400)).toBeCloseTo(1, 5);
    }
  });

  it('needs training examples for statistics', () => {
    expect(() => fitNormalization('standardize', x, 2, new Int32Array(), 1)).toThrow(
      'at least one training example',
    );
    expect(() => fitNormalization('scale', x, 2, new Int32Array(), 0)).toThrow('positive scale maximum');
  });
});
