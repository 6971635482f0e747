import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from '../../../common/config/run-config';
import type { Layer } from '../model/types';
import { isPenalised, l2Coefficient, type ObjectiveSettings } from '../training/objective';
import type { ModelParameter } from '../model/types';

/**
 * A float64 re-implementation of the model's training-mode forward pass and objective, in plain JS. Finite
 * differences need more digits than float32 tfjs can give (a float32 loss is exact to ~1e-7 relative, and
 * (f(w+h) − f(w−h))/2h divides that error by h); in float64 a step of 1e-5 leaves ~1e-10 of noise.
 * Dropout is not modelled: gradient checks run without it.
 */

/** Parameter values by parameter name, in float64. */
export type ParameterValues = Map<string, Float64Array>;

interface Activations {
  values: Float64Array;
  /** Per-example shape. */
  shape: number[];
}

function activate(x: number, activation: Activation): number {
  switch (activation) {
    case 'relu':
      return x > 0 ? x : 0;
    case 'softplus':
      // log(1 + eˣ) without overflow for large x.
      return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    case 'sigmoid':
      return 1 / (1 + Math.exp(-x));
    case 'tanh':
      return Math.tanh(x);
  }
}

/**
 * A fingerprint of the forward pass's branch decisions: which ReLU inputs are positive and which entry wins
 * each max-pool window. A finite difference whose two sides have different fingerprints straddles a kink of
 * the piecewise-linear objective and measures a mixture of two slopes, not the gradient.
 */
export class KinkSignature {
  hash = 0x811c9dc5;

  add(decision: number): void {
    this.hash = Math.imul(this.hash ^ (decision + 1), 0x01000193) >>> 0;
  }
}

function dense(input: Activations, rows: number, kernel: Float64Array, bias: Float64Array): Activations {
  const nIn = input.shape[0];
  const nOut = bias.length;
  const out = new Float64Array(rows * nOut);
  for (let r = 0; r < rows; r++) {
    const row = out.subarray(r * nOut, (r + 1) * nOut);
    row.set(bias);
    for (let i = 0; i < nIn; i++) {
      const a = input.values[r * nIn + i];
      if (a === 0) continue;
      const w = kernel.subarray(i * nOut, (i + 1) * nOut);
      for (let j = 0; j < nOut; j++) row[j] += a * w[j];
    }
  }
  return { values: out, shape: [nOut] };
}

function conv2d(
  input: Activations,
  rows: number,
  kernel: Float64Array,
  kernelShape: number[],
  bias: Float64Array,
  stride: number,
  padding: 'same' | 'valid',
): Activations {
  const [height, width, channels] = input.shape;
  const [k, , , filters] = kernelShape;
  // tfjs's own rule for "same" padding (extra row/column at the bottom/right), so both passes agree.
  const info = tf.backend_util.computeConv2DInfo(
    [rows, height, width, channels],
    [k, k, channels, filters],
    stride,
    1,
    padding,
  );
  const { outHeight, outWidth } = info;
  const { top, left } = info.padInfo;
  const out = new Float64Array(rows * outHeight * outWidth * filters);
  for (let r = 0; r < rows; r++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const o = ((r * outHeight + oy) * outWidth + ox) * filters;
        for (let f = 0; f < filters; f++) out[o + f] = bias[f];
        for (let ky = 0; ky < k; ky++) {
          const iy = oy * stride - top + ky;
          if (iy < 0 || iy >= height) continue;
          for (let kx = 0; kx < k; kx++) {
            const ix = ox * stride - left + kx;
            if (ix < 0 || ix >= width) continue;
            for (let c = 0; c < channels; c++) {
              const a = input.values[((r * height + iy) * width + ix) * channels + c];
              const w = ((ky * k + kx) * channels + c) * filters;
              for (let f = 0; f < filters; f++) out[o + f] += a * kernel[w + f];
            }
          }
        }
      }
    }
  }
  return { values: out, shape: [outHeight, outWidth, filters] };
}

/** Training-mode batch norm: biased batch variance per channel, like tf.moments. */
function batchNorm(
  input: Activations,
  gamma: Float64Array,
  beta: Float64Array,
  epsilon: number,
): Activations {
  const channels = gamma.length;
  const count = input.values.length / channels;
  const mean = new Float64Array(channels);
  const variance = new Float64Array(channels);
  for (let i = 0; i < input.values.length; i++) mean[i % channels] += input.values[i];
  for (let c = 0; c < channels; c++) mean[c] /= count;
  for (let i = 0; i < input.values.length; i++)
    variance[i % channels] += (input.values[i] - mean[i % channels]) ** 2;
  for (let c = 0; c < channels; c++) variance[c] /= count;
  const out = new Float64Array(input.values.length);
  for (let i = 0; i < out.length; i++) {
    const c = i % channels;
    out[i] = (gamma[c] * (input.values[i] - mean[c])) / Math.sqrt(variance[c] + epsilon) + beta[c];
  }
  return { values: out, shape: input.shape };
}

function relu(input: Activations, kinks: KinkSignature | undefined): Activations {
  const out = new Float64Array(input.values.length);
  for (let i = 0; i < out.length; i++) {
    const positive = input.values[i] > 0;
    out[i] = positive ? input.values[i] : 0;
    kinks?.add(positive ? 1 : 0);
  }
  return { values: out, shape: input.shape };
}

function maxPool(
  input: Activations,
  rows: number,
  size: number,
  kinks: KinkSignature | undefined,
): Activations {
  const [height, width, channels] = input.shape;
  const outHeight = Math.floor(height / size);
  const outWidth = Math.floor(width / size);
  const out = new Float64Array(rows * outHeight * outWidth * channels).fill(-Infinity);
  for (let r = 0; r < rows; r++) {
    for (let oy = 0; oy < outHeight; oy++) {
      for (let ox = 0; ox < outWidth; ox++) {
        const o = ((r * outHeight + oy) * outWidth + ox) * channels;
        for (let c = 0; c < channels; c++) {
          let winner = 0;
          for (let d = 0; d < size * size; d++) {
            const [dy, dx] = [Math.floor(d / size), d % size];
            const value =
              input.values[((r * height + oy * size + dy) * width + ox * size + dx) * channels + c];
            // Strictly greater: the first of tied entries wins, and ties that move together stay tied.
            if (value > out[o + c]) {
              out[o + c] = value;
              winner = d;
            }
          }
          kinks?.add(winner);
        }
      }
    }
  }
  return { values: out, shape: [outHeight, outWidth, channels] };
}

function valuesOf(values: ParameterValues, parameter: ModelParameter): Float64Array {
  const v = values.get(parameter.name);
  if (!v) throw new Error(`no reference values for ${parameter.name}`);
  return v;
}

export interface ReferenceInput {
  values: Float64Array;
  /** Per-example shape. */
  shape: number[];
}

/**
 * Runs layers [from, to) of the training-mode forward pass (batch statistics, no dropout) in float64. Running
 * from a later layer with a cached input lets a gradient check skip the layers a perturbation cannot change.
 */
export function runReferenceLayers(
  layers: readonly Layer[],
  values: ParameterValues,
  input: ReferenceInput,
  rows: number,
  from = 0,
  to = layers.length,
  kinks?: KinkSignature,
): ReferenceInput {
  let h: Activations = input;
  for (const layer of layers.slice(from, to)) {
    switch (layer.kind) {
      case 'flatten':
        h = { values: h.values, shape: [h.shape.reduce((a, b) => a * b, 1)] };
        break;
      case 'dense':
        h = dense(h, rows, valuesOf(values, layer.kernel), valuesOf(values, layer.bias));
        break;
      case 'conv2d':
        h = conv2d(
          h,
          rows,
          valuesOf(values, layer.kernel),
          layer.kernel.variable.shape,
          valuesOf(values, layer.bias),
          layer.stride,
          layer.padding,
        );
        break;
      case 'activation':
        h =
          layer.activation === 'relu'
            ? relu(h, kinks)
            : { values: h.values.map((v) => activate(v, layer.activation)), shape: h.shape };
        break;
      case 'batchNorm':
        h = batchNorm(h, valuesOf(values, layer.gamma), valuesOf(values, layer.beta), layer.epsilon);
        break;
      case 'maxPool':
        h = maxPool(h, rows, layer.size, kinks);
        break;
      case 'dropout':
        throw new Error('the float64 reference does not model dropout; check gradients without it');
    }
  }
  return h;
}

/** Cross-entropy of logits [rows × classes], summed or averaged over the rows, in float64. */
export function referenceDataLoss(
  logits: Float64Array,
  labels: Int32Array,
  reduction: ObjectiveSettings['lossReduction'],
): number {
  const rows = labels.length;
  const classes = logits.length / rows;
  let loss = 0;
  for (let r = 0; r < rows; r++) {
    const row = logits.subarray(r * classes, (r + 1) * classes);
    let max = -Infinity;
    for (const z of row) max = Math.max(max, z);
    let sum = 0;
    for (const z of row) sum += Math.exp(z - max);
    loss += max + Math.log(sum) - row[labels[r]];
  }
  return reduction === 'mean' ? loss / rows : loss;
}

/** The L2 term, λ·Σ‖W‖²/2 or λ·Σ‖W‖² over the covered tensors, in float64. */
export function referencePenalty(
  parameters: readonly ModelParameter[],
  values: ParameterValues,
  settings: ObjectiveSettings['regularization'],
): number {
  const coefficient = l2Coefficient(settings);
  if (coefficient === 0) return 0;
  let squares = 0;
  for (const p of parameters) {
    if (!isPenalised(p, settings)) continue;
    for (const w of valuesOf(values, p)) squares += w * w;
  }
  return coefficient * squares;
}
