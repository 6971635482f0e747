import type { ExportLayer } from './export-layers';
import type { ExportedModel } from './export-model';

/**
 * The description both formats carry (the .npz as its model.json entry, the LayersModel in
 * userDefinedMetadata): where the weights come from, how inputs are normalised, the layers with their
 * settings. Plain JSON, so a reader needs nothing of the workbench to use an export.
 */

export const NORMALIZATION_FORMULA = '(x.reshape(n, -1) - mean) * scale';

/** A layer's settings, by the names the README uses; weights by their keys where the format has keys. */
export function describeLayer(layer: ExportLayer, withKeys: boolean): Record<string, unknown> {
  const base: Record<string, unknown> = {
    kind: layer.kind,
    name: layer.name,
    outputShape: layer.outputShape,
  };
  switch (layer.kind) {
    case 'dense':
      base.units = layer.units;
      break;
    case 'conv2d':
      Object.assign(base, {
        filters: layer.filters,
        kernelSize: [layer.kernelSize, layer.kernelSize],
        stride: layer.stride,
        padding: layer.padding,
      });
      break;
    case 'activation':
      base.activation = layer.activation;
      break;
    case 'batchNorm':
      Object.assign(base, { epsilon: layer.epsilon, momentum: layer.momentum });
      break;
    case 'maxPool':
      Object.assign(base, {
        poolSize: [layer.poolSize, layer.poolSize],
        stride: layer.poolSize,
        padding: 'valid',
      });
      break;
    case 'dropout':
      // Inverted dropout: identity at inference; kept here so the layer list is the trained one.
      base.keep = layer.keep;
      break;
    case 'flatten':
      base.order = 'row-major over [height, width, channels] (NHWC)';
      break;
  }
  if (withKeys && layer.weights.length > 0) base.weights = layer.weights.map((w) => w.key);
  return base;
}

export interface MetadataOptions {
  appVersion: string;
  /** What the exported network outputs: the logits (npz) or softmax probabilities (tfjs). */
  output: 'logits' | 'probabilities';
  /** The layers as the format holds them; the npz names its arrays, the LayersModel its own layers. */
  layers: Record<string, unknown>[];
  /** Where mean and scale are: array names, or the values themselves. */
  normalization: Record<string, unknown>;
}

export function exportMetadata(model: ExportedModel, options: MetadataOptions): Record<string, unknown> {
  return {
    producer: `Experiment Workbench ${options.appVersion}`,
    runId: model.runId,
    runName: model.runName,
    epoch: model.epoch,
    checkpoint: model.kinds,
    dataset: { id: model.datasetId, fingerprint: model.datasetFingerprint, featureShape: model.featureShape },
    inputShape: model.inputShape,
    classNames: model.classNames,
    normalization: {
      method: model.normalization.method,
      formula: NORMALIZATION_FORMULA,
      note: 'x as the dataset holds it, n examples; reshape the result to inputShape for a CNN',
      ...options.normalization,
    },
    output:
      options.output === 'logits'
        ? 'logits: the last dense layer; softmax(logits) gives the class probabilities (training applied softmax in its loss)'
        : 'probabilities: the model ends with a softmax Activation layer (training applied softmax in its loss)',
    layers: options.layers,
  };
}
