import type { RunConfig } from '../../common/config/run-config';
import { computeSplit } from '../../common/datasets/split';
import { UserInputError } from '../../common/errors';
import { missingSplitIssue } from '../../common/stopping/monitor';
import type { DatasetInfo } from '../../common/types';
import { findDataset, listDatasets, type ImportedDatasetStore } from '../datasets/catalog';

/**
 * Checks a parsed config against the dataset it names, before anything is written: the dataset exists,
 * the split fits, the model's declared sizes match the data.
 */
export function preflightRun(config: RunConfig, store: ImportedDatasetStore, cacheDir: string): DatasetInfo {
  const dataset = findDataset(config.dataset.id, store, { cacheDir });
  if (!dataset) {
    const datasets = listDatasets(store, { cacheDir });
    throw new UserInputError(
      `dataset.id: unknown dataset "${config.dataset.id}": it is not in this store (deleted, or imported into ` +
        `another); import it again, or pick one of ${datasets.map((d) => d.id).join(', ')}`,
    );
  }
  let split: ReturnType<typeof computeSplit>;
  try {
    split = computeSplit(
      dataset.examples,
      dataset.officialTest,
      config.dataset.split,
      config.dataset.shuffleSeed,
    );
  } catch (err) {
    throw new UserInputError(`dataset.split: ${(err as Error).message}`);
  }
  // A mini-batch larger than the training split is one full batch under another name: training would run
  // as full-batch while the config and the runs table claim otherwise (a typo of 100 000 000 looked fine).
  const batchSize = config.training.batchSize;
  const trainExamples = split.train.length;
  if (typeof batchSize === 'number' && batchSize > trainExamples) {
    throw new UserInputError(
      `training.batchSize: ${formatCount(batchSize)} is larger than the training split ` +
        `(${formatCount(trainExamples)} examples); use "full" for full-batch training, or at most ` +
        `${formatCount(trainExamples)}`,
    );
  }
  const stopping = config.training.earlyStopping;
  const unlogged =
    stopping &&
    missingSplitIssue(stopping.monitor, {
      train: split.train.length,
      validation: split.validation.length,
      test: split.test.length,
    });
  if (unlogged) throw new UserInputError(`training.earlyStopping.monitor: ${unlogged}`);
  const features = dataset.shape.reduce((a, b) => a * b, 1);
  const model = config.model;
  if (model.outputSize !== undefined && model.outputSize !== dataset.classes) {
    throw new UserInputError(
      `model.outputSize: ${model.outputSize} does not match the ${dataset.classes} classes of "${dataset.id}"`,
    );
  }
  if (model.kind === 'mlp' && model.inputSize !== undefined && model.inputSize !== features) {
    throw new UserInputError(
      `model.inputSize: ${model.inputSize} does not match the ${features} features of "${dataset.id}"`,
    );
  }
  if (model.kind === 'cnn') {
    if (dataset.shape.length !== 3) {
      throw new UserInputError(
        `model.kind: a CNN needs images (height × width × channels), but "${dataset.id}" has examples of shape [${dataset.shape.join(', ')}]`,
      );
    }
    if (model.inputShape && model.inputShape.join('x') !== dataset.shape.join('x')) {
      throw new UserInputError(
        `model.inputShape: [${model.inputShape.join(', ')}] does not match "${dataset.id}" [${dataset.shape.join(', ')}]`,
      );
    }
  }
  return dataset;
}

/** 10 000: spaced thousands, as the README and the presets' descriptions write counts. */
function formatCount(n: number): string {
  return n.toLocaleString('en-US').replace(/,/g, ' ');
}
