import type { ModelConfig } from '../../../common/config/run-config';
import { buildCnnLayers, buildMlpLayers } from './build-layers';
import { foldBatchStatistics, forwardLayers } from './forward';
import type { Layer, Model, ModelParameter, ModelState } from './types';

export interface ModelSpec {
  model: ModelConfig;
  /** Shape of one example as the data holds it, e.g. [4] or [28, 28, 1] (or [784] with model.inputShape). */
  featureShape: number[];
  classes: number;
  /** The run's seed; initial weights come from deriveSeed(seed, SEED_STREAMS.init, kernel index). */
  seed: number;
  /** Keep probability of dropout after each hidden dense layer; left out: no dropout layers. */
  dropoutKeep?: number;
}

const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** The per-example input shape the first layer takes, after checking it against the config's own fields. */
export function resolveInputShape(model: ModelConfig, featureShape: readonly number[]): number[] {
  const features = product(featureShape);
  if (model.kind === 'mlp') {
    if (model.inputSize !== undefined && model.inputSize !== features) {
      throw new Error(
        `model.inputSize is ${model.inputSize} but the data has ${features} features per example`,
      );
    }
    return [features];
  }
  const shape = model.inputShape ?? featureShape;
  if (shape.length !== 3) {
    throw new Error(
      `a CNN needs examples of shape [height, width, channels]; the data has [${featureShape.join(', ')}]` +
        ' (set model.inputShape, e.g. [28, 28, 1])',
    );
  }
  if (product(shape) !== features) {
    throw new Error(
      `model.inputShape [${shape.join(', ')}] does not hold the data's ${features} values per example`,
    );
  }
  return [...shape];
}

function collectVariables(layers: readonly Layer[]): { parameters: ModelParameter[]; state: ModelState[] } {
  const parameters: ModelParameter[] = [];
  const state: ModelState[] = [];
  for (const layer of layers) {
    if (layer.kind === 'dense' || layer.kind === 'conv2d') parameters.push(layer.kernel, layer.bias);
    if (layer.kind === 'batchNorm') {
      parameters.push(layer.gamma, layer.beta);
      state.push(layer.movingMean, layer.movingVariance);
    }
  }
  return { parameters, state };
}

/** Creates the model's variables (initialised from the seed) and its forward function. */
export function buildModel(spec: ModelSpec): Model {
  const { model: config, classes } = spec;
  if (config.outputSize !== undefined && config.outputSize !== classes) {
    throw new Error(`model.outputSize is ${config.outputSize} but the data has ${classes} classes`);
  }
  const inputShape = resolveInputShape(config, spec.featureShape);
  const layerSpec = { inputShape, outputSize: classes, seed: spec.seed, dropoutKeep: spec.dropoutKeep };
  const layers =
    config.kind === 'mlp' ? buildMlpLayers(config, layerSpec) : buildCnnLayers(config, layerSpec);
  const { parameters, state } = collectVariables(layers);
  let disposed = false;

  return {
    config,
    inputShape,
    outputSize: classes,
    layers,
    parameters,
    state,
    hasBatchNorm: state.length > 0,
    forward(x, training, dropoutSeed, extras) {
      const expected = [x.shape[0], ...inputShape];
      if (x.shape.length !== expected.length || x.shape.some((d, i) => d !== expected[i])) {
        throw new Error(`model input must be [rows, ${inputShape.join(', ')}], got [${x.shape.join(', ')}]`);
      }
      return forwardLayers(layers, x, training, dropoutSeed, extras);
    },
    applyBatchStatistics(statistics) {
      foldBatchStatistics(statistics);
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      for (const { variable } of [...parameters, ...state]) variable.dispose();
    },
  };
}
