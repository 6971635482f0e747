import type { ModelConfig } from '../config/run-config';

/**
 * A Keras-style model summary computed from the config alone (no tfjs), so the CLI and the renderer can show
 * layer shapes and parameter counts before anything is built.
 *
 * Counting convention: `params` / `totalParams` are the learnable (trainable) parameters: weights, biases and
 * batch norm's scale γ and offset β. Batch norm's moving mean and variance are state, not parameters; they are
 * listed separately as `nonTrainableParams` (Keras shows them as "non-trainable params").
 *
 * Layer order follows what the engine builds: every hidden dense layer is dense → activation → dropout.
 * (E4 writes dense → dropout → ReLU; inverted dropout multiplies by a non-negative mask, so with ReLU both
 * orders give the same numbers.) Pooling uses non-overlapping windows without padding (stride = pool size,
 * "valid"), as TF's max_pool(ksize=k, strides=k, padding='VALID') does.
 */

export type LayerKind = 'flatten' | 'dense' | 'conv2d' | 'activation' | 'batchNorm' | 'maxPool' | 'dropout';

export interface LayerSummary {
  /** Unique within the model, e.g. "dense_2"; the engine names its variables "<layer>/<tensor>". */
  name: string;
  kind: LayerKind;
  /** Shape of one example's output (batch dimension left out). */
  outputShape: number[];
  /** Learnable parameters of this layer. */
  params: number;
  /** Non-learnable state of this layer (batch norm's moving statistics). */
  nonTrainableParams: number;
  /** Human-readable settings, e.g. "relu", "3×3 stride 1 same", "keep 0.5". */
  detail?: string;
}

export interface ModelSummary {
  layers: LayerSummary[];
  /** Learnable parameters (weights, biases, batch norm γ and β). */
  totalParams: number;
  /** Batch norm moving mean and variance. */
  nonTrainableParams: number;
}

export interface SummaryOptions {
  /** Keep probability of the dropout after each hidden dense layer; dropout rows appear only when given. */
  dropoutKeep?: number;
}

const SNAKE_NAMES: Record<LayerKind, string> = {
  flatten: 'flatten',
  dense: 'dense',
  conv2d: 'conv2d',
  activation: 'activation',
  batchNorm: 'batch_norm',
  maxPool: 'max_pool',
  dropout: 'dropout',
};

/** Keras-style layer name: the index counts layers of the same kind from 1 ("dense_2"). */
export function layerName(kind: LayerKind, index: number): string {
  return `${SNAKE_NAMES[kind]}_${index}`;
}

/** Builds the summary row by row, numbering layers per kind. */
class SummaryBuilder {
  readonly layers: LayerSummary[] = [];
  private readonly counters = new Map<LayerKind, number>();

  add(kind: LayerKind, outputShape: number[], params = 0, nonTrainableParams = 0, detail?: string): void {
    const index = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, index);
    const row: LayerSummary = {
      name: layerName(kind, index),
      kind,
      outputShape,
      params,
      nonTrainableParams,
    };
    if (detail !== undefined) row.detail = detail;
    this.layers.push(row);
  }

  finish(): ModelSummary {
    let totalParams = 0;
    let nonTrainableParams = 0;
    for (const layer of this.layers) {
      totalParams += layer.params;
      nonTrainableParams += layer.nonTrainableParams;
    }
    return { layers: this.layers, totalParams, nonTrainableParams };
  }
}

const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function assertPositiveShape(shape: readonly number[], what: string): void {
  if (shape.length === 0 || shape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new Error(`${what}: expected positive integer dimensions, got [${shape.join(', ')}]`);
  }
}

function addDenseStack(
  builder: SummaryBuilder,
  inputUnits: number,
  hiddenUnits: readonly number[],
  outputSize: number,
  activation: string,
  options: SummaryOptions,
): void {
  let units = inputUnits;
  for (const hidden of hiddenUnits) {
    builder.add('dense', [hidden], units * hidden + hidden);
    builder.add('activation', [hidden], 0, 0, activation);
    if (options.dropoutKeep !== undefined)
      builder.add('dropout', [hidden], 0, 0, `keep ${options.dropoutKeep}`);
    units = hidden;
  }
  builder.add('dense', [outputSize], units * outputSize + outputSize, 0, 'logits');
}

/** Output size of a convolution along one axis, as TF/tfjs compute it. */
export function convOutputSize(
  input: number,
  kernel: number,
  stride: number,
  padding: 'same' | 'valid',
): number {
  return padding === 'same' ? Math.ceil(input / stride) : Math.ceil((input - kernel + 1) / stride);
}

/**
 * Layers, output shapes and parameter counts of `model` for examples of shape `inputShape`
 * ([features] or [height, width, channels]) and `outputSize` classes. Throws when the shapes do not fit.
 */
export function describeModel(
  model: ModelConfig,
  inputShape: number[],
  outputSize: number,
  options: SummaryOptions = {},
): ModelSummary {
  assertPositiveShape(inputShape, 'input shape');
  assertPositiveShape([outputSize], 'output size');
  const builder = new SummaryBuilder();

  if (model.kind === 'mlp') {
    const inputUnits = product(inputShape);
    if (inputShape.length > 1) builder.add('flatten', [inputUnits]);
    addDenseStack(builder, inputUnits, model.hiddenUnits, outputSize, model.activation, options);
    return builder.finish();
  }

  if (inputShape.length !== 3) {
    throw new Error(
      `a CNN needs examples of shape [height, width, channels], got [${inputShape.join(', ')}]` +
        ' (set model.inputShape, e.g. [28, 28, 1])',
    );
  }
  const [height, width, channels] = inputShape;
  const k = model.kernelSize;
  const convHeight = convOutputSize(height, k, model.stride, model.padding);
  const convWidth = convOutputSize(width, k, model.stride, model.padding);
  assertPositiveShape([convHeight, convWidth], `convolution output for input ${height}×${width}`);
  const convShape = [convHeight, convWidth, model.filters];
  builder.add(
    'conv2d',
    convShape,
    k * k * channels * model.filters + model.filters,
    0,
    `${k}×${k} stride ${model.stride} ${model.padding}`,
  );
  builder.add('activation', convShape, 0, 0, model.activation);
  if (model.batchNorm) builder.add('batchNorm', convShape, 2 * model.filters, 2 * model.filters);

  let featureShape = convShape;
  if (model.poolSize > 1) {
    const p = model.poolSize;
    featureShape = [Math.floor(convHeight / p), Math.floor(convWidth / p), model.filters];
    assertPositiveShape(featureShape, `${p}×${p} pooling of ${convHeight}×${convWidth}`);
    builder.add('maxPool', featureShape, 0, 0, `${p}×${p}`);
  }
  const flatUnits = product(featureShape);
  builder.add('flatten', [flatUnits]);
  addDenseStack(builder, flatUnits, model.denseUnits, outputSize, model.activation, options);
  return builder.finish();
}

/**
 * Floats one example holds across all layer outputs: a rough measure of activation memory per example,
 * used to size evaluation chunks.
 */
export function activationFloatsPerExample(summary: ModelSummary, inputShape: readonly number[]): number {
  return summary.layers.reduce((total, layer) => total + product(layer.outputShape), product(inputShape));
}
