/** What `workbench evaluate` and `models.evaluate` report about a kept model on one split or dataset. */

export type EvaluationSplit = 'train' | 'validation' | 'test';

export interface ClassMetrics {
  /** Class name (the dataset's, else its index as text). */
  class: string;
  /** Of the examples predicted as this class, the share that are; null when none was predicted as it. */
  precision: number | null;
  /** Of the examples of this class, the share predicted as it; null when the split has none. */
  recall: number | null;
  /** Harmonic mean of precision and recall; null when either is. */
  f1: number | null;
  /** Examples of this class in the split. */
  support: number;
}

export interface Mistake {
  /** Position of the example in the evaluated split (or dataset, with --dataset), from 0. */
  index: number;
  label: number;
  predicted: number;
  /** Softmax probability of the predicted class. */
  confidence: number;
  /**
   * The example as stored (before normalisation), row-major, for the gallery: only the first mistakes, and
   * only when asked for (`models.evaluate` with `inputs`).
   */
  input?: number[];
}

export interface ModelEvaluation {
  runId: string;
  epoch: number;
  /** The run's own split, or `dataset:<id>` for every example of another dataset. */
  split: EvaluationSplit | `dataset:${string}`;
  examples: number;
  /** Mean cross-entropy per example (no L2 term), as the epochs log it. */
  loss: number;
  accuracy: number;
  /** confusion[true][predicted] = count. */
  confusion: number[][];
  classes: string[];
  perClass: ClassMetrics[];
  /** Wrong predictions, most confident first. */
  mistakes: Mistake[];
  /** Shape of one example as stored, e.g. [28, 28] or [4]: how the gallery draws an input. */
  inputShape: number[];
}
