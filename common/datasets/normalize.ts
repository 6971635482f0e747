import type { DatasetRef } from '../config/run-config';

export type Normalization = DatasetRef['normalization'];

/**
 * A per-feature affine map, value ↦ (value − offset[j]) / divisor[j], fitted on the training split.
 * Every normalisation is one of these, so applying it is one loop, and the fitted numbers can be shown or stored.
 */
export interface FeatureTransform {
  method: Normalization;
  offset: Float64Array;
  divisor: Float64Array;
}

/**
 * Fits a normalisation on the training examples only (x holds every example, featureSize values each;
 * trainIndices picks the training ones), so validation and test never leak into the statistics.
 *
 * none: raw values. scale: ÷ scaleMax. center: ÷ scaleMax, then minus the training mean of the scaled feature.
 * standardize: minus the training mean, ÷ the training standard deviation (population, as numpy's std);
 * a feature that is constant in training keeps divisor 1 rather than dividing by zero.
 */
export function fitNormalization(
  method: Normalization,
  x: ArrayLike<number>,
  featureSize: number,
  trainIndices: ArrayLike<number>,
  scaleMax: number,
): FeatureTransform {
  const offset = new Float64Array(featureSize);
  const divisor = new Float64Array(featureSize).fill(1);
  if (method === 'none') return { method, offset, divisor };
  if (method === 'scale' || method === 'center') {
    if (!Number.isFinite(scaleMax) || scaleMax <= 0) {
      throw new Error(`"${method}" normalisation needs a positive scale maximum, got ${scaleMax}`);
    }
    divisor.fill(scaleMax);
    if (method === 'scale') return { method, offset, divisor };
  }
  if (trainIndices.length === 0) {
    throw new Error(`"${method}" normalisation needs at least one training example for its statistics`);
  }

  const stats = featureStatistics(x, featureSize, trainIndices);
  offset.set(stats.mean);
  if (method === 'standardize') {
    for (let j = 0; j < featureSize; j++) {
      // Exactly constant, not "small": a tiny but real spread is signal that standardising should keep.
      divisor[j] = stats.constant[j] ? 1 : stats.std[j];
    }
  }
  return { method, offset, divisor };
}

interface FeatureStatistics {
  mean: Float64Array;
  std: Float64Array;
  constant: Uint8Array;
}

/** Two passes (mean, then squared deviations): the one-pass formula loses everything for large means. */
function featureStatistics(
  x: ArrayLike<number>,
  featureSize: number,
  rows: ArrayLike<number>,
): FeatureStatistics {
  const count = rows.length;
  const sum = new Float64Array(featureSize);
  const first = new Float64Array(featureSize);
  const constant = new Uint8Array(featureSize).fill(1);
  const firstRow = rows[0] * featureSize;
  for (let j = 0; j < featureSize; j++) first[j] = x[firstRow + j];
  for (let r = 0; r < count; r++) {
    const base = rows[r] * featureSize;
    for (let j = 0; j < featureSize; j++) {
      const v = x[base + j];
      sum[j] += v;
      if (v !== first[j]) constant[j] = 0;
    }
  }
  const mean = new Float64Array(featureSize);
  for (let j = 0; j < featureSize; j++) mean[j] = sum[j] / count;

  const squares = new Float64Array(featureSize);
  for (let r = 0; r < count; r++) {
    const base = rows[r] * featureSize;
    for (let j = 0; j < featureSize; j++) {
      const d = x[base + j] - mean[j];
      squares[j] += d * d;
    }
  }
  const std = new Float64Array(featureSize);
  for (let j = 0; j < featureSize; j++) std[j] = Math.sqrt(squares[j] / count);
  return { mean, std, constant };
}

/** The examples at `rows` (in that order), normalised, as one contiguous Float32Array. */
export function applyNormalization(
  transform: FeatureTransform,
  x: ArrayLike<number>,
  rows: ArrayLike<number>,
): Float32Array {
  const featureSize = transform.offset.length;
  const { offset, divisor } = transform;
  const out = new Float32Array(rows.length * featureSize);
  for (let r = 0; r < rows.length; r++) {
    const src = rows[r] * featureSize;
    const dst = r * featureSize;
    for (let j = 0; j < featureSize; j++) out[dst + j] = (x[src + j] - offset[j]) / divisor[j];
  }
  return out;
}
