import { describe, expect, it } from 'vitest';
import type { DatasetRef } from '../../common/config/run-config';
import { computeSplit } from '../../common/datasets/split';
import { loadBuiltinDataset } from './builtins';
import { prepareTrainingData, prepareTrainingDataWithTransform } from './prepare';
import type { LoadedDataset } from './types';

function syntheticImages(examples: number, officialTest: number): LoadedDataset {
  const x = Uint8Array.from({ length: examples * 4 }, (_, i) => (i * 7) % 256);
  const y = Int32Array.from({ length: examples }, (_, i) => i % 2);
  return {
    x,
    y,
    scaleMax: 255,
    info: {
      id: 'tiny',
      name: 'tiny',
      source: 'imported',
      shape: [2, 2, 1],
      classes: 2,
      examples,
      officialTest,
      fingerprint: 'f',
    },
  };
}

describe('prepareTrainingData', () => {
  it('splits Iris and standardises with training statistics only', () => {
    const iris = loadBuiltinDataset('iris');
    const ref: DatasetRef = {
      id: 'iris',
      split: { train: 100, validation: 20, test: 30 },
      shuffleSeed: 5,
      normalization: 'standardize',
    };
    const { data, transform } = prepareTrainingDataWithTransform(iris, ref);
    expect([data.train.count, data.validation.count, data.test.count]).toEqual([100, 20, 30]);
    expect(data.featureShape).toEqual([4]);
    expect(data.classes).toBe(3);

    const split = computeSplit(150, 0, ref.split, ref.shuffleSeed);
    expect(Array.from(data.test.y)).toEqual(Array.from(split.test, (i) => iris.y[i]));
    // The offsets are the raw training means, so the normalised training features average to 0 with std 1.
    for (let j = 0; j < 4; j++) {
      let mean = 0;
      for (const i of split.train) mean += iris.x[i * 4 + j] / 100;
      expect(transform.offset[j]).toBeCloseTo(mean, 5);
      const column = Array.from({ length: 100 }, (_, r) => data.train.x[r * 4 + j]);
      const m = column.reduce((a, b) => a + b, 0) / 100;
      const sd = Math.sqrt(column.reduce((a, b) => a + (b - m) ** 2, 0) / 100);
      expect(Math.abs(m)).toBeLessThan(1e-5);
      expect(sd).toBeCloseTo(1, 4);
    }
  });

  it('scales 8-bit data by 255 and keeps the official test part in order', () => {
    const loaded = syntheticImages(20, 5);
    const data = prepareTrainingData(loaded, {
      id: 'tiny',
      split: { train: 10, validation: 5, test: 'official' },
      shuffleSeed: 0,
      normalization: 'scale',
    });
    expect(data.test.count).toBe(5);
    expect(Array.from(data.test.y)).toEqual([1, 0, 1, 0, 1]);
    expect(Array.from(data.test.x)).toEqual(
      Array.from(loaded.x.subarray(15 * 4), (v) => Math.fround(v / 255)),
    );
    expect(data.train.x).toBeInstanceOf(Float32Array);
    expect(data.train.x.length).toBe(40);
  });
});
