import { DatasetImportError } from './errors';
import type { RawDataset } from './formats/raw-dataset';
import { formatShape, isFloatDtype, numberAt, type NumericTensor } from './numeric-array';

/** More classes than this is a regression target or an id column, not a classification label. */
export const MAX_CLASSES = 10_000;
/** Per example; far above any image this tool can train on, low enough to catch a transposed array. */
export const MAX_FEATURES_PER_EXAMPLE = 1 << 24;
const FLOAT32_MAX = 3.4028234663852886e38;

/** A dataset that passed validation, in the form it is stored and trained on. */
export interface ValidatedDataset {
  x: Uint8Array | Float32Array;
  y: Int32Array;
  dtype: 'uint8' | 'float32';
  /** One example: [D], [H, W, 1] or [H, W, C]. */
  shape: number[];
  classes: number;
  classNames?: string[];
  scaleMax: number;
  officialTest: number;
}

/**
 * Checks everything training relies on and converts to storage form (uint8 stays uint8, anything else float32).
 * Each failure is a DatasetImportError naming the file, the array and the exact problem.
 */
export function validateRawDataset(file: string, raw: RawDataset): ValidatedDataset {
  const fail = (problem: string): never => {
    throw new DatasetImportError(file, problem);
  };
  const { features, labels, featuresName, labelsName } = raw;

  const shape = exampleShape(features, featuresName, fail);
  const examples = features.shape[0];
  checkLabelShape(labels, labelsName, examples, featuresName, fail);
  const { y, classes } = checkLabels(raw, fail);
  const x = convertFeatures(features, featuresName, fail);

  const officialTest = raw.officialTest ?? 0;
  if (officialTest >= examples) {
    fail(`the test part (${officialTest} examples) leaves nothing to train on out of ${examples}`);
  }
  return {
    x,
    y,
    dtype: x instanceof Uint8Array ? 'uint8' : 'float32',
    shape,
    classes,
    ...(raw.classNames ? { classNames: raw.classNames } : {}),
    scaleMax: x instanceof Uint8Array ? 255 : floatScaleMax(x),
    officialTest,
  };
}

function exampleShape(features: NumericTensor, name: string, fail: (problem: string) => never): number[] {
  const { shape } = features;
  if (shape.length < 2 || shape.length > 4) {
    fail(
      `${name} has shape ${formatShape(shape)}: expected one example per row, ` +
        '(N, features), (N, height, width) or (N, height, width, channels)',
    );
  }
  if (shape[0] === 0) fail(`${name} has no examples (shape ${formatShape(shape)})`);
  const example = shape.slice(1);
  if (example.some((d) => d === 0))
    fail(`${name} has shape ${formatShape(shape)}: an example cannot be empty`);
  const size = example.reduce((a, b) => a * b, 1);
  if (size > MAX_FEATURES_PER_EXAMPLE) {
    fail(
      `${name} has shape ${formatShape(shape)}: ${size} values per example is more than this tool supports`,
    );
  }
  // Grey images get their channel axis here, so that every image dataset is [H, W, C] for a CNN.
  return example.length === 2 ? [...example, 1] : example;
}

function checkLabelShape(
  labels: NumericTensor,
  labelsName: string,
  examples: number,
  featuresName: string,
  fail: (problem: string) => never,
): void {
  const { shape } = labels;
  if (shape.length === 2 && shape[1] > 1) {
    fail(
      `${labelsName} has shape ${formatShape(shape)}: expected one class index per example, shape (N,) ` +
        '(one-hot labels? convert them with labels.argmax(axis=1))',
    );
  }
  if (shape.length === 0 || shape.length > 2) {
    fail(`${labelsName} has shape ${formatShape(shape)}: expected one class index per example, shape (N,)`);
  }
  if (shape[0] !== examples) {
    fail(`${labelsName} has ${shape[0]} entries but ${featuresName} has ${examples}`);
  }
}

function checkLabels(raw: RawDataset, fail: (problem: string) => never): { y: Int32Array; classes: number } {
  const { data } = raw.labels;
  const where = raw.describeLabel ?? ((i: number) => `${raw.labelsName}[${i}]`);
  const y = new Int32Array(data.length);
  let maxLabel = -1;
  let minLabel = Infinity;
  for (let i = 0; i < data.length; i++) {
    const value = numberAt(data, i);
    if (!Number.isInteger(value)) {
      fail(`${where(i)} is ${value}: labels must be whole class indices (0, 1, 2, ...)`);
    }
    if (value < 0) fail(`${where(i)} is ${value}: class indices must be ≥ 0`);
    if (value >= MAX_CLASSES) fail(`${where(i)} is ${value}: class indices must be below ${MAX_CLASSES}`);
    y[i] = value;
    if (value > maxLabel) maxLabel = value;
    if (value < minLabel) minLabel = value;
  }
  const classes = Math.max(maxLabel + 1, raw.classNames?.length ?? 0);
  if (classes < 2 || minLabel === maxLabel) {
    fail(`${raw.labelsName}: every example has class ${maxLabel}; a classifier needs at least 2 classes`);
  }
  return { y, classes };
}

function convertFeatures(
  features: NumericTensor,
  name: string,
  fail: (problem: string) => never,
): Uint8Array | Float32Array {
  const { data, dtype } = features;
  // Booleans become float 0/1 rather than 8-bit, where "scale" would divide them by 255.
  if (dtype === 'uint8' && data instanceof Uint8Array) return data;
  const exampleSize = features.shape.slice(1).reduce((a, b) => a * b, 1);
  const at = (i: number) => `${name}: example ${Math.floor(i / exampleSize)}, feature ${i % exampleSize}`;
  const out = new Float32Array(data.length);
  const checkFinite = isFloatDtype(dtype);
  for (let i = 0; i < data.length; i++) {
    const value = numberAt(data, i);
    if (checkFinite) {
      if (!Number.isFinite(value)) fail(`${at(i)} is ${value}: NaN and infinite values are not allowed`);
      if (Math.abs(value) > FLOAT32_MAX) fail(`${at(i)} is ${value}, beyond the range of 32-bit floats`);
    }
    out[i] = value;
  }
  return out;
}

/**
 * "scale" divides float data by its largest magnitude (1 when all zero), mapping it into [-1, 1]. The run store
 * computes the same for what it stores, so a dataset scales the same whether freshly parsed or loaded back.
 */
function floatScaleMax(x: Float32Array): number {
  let max = 0;
  for (let i = 0; i < x.length; i++) {
    const magnitude = Math.abs(x[i]);
    if (magnitude > max) max = magnitude;
  }
  return max > 0 ? max : 1;
}
