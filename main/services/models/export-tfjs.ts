import { zipSync } from 'fflate';
import { describeLayer, exportMetadata, NORMALIZATION_FORMULA } from './export-metadata';
import { exportTensors, type ExportLayer } from './export-layers';
import type { ExportedModel } from './export-model';

/**
 * A kept model as a TensorFlow.js LayersModel folder: model.json (a Keras-style Sequential topology, format
 * "layers-model", one weights group), weights.bin (every tensor's float32 values, little-endian, in manifest
 * order) and normalization.json (also in model.json's userDefinedMetadata). tf.loadLayersModel reads it.
 *
 * The layers are the workbench's, one for one: its activations stay separate Activation layers and its
 * names are the engine's, so the weight names ("dense_1/kernel", "batch_norm_1/moving_mean") are the ones a
 * LayersModel gives its variables. One layer is added at the end: softmax, which training applied inside its
 * loss, so the model outputs class probabilities.
 */

export const TFJS_WEIGHTS_FILE = 'weights.bin';
/** Keras semantics the topology is written for: tfjs-layers reads Keras 2 configs. */
const KERAS_VERSION = 'tfjs-layers 4.22.0';

interface KerasLayer {
  class_name: string;
  config: Record<string, unknown>;
}

function kerasLayer(layer: ExportLayer): KerasLayer {
  const common = { name: layer.name, trainable: true, dtype: 'float32' };
  switch (layer.kind) {
    case 'dense':
      return {
        class_name: 'Dense',
        config: { ...common, units: layer.units, activation: 'linear', use_bias: true },
      };
    case 'conv2d':
      return {
        class_name: 'Conv2D',
        config: {
          ...common,
          filters: layer.filters,
          kernel_size: [layer.kernelSize, layer.kernelSize],
          strides: [layer.stride, layer.stride],
          padding: layer.padding,
          data_format: 'channels_last',
          dilation_rate: [1, 1],
          activation: 'linear',
          use_bias: true,
        },
      };
    case 'activation':
      return { class_name: 'Activation', config: { ...common, activation: layer.activation } };
    case 'batchNorm':
      return {
        class_name: 'BatchNormalization',
        config: {
          ...common,
          axis: -1,
          momentum: layer.momentum,
          epsilon: layer.epsilon,
          center: true,
          scale: true,
        },
      };
    case 'maxPool':
      return {
        class_name: 'MaxPooling2D',
        config: {
          ...common,
          pool_size: [layer.poolSize, layer.poolSize],
          strides: [layer.poolSize, layer.poolSize],
          padding: 'valid',
          data_format: 'channels_last',
        },
      };
    case 'flatten':
      // NHWC row-major, as the engine's reshape flattens.
      return { class_name: 'Flatten', config: { ...common, data_format: 'channels_last' } };
    case 'dropout':
      // Keras takes the drop rate; the workbench's config the keep probability.
      return { class_name: 'Dropout', config: { ...common, rate: 1 - layer.keep } };
  }
}

/** The Sequential topology, input shape on the first layer, softmax last. */
function topology(model: ExportedModel): Record<string, unknown> {
  const layers = model.layers.map(kerasLayer);
  layers[0].config.batch_input_shape = [null, ...model.inputShape];
  const taken = new Set(model.layers.map((l) => l.name));
  let softmaxName = 'softmax';
  for (let i = 1; taken.has(softmaxName); i++) softmaxName = `softmax_${i}`;
  layers.push({
    class_name: 'Activation',
    config: { name: softmaxName, trainable: true, dtype: 'float32', activation: 'softmax' },
  });
  return {
    class_name: 'Sequential',
    config: { name: model.runName, layers },
    keras_version: KERAS_VERSION,
    backend: 'tensor_flow.js',
  };
}

function normalizationJson(model: ExportedModel): Record<string, unknown> {
  return {
    method: model.normalization.method,
    formula: NORMALIZATION_FORMULA,
    note: 'x as the dataset holds it, n examples; reshape the result to inputShape before predict',
    inputShape: model.inputShape,
    featureShape: model.featureShape,
    mean: Array.from(model.normalization.mean),
    scale: Array.from(model.normalization.scale),
  };
}

/** The folder's files by name: model.json, weights.bin, normalization.json. */
export function tfjsFiles(model: ExportedModel, appVersion: string): Record<string, Uint8Array> {
  const tensors = exportTensors(model.layers);
  const floats = tensors.reduce((n, t) => n + t.values.length, 0);
  const weights = new Float32Array(floats);
  let at = 0;
  for (const t of tensors) {
    weights.set(t.values, at);
    at += t.values.length;
  }
  const normalization = normalizationJson(model);
  const modelJson = {
    format: 'layers-model',
    generatedBy: `Experiment Workbench ${appVersion}`,
    convertedBy: null,
    modelTopology: topology(model),
    weightsManifest: [
      {
        paths: [TFJS_WEIGHTS_FILE],
        weights: tensors.map((t) => ({ name: t.name, shape: t.shape, dtype: 'float32' })),
      },
    ],
    userDefinedMetadata: {
      workbench: exportMetadata(model, {
        appVersion,
        output: 'probabilities',
        layers: [...model.layers.map((l) => describeLayer(l, false)), { kind: 'softmax' }],
        normalization: { mean: normalization.mean, scale: normalization.scale },
      }),
    },
  };
  const text = (value: unknown) => new TextEncoder().encode(JSON.stringify(value, null, 2) + '\n');
  return {
    'model.json': text(modelJson),
    // Every platform Node runs on here is little-endian, which is what tfjs reads.
    [TFJS_WEIGHTS_FILE]: new Uint8Array(weights.buffer),
    'normalization.json': text(normalization),
  };
}

/** The folder as one .zip (what the API hands out: a download is one file). */
export function zipTfjsFiles(files: Record<string, Uint8Array>): Uint8Array {
  return zipSync(files, { level: 6, mtime: new Date('2000-01-01T00:00:00Z') });
}
