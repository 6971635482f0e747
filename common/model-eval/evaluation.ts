import { UserInputError } from '../errors';
import type { ClassMetrics, Mistake, ModelEvaluation } from './types';

/**
 * What a kept model gets right and wrong, from its per-example predictions: the confusion matrix, precision,
 * recall and F1 per class, and its mistakes ranked by how sure it was. Pure: the engine computes the
 * predictions, this module only counts.
 */

/** Per-example predictions of a model on a split, in the split's order. */
export interface Predictions {
  labels: ArrayLike<number>;
  predicted: ArrayLike<number>;
  /** Softmax probability of the predicted class. */
  confidence: ArrayLike<number>;
}

function checkLengths(p: Predictions): number {
  const n = p.labels.length;
  if (p.predicted.length !== n || p.confidence.length !== n) {
    throw new Error(
      `predictions disagree in length: ${n} labels, ${p.predicted.length} predictions, ${p.confidence.length} confidences`,
    );
  }
  return n;
}

function checkClass(value: number, classes: number, what: string, row: number): void {
  if (!Number.isInteger(value) || value < 0 || value >= classes) {
    throw new Error(`${what} of example ${row} is ${value}, not a class in [0, ${classes})`);
  }
}

/** confusion[true][predicted] = count, classes × classes. */
export function confusionMatrix(
  labels: ArrayLike<number>,
  predicted: ArrayLike<number>,
  classes: number,
): number[][] {
  if (labels.length !== predicted.length) {
    throw new Error(`${labels.length} labels but ${predicted.length} predictions`);
  }
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) {
    checkClass(labels[i], classes, 'the label', i);
    checkClass(predicted[i], classes, 'the prediction', i);
    matrix[labels[i]][predicted[i]] += 1;
  }
  return matrix;
}

/**
 * Precision, recall, F1 and support of every class from a confusion matrix. Precision is null for a class
 * never predicted, recall for a class the split does not hold, F1 whenever either is; F1 is 0 where both are
 * 0 (the class is predicted and present, but never where it is).
 */
export function perClassMetrics(
  confusion: readonly (readonly number[])[],
  classes: readonly string[],
): ClassMetrics[] {
  if (confusion.length !== classes.length || confusion.some((row) => row.length !== classes.length)) {
    throw new Error(
      `a confusion matrix of ${classes.length} classes must be ${classes.length} × ${classes.length}`,
    );
  }
  return classes.map((name, c) => {
    const truePositives = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predictedAs = confusion.reduce((sum, row) => sum + row[c], 0);
    const precision = predictedAs === 0 ? null : truePositives / predictedAs;
    const recall = support === 0 ? null : truePositives / support;
    const f1 =
      precision === null || recall === null
        ? null
        : precision + recall === 0
          ? 0
          : (2 * precision * recall) / (precision + recall);
    return { class: name, precision, recall, f1, support };
  });
}

/** Confidence for ranking: NaN (a model that overflowed) ranks last. */
const rankOf = (confidence: number) => (Number.isNaN(confidence) ? -Infinity : confidence);

/** Every wrong prediction, most confident first; equal confidences in split order. */
export function rankMistakes(p: Predictions): Mistake[] {
  const n = checkLengths(p);
  const mistakes: Mistake[] = [];
  for (let i = 0; i < n; i++) {
    if (p.predicted[i] !== p.labels[i]) {
      mistakes.push({ index: i, label: p.labels[i], predicted: p.predicted[i], confidence: p.confidence[i] });
    }
  }
  return mistakes.sort((a, b) => rankOf(b.confidence) - rankOf(a.confidence) || a.index - b.index);
}

/** The dataset's class names, else "0" … "k−1". */
export function classNamesOf(info: { classes: number; classNames?: readonly string[] }): string[] {
  return info.classNames && info.classNames.length === info.classes
    ? [...info.classNames]
    : Array.from({ length: info.classes }, (_, i) => String(i));
}

/** Everything but the numbers only the engine knows (loss) and where the examples came from. */
export interface EvaluationInput extends Predictions {
  runId: string;
  epoch: number;
  split: ModelEvaluation['split'];
  /** Mean cross-entropy per example, as the engine summed it. */
  loss: number;
  classes: readonly string[];
  inputShape: readonly number[];
}

/**
 * The evaluation of a kept model from its predictions. Accuracy is counted here from the same predictions as
 * the confusion matrix, so the two always agree (and equal the engine's count).
 */
export function buildEvaluation(input: EvaluationInput): ModelEvaluation {
  const n = checkLengths(input);
  const confusion = confusionMatrix(input.labels, input.predicted, input.classes.length);
  const correct = confusion.reduce((sum, row, c) => sum + row[c], 0);
  return {
    runId: input.runId,
    epoch: input.epoch,
    split: input.split,
    examples: n,
    loss: input.loss,
    accuracy: n === 0 ? 0 : correct / n,
    confusion,
    classes: [...input.classes],
    perClass: perClassMetrics(confusion, input.classes),
    mistakes: rankMistakes(input),
    inputShape: [...input.inputShape],
  };
}

/** Each row divided by its sum (the share of that true class predicted as each); an empty row stays 0. */
export function rowNormalised(confusion: readonly (readonly number[])[]): number[][] {
  return confusion.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((v) => (total === 0 ? 0 : v / total));
  });
}

/**
 * B − A, cell by cell: where model B puts more (positive) or fewer (negative) examples than model A. Both
 * must be over the same classes (names and order); refused otherwise, naming both.
 */
export function confusionDifference(
  a: Pick<ModelEvaluation, 'confusion' | 'classes'>,
  b: Pick<ModelEvaluation, 'confusion' | 'classes'>,
  normalise = false,
): number[][] {
  if (a.classes.length !== b.classes.length || a.classes.some((c, i) => c !== b.classes[i])) {
    throw new UserInputError(
      `the two models predict different classes: ${a.classes.join(', ')} and ${b.classes.join(', ')}`,
    );
  }
  const ma = normalise ? rowNormalised(a.confusion) : a.confusion;
  const mb = normalise ? rowNormalised(b.confusion) : b.confusion;
  return mb.map((row, i) => row.map((v, j) => v - ma[i][j]));
}

/** The evaluated split as people write it: "validation split", "dataset fashion-mnist". */
export function describeSplit(split: ModelEvaluation['split']): string {
  return split.startsWith('dataset:') ? `dataset ${split.slice('dataset:'.length)}` : `${split} split`;
}
