import type { RunTableRow } from '../../common/api/contract';
import type { RunConfig } from '../../common/config/run-config';
import type { RunTableEntry } from '../store/run-store';

/** Builds the runs table's rows: short display values of the key hyperparameters, duration, best val loss. */

/** A number as a short table cell: 1e-5, 2.5e-4, 0.001, 0.05, 1000. */
export function shortNumber(value: number): string {
  if (value !== 0 && (Math.abs(value) < 1e-3 || Math.abs(value) >= 1e6)) {
    const [mantissa, exponent] = value.toExponential(2).split('e');
    return `${Number(mantissa)}e${Number(exponent)}`;
  }
  return String(Number(value.toPrecision(4)));
}

/** Hidden layer sizes as "500×300"; "none" for logistic regression. */
function layerSizes(units: readonly number[]): string {
  return units.length === 0 ? 'none' : units.join('×');
}

/** The key hyperparameters, in the order a table shows them. */
export function hyperparameters(config: RunConfig): Record<string, string> {
  const { model, training, regularization } = config;
  const hyper: Record<string, string> = {};
  if (model.kind === 'mlp') {
    hyper.hidden = layerSizes(model.hiddenUnits);
  } else {
    hyper.conv = `${model.filters} filters ${model.kernelSize}×${model.kernelSize}`;
    hyper.dense = layerSizes(model.denseUnits);
  }
  if (model.activation) hyper.activation = model.activation;
  hyper.optimizer = training.optimizer;
  if (training.optimizer === 'momentum' || training.optimizer === 'nesterov') {
    hyper.momentum = shortNumber(training.momentum);
  }
  hyper.lr = shortNumber(training.learningRate);
  hyper.batch = String(training.batchSize);
  hyper.l2 = shortNumber(regularization.l2);
  // The keep probability is stored whichever convention the config used (see dropoutSchema).
  if (regularization.dropout) hyper.keep = shortNumber(regularization.dropout.keep);
  hyper.epochs = String(training.epochs);
  hyper.seed = String(config.seed);
  return hyper;
}

/** Start to finish, or to `now` while the run has not finished; null before it starts. */
export function durationSeconds(
  entry: Pick<RunTableEntry, 'startedAt' | 'finishedAt'>,
  now: Date,
): number | null {
  if (entry.startedAt === null) return null;
  const end = entry.finishedAt === null ? now.getTime() : Date.parse(entry.finishedAt);
  return Math.max(0, (end - Date.parse(entry.startedAt)) / 1000);
}

/**
 * `lastTestAcc`: the run's test accuracy at its last epoch (from its summaries), so that a run without a
 * validation split, which has no best validation accuracy, still shows how well it did.
 */
export function toRunTableRow(
  entry: RunTableEntry,
  now: Date,
  lastTestAcc: number | null = null,
): RunTableRow {
  const { config, startedAt: _startedAt, ...item } = entry;
  return {
    ...item,
    modelKind: config.model.kind,
    hyper: hyperparameters(config),
    durationSeconds: durationSeconds(entry, now),
    hasValidation: config.dataset.split.validation !== 0,
    lastTestAcc,
  };
}
