import type { CheckpointKind } from '../../../common/checkpoints/policy';
import type { EpochChoice } from '../../../common/checkpoints/types';
import type { Normalization } from '../../../common/datasets/normalize';
import { UserInputError } from '../../../common/errors';
import { loadDataset } from '../../datasets/catalog';
import { prepareTrainingDataWithTransform } from '../../datasets/prepare';
import { resolveInputShape } from '../../engine/model/build-model';
import type { RunStore } from '../../store/run-store';
import { exportLayers, type ExportLayer } from './export-layers';
import { readKeptModel } from './kept-model';

/** What a kept model is exported as: numpy arrays, or a TensorFlow.js LayersModel. */
export const MODEL_EXPORT_FORMATS = ['npz', 'tfjs'] as const;
export type ModelExportFormat = (typeof MODEL_EXPORT_FORMATS)[number];

export function parseExportFormat(text: string): ModelExportFormat {
  const format = MODEL_EXPORT_FORMATS.find((f) => f === text);
  if (!format) throw new UserInputError(`--format: expected "npz" or "tfjs", got "${text}"`);
  return format;
}

/** Everything an export writes, in memory: read and checked before any file is touched. */
export interface ExportedModel {
  runId: string;
  runName: string;
  epoch: number;
  /** What the checkpoint is kept as (best, last, periodic). */
  kinds: CheckpointKind[];
  datasetId: string;
  datasetFingerprint: string;
  /** One example as the dataset holds it, e.g. [28, 28, 1] or [784]. */
  featureShape: number[];
  /** One example as the first layer takes it: [features] for an MLP, [height, width, channels] for a CNN. */
  inputShape: number[];
  classNames: string[];
  /**
   * The input the network saw in training is (x.reshape(n, −1) − mean) · scale, one value per feature,
   * fitted on the run's training split; then reshaped to inputShape.
   */
  normalization: { method: Normalization; mean: Float32Array; scale: Float32Array };
  /** Forward order; the last one is the logits layer (softmax is the loss's, not the network's). */
  layers: ExportLayer[];
}

/** The epoch an export takes when none is named: the best one where it is kept, else the last. */
function defaultChoice(store: RunStore, runIdOrPrefix: string): EpochChoice {
  const run = store.getRun(runIdOrPrefix);
  return run?.checkpoints.some((c) => c.kinds.includes('best')) ? 'best' : 'last';
}

/**
 * Reads the run's checkpoint at `epoch` (default: best if kept, else last), hash checked, and the
 * normalisation its training split was fitted with. Errors are one line (UserInputError): an unknown run, an
 * epoch without a checkpoint (naming those kept), a damaged checkpoint, a dataset that is gone or changed.
 */
export function readModelExport(
  store: RunStore,
  runIdOrPrefix: string,
  options: { epoch?: EpochChoice; cacheDir?: string } = {},
): ExportedModel {
  const kept = readKeptModel(store, runIdOrPrefix, options.epoch ?? defaultChoice(store, runIdOrPrefix));
  const { run, epoch } = kept;
  const loaded = loadDataset(run.config.dataset.id, store, { cacheDir: options.cacheDir });
  if (loaded.info.fingerprint !== run.datasetFingerprint) {
    // The normalisation is fitted on the data: another file would give other statistics than training used.
    throw new UserInputError(
      `run ${run.id.slice(0, 8)} cannot be exported: dataset "${run.datasetId}" has changed since it trained ` +
        `on it (fingerprint ${run.datasetFingerprint.slice(0, 12)} then, ${loaded.info.fingerprint.slice(0, 12)} now)`,
    );
  }
  // The same function training ran, so the statistics are the ones the weights were trained against.
  const { transform } = prepareTrainingDataWithTransform(loaded, run.config.dataset);
  const { classes } = loaded.info;
  const inputShape = resolveInputShape(run.config.model, loaded.info.shape);
  const where = `the checkpoint of run ${run.id.slice(0, 8)} at epoch ${epoch}`;
  return {
    runId: run.id,
    runName: run.name,
    epoch,
    kinds: kept.checkpoint.kinds,
    datasetId: run.datasetId,
    datasetFingerprint: run.datasetFingerprint,
    featureShape: [...loaded.info.shape],
    inputShape,
    classNames: loaded.info.classNames ?? Array.from({ length: classes }, (_, i) => String(i)),
    normalization: {
      method: transform.method,
      mean: Float32Array.from(transform.offset),
      scale: Float32Array.from(transform.divisor, (d) => 1 / d),
    },
    layers: exportLayers(run.config, inputShape, classes, kept.state.weights, where),
  };
}

/** The file name an export is offered under: "<run name>-epoch<N>.npz" or "<run name>-epoch<N>-tfjs.zip". */
export function exportFileName(model: ExportedModel, format: ModelExportFormat): string {
  // No folders in a file name: a run called "lr/2" would otherwise name a file inside a folder "lr".
  const base = `${model.runName.replace(/[\\/]+/g, '-')}-epoch${model.epoch}`;
  return format === 'npz' ? `${base}.npz` : `${base}-tfjs.zip`;
}
