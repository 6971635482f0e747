import * as tf from '@tensorflow/tfjs-core';
import type { CnnConfig, InitScheme, MlpConfig } from '../../../common/config/run-config';
import { layerName, type LayerKind } from '../../../common/model/summary';
import { deriveSeed } from '../../../common/random';
import { initialKernel } from './init';
import { SEED_STREAMS } from './seed-streams';
import type { BatchNormLayer, Layer, ModelParameter, ModelState, ParameterRole } from './types';

/** Keras / tf.layers defaults; TF1 code built on tf.layers.batch_normalization used the same. */
export const BATCH_NORM_MOMENTUM = 0.99;
export const BATCH_NORM_EPSILON = 1e-3;

/**
 * Creates layers and their variables in order. Shapes are derived with tfjs's own conv/pool shape rules
 * (backend_util), independently of common/model/summary.ts, so a test comparing the two means something.
 */
class LayerStackBuilder {
  readonly layers: Layer[] = [];
  private readonly counters = new Map<LayerKind, number>();
  private kernelCount = 0;
  private dropoutCount = 0;

  constructor(
    private readonly seed: number,
    private readonly init: InitScheme,
  ) {}

  nextName(kind: LayerKind): string {
    const index = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, index);
    return layerName(kind, index);
  }

  private parameter(
    name: string,
    role: ParameterRole,
    values: Float32Array,
    shape: number[],
  ): ModelParameter {
    return { name, role, variable: makeVariable(values, shape, true) };
  }

  private kernel(layer: string, shape: number[]): ModelParameter {
    // Each kernel has its own stream, so adding a layer does not change the others' initial values.
    const seed = deriveSeed(this.seed, SEED_STREAMS.init, this.kernelCount++);
    return this.parameter(`${layer}/kernel`, 'weight', initialKernel(this.init, shape, seed), shape);
  }

  private zeros(layer: string, tensor: string, role: ParameterRole, size: number): ModelParameter {
    return this.parameter(`${layer}/${tensor}`, role, new Float32Array(size), [size]);
  }

  dense(inputUnits: number, units: number): void {
    const name = this.nextName('dense');
    this.layers.push({
      kind: 'dense',
      name,
      kernel: this.kernel(name, [inputUnits, units]),
      bias: this.zeros(name, 'bias', 'bias', units),
    });
  }

  conv2d(inputChannels: number, config: CnnConfig): void {
    const name = this.nextName('conv2d');
    const k = config.kernelSize;
    this.layers.push({
      kind: 'conv2d',
      name,
      kernel: this.kernel(name, [k, k, inputChannels, config.filters]),
      bias: this.zeros(name, 'bias', 'bias', config.filters),
      stride: config.stride,
      padding: config.padding,
    });
  }

  batchNorm(channels: number): void {
    const name = this.nextName('batchNorm');
    const state = (tensor: string, value: number): ModelState => ({
      name: `${name}/${tensor}`,
      variable: makeVariable(new Float32Array(channels).fill(value), [channels], false),
    });
    const layer: BatchNormLayer = {
      kind: 'batchNorm',
      name,
      gamma: this.parameter(`${name}/gamma`, 'bn-gamma', new Float32Array(channels).fill(1), [channels]),
      beta: this.zeros(name, 'beta', 'bn-beta', channels),
      movingMean: state('moving_mean', 0),
      movingVariance: state('moving_variance', 1),
      epsilon: BATCH_NORM_EPSILON,
      momentum: BATCH_NORM_MOMENTUM,
    };
    this.layers.push(layer);
  }

  activation(activation: MlpConfig['activation']): void {
    this.layers.push({ kind: 'activation', name: this.nextName('activation'), activation });
  }

  dropout(keep: number): void {
    this.layers.push({ kind: 'dropout', name: this.nextName('dropout'), keep, index: this.dropoutCount++ });
  }

  flatten(): void {
    this.layers.push({ kind: 'flatten', name: this.nextName('flatten') });
  }

  maxPool(size: number): void {
    this.layers.push({ kind: 'maxPool', name: this.nextName('maxPool'), size });
  }

  /** Hidden dense layers (dense → activation → dropout) and the logits layer. */
  denseStack(
    inputUnits: number,
    hidden: readonly number[],
    outputSize: number,
    config: MlpConfig | CnnConfig,
    keep?: number,
  ): void {
    let units = inputUnits;
    for (const h of hidden) {
      this.dense(units, h);
      this.activation(config.activation);
      if (keep !== undefined) this.dropout(keep);
      units = h;
    }
    this.dense(units, outputSize);
  }
}

function makeVariable(values: Float32Array, shape: number[], trainable: boolean): tf.Variable {
  const initial = tf.tensor(values, shape, 'float32');
  // Unnamed: tfjs names must be unique engine-wide, and two models of the same config may coexist.
  const variable = tf.variable(initial, trainable);
  initial.dispose();
  return variable;
}

export interface LayerStackSpec {
  inputShape: number[];
  outputSize: number;
  seed: number;
  dropoutKeep?: number;
}

export function buildMlpLayers(config: MlpConfig, spec: LayerStackSpec): Layer[] {
  const builder = new LayerStackBuilder(spec.seed, config.init);
  const inputUnits = spec.inputShape.reduce((a, b) => a * b, 1);
  if (spec.inputShape.length > 1) builder.flatten();
  builder.denseStack(inputUnits, config.hiddenUnits, spec.outputSize, config, spec.dropoutKeep);
  return builder.layers;
}

export function buildCnnLayers(config: CnnConfig, spec: LayerStackSpec): Layer[] {
  const [height, width, channels] = spec.inputShape;
  const builder = new LayerStackBuilder(spec.seed, config.init);
  const k = config.kernelSize;
  const conv = tf.backend_util.computeConv2DInfo(
    [1, height, width, channels],
    [k, k, channels, config.filters],
    config.stride,
    1,
    config.padding,
  );
  if (conv.outHeight < 1 || conv.outWidth < 1) {
    throw new Error(`a ${k}×${k} "${config.padding}" convolution does not fit a ${height}×${width} input`);
  }
  builder.conv2d(channels, config);
  builder.activation(config.activation);
  if (config.batchNorm) builder.batchNorm(config.filters);
  let [outHeight, outWidth] = [conv.outHeight, conv.outWidth];
  if (config.poolSize > 1) {
    const p = config.poolSize;
    const pool = tf.backend_util.computePool2DInfo(
      [1, outHeight, outWidth, config.filters],
      p,
      p,
      1,
      'valid',
    );
    if (pool.outHeight < 1 || pool.outWidth < 1) {
      throw new Error(`${p}×${p} pooling does not fit the ${outHeight}×${outWidth} convolution output`);
    }
    builder.maxPool(p);
    [outHeight, outWidth] = [pool.outHeight, pool.outWidth];
  }
  builder.flatten();
  builder.denseStack(
    outHeight * outWidth * config.filters,
    config.denseUnits,
    spec.outputSize,
    config,
    spec.dropoutKeep,
  );
  return builder.layers;
}
