import type { DatasetRef } from '../../common/config/run-config';
import { applyNormalization, fitNormalization, type FeatureTransform } from '../../common/datasets/normalize';
import { computeSplit } from '../../common/datasets/split';
import type { SplitArrays, TrainingData } from './types';
import type { LoadedDataset } from './types';

/**
 * The run's view of a dataset: split as the config says (shuffled with its seed), normalised with statistics from
 * the training split only, each split one contiguous Float32Array.
 */
export function prepareTrainingData(loaded: LoadedDataset, ref: DatasetRef): TrainingData {
  return prepareTrainingDataWithTransform(loaded, ref).data;
}

/** prepareTrainingData, plus the fitted normalisation (to show or record the statistics used). */
export function prepareTrainingDataWithTransform(
  loaded: LoadedDataset,
  ref: DatasetRef,
): { data: TrainingData; transform: FeatureTransform } {
  const { info, x, y } = loaded;
  const featureSize = info.shape.reduce((a, b) => a * b, 1);
  if (x.length !== y.length * featureSize) {
    throw new Error(
      `dataset "${info.id}": x has ${x.length} values, expected ${y.length} examples × ${featureSize} features`,
    );
  }
  const split = computeSplit(y.length, info.officialTest, ref.split, ref.shuffleSeed);
  const transform = fitNormalization(ref.normalization, x, featureSize, split.train, loaded.scaleMax);
  const part = (rows: Int32Array): SplitArrays => ({
    x: applyNormalization(transform, x, rows),
    y: rows.map((row) => y[row]),
    count: rows.length,
  });
  return {
    data: {
      train: part(split.train),
      validation: part(split.validation),
      test: part(split.test),
      featureShape: [...info.shape],
      classes: info.classes,
    },
    transform,
  };
}
