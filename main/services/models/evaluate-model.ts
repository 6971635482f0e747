import type { EpochChoice } from '../../../common/checkpoints/types';
import { applyNormalization } from '../../../common/datasets/normalize';
import { computeSplit } from '../../../common/datasets/split';
import { UserInputError } from '../../../common/errors';
import { buildEvaluation, classNamesOf } from '../../../common/model-eval/evaluation';
import type { EvaluationSplit, ModelEvaluation } from '../../../common/model-eval/types';
import type { DatasetInfo } from '../../../common/types';
import { loadDataset } from '../../datasets/catalog';
import { prepareTrainingDataWithTransform } from '../../datasets/prepare';
import type { LoadedDataset, SplitArrays } from '../../datasets/types';
import { chunkSizes } from '../../engine/training/chunk-sizes';
import { predictSplit } from '../../engine/training/evaluate';
import type { RunStore } from '../../store/run-store';
import { buildKeptModel, readKeptModel } from './kept-model';

export interface EvaluateModelOptions {
  /** Which kept checkpoint: default the best where it is kept, else the last. */
  epoch?: EpochChoice;
  /** One of the run's own splits: default validation, else test, else train (the first that is not empty). */
  split?: EvaluationSplit;
  /** Every example of this dataset instead (same example shape and class count as the run's). */
  datasetId?: string;
  /** How many of the mistakes (most confident first) carry their example as stored, for a gallery. */
  inputs?: number;
}

const SPLIT_ORDER: readonly EvaluationSplit[] = ['validation', 'test', 'train'];

const short = (id: string) => id.slice(0, 8);

function defaultChoice(store: RunStore, runIdOrPrefix: string): EpochChoice {
  const run = store.getRun(runIdOrPrefix);
  return run?.checkpoints.some((c) => c.kinds.includes('best')) ? 'best' : 'last';
}

function withoutTrailingOnes(shape: readonly number[]): number[] {
  const out = [...shape];
  while (out.length > 1 && out[out.length - 1] === 1) out.pop();
  return out;
}

const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;

function describeData(info: DatasetInfo): string {
  return `"${info.id}" (examples ${shapeText(info.shape)}, ${info.classes} classes)`;
}

/** The examples evaluated: normalised for the network, with the row of each in the dataset as stored. */
interface Evaluated {
  split: ModelEvaluation['split'];
  arrays: SplitArrays;
  /** Row in `source` of each evaluated example. */
  rows: ArrayLike<number>;
  source: LoadedDataset;
}

/**
 * A run's kept model on one of its splits or on every example of another dataset: loss (mean cross-entropy,
 * summed in float64 as the epochs log it), accuracy, confusion matrix, per-class metrics and its mistakes,
 * most confident first. The data is prepared exactly as training prepared it (same split, same normalisation
 * fitted on the run's own training split, applied to another dataset too), and the model runs on the split
 * in the same chunks as the epoch's evaluation, so on a kept epoch's own split the numbers are the ones that
 * epoch logged. Runs on the tfjs backend this process selected. Errors are one line (UserInputError): an
 * unknown run, an epoch without a checkpoint (naming those kept), an empty split, a dataset of another shape
 * or class count (naming both), a dataset changed since training.
 */
export function evaluateKeptModel(
  store: RunStore,
  cacheDir: string,
  runIdOrPrefix: string,
  options: EvaluateModelOptions = {},
): ModelEvaluation {
  if (options.split !== undefined && options.datasetId !== undefined) {
    throw new UserInputError('give a split of the run or another dataset, not both');
  }
  const kept = readKeptModel(store, runIdOrPrefix, options.epoch ?? defaultChoice(store, runIdOrPrefix));
  const { run, epoch } = kept;
  const ref = run.config.dataset;
  const own = loadDataset(ref.id, store, { cacheDir });
  if (own.info.fingerprint !== run.datasetFingerprint) {
    // The split and the normalisation come from the data: another file would not be what the run saw.
    throw new UserInputError(
      `run ${short(run.id)} cannot be evaluated: dataset "${run.datasetId}" has changed since it trained on it ` +
        `(fingerprint ${run.datasetFingerprint.slice(0, 12)} then, ${own.info.fingerprint.slice(0, 12)} now)`,
    );
  }
  // The same function training ran: the same split, and statistics fitted on the same training examples.
  const { data, transform } = prepareTrainingDataWithTransform(own, ref);

  let evaluated: Evaluated;
  if (options.datasetId !== undefined) {
    const other =
      options.datasetId === own.info.id ? own : loadDataset(options.datasetId, store, { cacheDir });
    // [28, 28] and [28, 28, 1] hold the same values in the same order: one channel is no dimension.
    const [a, b] = [withoutTrailingOnes(other.info.shape), withoutTrailingOnes(own.info.shape)];
    const sameShape = a.length === b.length && a.every((d, i) => d === b[i]);
    if (!sameShape || other.info.classes !== own.info.classes) {
      throw new UserInputError(
        `run ${short(run.id)} cannot be evaluated on dataset ${describeData(other.info)}: it was trained on ${describeData(own.info)}`,
      );
    }
    const rows = Int32Array.from({ length: other.y.length }, (_, i) => i);
    evaluated = {
      split: `dataset:${other.info.id}`,
      arrays: { x: applyNormalization(transform, other.x, rows), y: other.y, count: other.y.length },
      rows,
      source: other,
    };
  } else {
    const name = options.split ?? SPLIT_ORDER.find((s) => data[s].count > 0) ?? 'validation';
    if (data[name].count === 0) {
      const counts = SPLIT_ORDER.map((s) => `${s} ${data[s].count}`).join(', ');
      throw new UserInputError(
        `run ${short(run.id)} has no ${name} examples to evaluate on (its split: ${counts})`,
      );
    }
    // Where each example of the split sits in the dataset: the same computeSplit prepare ran.
    const indices = computeSplit(own.y.length, own.info.officialTest, ref.split, ref.shuffleSeed)[name];
    evaluated = { split: name, arrays: data[name], rows: indices, source: own };
  }

  const model = buildKeptModel(kept, { featureShape: data.featureShape, classes: data.classes });
  try {
    const sizes = chunkSizes(run.config.model, model.inputShape, data.classes);
    const predictions = predictSplit(model, evaluated.arrays, sizes.evalRows);
    if (!predictions) throw new UserInputError(`${evaluated.split}: nothing to evaluate on`);
    const { source } = evaluated;
    const evaluation = buildEvaluation({
      runId: run.id,
      epoch,
      split: evaluated.split,
      loss: predictions.loss,
      labels: evaluated.arrays.y,
      predicted: predictions.predicted,
      confidence: predictions.confidence,
      classes: classNamesOf(source.info.classNames ? source.info : own.info),
      inputShape: source.info.shape,
    });
    const featureSize = source.info.shape.reduce((a, b) => a * b, 1);
    const withInputs = Math.max(0, Math.min(options.inputs ?? 0, evaluation.mistakes.length));
    for (const mistake of evaluation.mistakes.slice(0, withInputs)) {
      const row = evaluated.rows[mistake.index];
      mistake.input = Array.from(source.x.subarray(row * featureSize, (row + 1) * featureSize));
    }
    return evaluation;
  } finally {
    model.dispose();
  }
}
