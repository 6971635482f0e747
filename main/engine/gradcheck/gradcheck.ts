import * as tf from '@tensorflow/tfjs-core';
import type { RunConfig } from '../../../common/config/run-config';
import { createRng, deriveSeed } from '../../../common/random';
import { buildModel } from '../model/build-model';
import type { BatchStatistics, Layer, Model, ModelParameter } from '../model/types';
import { uploadChunk, disposeChunks } from '../training/batches';
import { isPenalised, l2Coefficient, type ObjectiveSettings } from '../training/objective';
import { batchGradient } from '../training/train-step';
import type { TrainingData } from '../types';
import {
  referenceDataLoss,
  referencePenalty,
  runReferenceLayers,
  type ParameterValues,
  KinkSignature,
  type ReferenceInput,
} from './reference-forward';

export interface GradientCheckOptions {
  /** Training examples the objective is taken over (the first ones of the train split). Default 8. */
  examples?: number;
  /** Entries sampled per tensor (all of them when the tensor is smaller). Default 10. */
  entriesPerTensor?: number;
  /** Finite-difference step in float64. Default 1e-5. */
  step?: number;
  /** Seed of the entry sampling. Default: the config's seed. */
  seed?: number;
  /**
   * Floor of the relative error's denominator: entries whose true gradient is below it (e.g. exactly zero
   * behind a dead ReLU) are compared in absolute terms. Default 1e-8.
   */
  tiny?: number;
  /** Test hook: replaces a tensor's analytic gradient before comparison, to prove the check can fail. */
  transformAnalytic?: (name: string, gradient: Float32Array) => Float32Array;
}

export interface TensorCheck {
  name: string;
  shape: number[];
  /** Largest |analytic − numeric| / max(|analytic|, |numeric|, tiny) over the checked entries. */
  maxRelativeError: number;
  /** Largest |analytic − numeric|: tells float32 noise on a near-zero entry from a wrong gradient. */
  maxAbsoluteError: number;
  checked: number;
  /** Sampled entries left out because w ± h (and w ± h/100) straddled a ReLU or max-pool kink. */
  skippedAtKinks: number;
}

export interface GradientCheckResult {
  tensors: TensorCheck[];
  maxRelativeError: number;
  /** The objective at the initial weights: tfjs (float32) and the float64 reference; they should agree. */
  objective: { tfjs: number; reference: number };
}

/**
 * Up to `count` distinct indices in [0, size), chosen with a seeded partial Fisher–Yates. The swaps live in a
 * map, so a 4.9M-entry kernel (E4's dense layer) costs `count` steps, not a 4.9M-element array.
 */
function sampleIndices(size: number, count: number, seed: number): number[] {
  if (size <= count) return Array.from({ length: size }, (_, i) => i);
  const rng = createRng(seed);
  const swapped = new Map<number, number>();
  const at = (i: number) => swapped.get(i) ?? i;
  const picked: number[] = [];
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rng() * (size - i));
    picked.push(at(j));
    swapped.set(j, at(i));
  }
  return picked;
}

/** tfjs autograd of the training objective, exactly as a training step computes it (one chunk). */
function analyticGradients(
  model: Model,
  data: TrainingData,
  rows: number,
  settings: ObjectiveSettings,
): { objective: number; grads: Float32Array[] } {
  const chunk = uploadChunk(data.train, model.inputShape, data.classes, null, 0, rows, 0);
  const statistics: BatchStatistics[] = [];
  try {
    return tf.tidy(() => {
      const evaluate = batchGradient(
        model,
        { chunks: [chunk], batchRows: rows, dropoutSeed: 0 },
        settings,
        statistics,
      );
      const { loss, grads } = evaluate();
      return { objective: loss.dataSync()[0], grads: grads.map((g) => g.dataSync() as Float32Array) };
    });
  } finally {
    tf.dispose(statistics.flatMap((s) => [s.mean, s.variance]));
    disposeChunks([chunk]);
  }
}

function owningLayerIndex(layers: readonly Layer[], parameter: ModelParameter): number {
  const index = layers.findIndex(
    (l) =>
      ((l.kind === 'dense' || l.kind === 'conv2d') && (l.kernel === parameter || l.bias === parameter)) ||
      (l.kind === 'batchNorm' && (l.gamma === parameter || l.beta === parameter)),
  );
  if (index < 0) throw new Error(`${parameter.name} belongs to no layer`);
  return index;
}

/**
 * Compares tfjs's analytic gradient of the training objective (cross-entropy with the config's reduction,
 * plus its L2 penalty; batch norm on batch statistics, as in training; dropout off) at the config's initial
 * weights with central finite differences (f(w + h) − f(w − h)) / 2h of a float64 re-implementation of the
 * same objective, on a seeded sample of entries of every trainable tensor, over the first `examples` training
 * examples.
 *
 * Reading the numbers: ~1e-6 is float32 rounding in the analytic gradient; 1e-2 and above on more than a
 * stray entry is a wrong gradient. Entries whose gradient is a sum that nearly cancels (a conv bias feeding
 * batch norm, whose input gradient sums to zero per channel) can show 1e-4 to 1e-2 from float32 alone: their
 * maxAbsoluteError stays at the float32 noise level (~1e-7 of the gradient's scale).
 */
export function gradientCheck(
  config: RunConfig,
  data: TrainingData,
  options: GradientCheckOptions = {},
): GradientCheckResult {
  const { examples = 8, entriesPerTensor = 10, step = 1e-5, seed = config.seed, tiny = 1e-8 } = options;
  const rows = Math.min(examples, data.train.count);
  if (rows === 0) throw new Error('gradient check: the training split is empty');
  const model = buildModel({
    model: config.model,
    featureShape: data.featureShape,
    classes: data.classes,
    seed: config.seed,
  });
  try {
    const settings: ObjectiveSettings = {
      lossReduction: config.training.lossReduction,
      regularization: config.regularization,
    };
    const analytic = analyticGradients(model, data, rows, settings);
    const { layers, parameters } = model;
    const rowSize = model.inputShape.reduce((a, b) => a * b, 1);
    const input: ReferenceInput = {
      values: Float64Array.from(data.train.x.subarray(0, rows * rowSize)),
      shape: model.inputShape,
    };
    const labels = data.train.y.slice(0, rows);
    const values: ParameterValues = new Map(
      parameters.map((p) => [p.name, Float64Array.from(p.variable.dataSync())]),
    );
    const coefficient = l2Coefficient(settings.regularization);
    const dataLossFrom = (from: number, cached: ReferenceInput, kinks?: KinkSignature): number => {
      const logits = runReferenceLayers(layers, values, cached, rows, from, layers.length, kinks).values;
      return referenceDataLoss(logits, labels, settings.lossReduction);
    };

    const tensors = parameters.map((parameter, t): TensorCheck => {
      const gradient = options.transformAnalytic?.(parameter.name, analytic.grads[t]) ?? analytic.grads[t];
      const own = values.get(parameter.name) as Float64Array;
      const penalised = coefficient !== 0 && isPenalised(parameter, settings.regularization);
      // Layers before the owner do not see this tensor: run them once, not twice per entry.
      const layer = owningLayerIndex(layers, parameter);
      const cached = runReferenceLayers(layers, values, input, rows, 0, layer);
      const baseKinks = new KinkSignature();
      dataLossFrom(layer, cached, baseKinks);
      /** Central difference of the data loss, or null when w ± h straddles a ReLU/max-pool kink. */
      const dataSlope = (i: number, h: number): number | null => {
        const original = own[i];
        const sides = [original + h, original - h].map((value) => {
          own[i] = value;
          const kinks = new KinkSignature();
          const loss = dataLossFrom(layer, cached, kinks);
          return { loss, smooth: kinks.hash === baseKinks.hash };
        });
        own[i] = original;
        return sides.every((side) => side.smooth) ? (sides[0].loss - sides[1].loss) / (2 * h) : null;
      };
      const indices = sampleIndices(own.length, entriesPerTensor, deriveSeed(seed, t));
      let maxRelativeError = 0;
      let maxAbsoluteError = 0;
      let checked = 0;
      let skippedAtKinks = 0;
      for (const i of indices) {
        // A kink closer than h is usually farther than h/100: retry before giving the entry up.
        const slope = dataSlope(i, step) ?? dataSlope(i, step / 100);
        if (slope === null) {
          skippedAtKinks += 1;
          continue;
        }
        // The central difference of c·w² is exactly 2c·w; written out, it skips a cancellation in float64.
        const numeric = slope + (penalised ? 2 * coefficient * own[i] : 0);
        const a = gradient[i];
        const absolute = Math.abs(a - numeric);
        const relative = absolute / Math.max(Math.abs(a), Math.abs(numeric), tiny);
        // NaN (a broken gradient) must count as a failure, and Math.max would drop it.
        maxRelativeError = Number.isNaN(relative) ? Infinity : Math.max(maxRelativeError, relative);
        maxAbsoluteError = Number.isNaN(absolute) ? Infinity : Math.max(maxAbsoluteError, absolute);
        checked += 1;
      }
      return {
        name: parameter.name,
        shape: [...parameter.variable.shape],
        maxRelativeError,
        maxAbsoluteError,
        checked,
        skippedAtKinks,
      };
    });
    return {
      tensors,
      maxRelativeError: tensors.reduce((m, t) => Math.max(m, t.maxRelativeError), 0),
      objective: {
        tfjs: analytic.objective,
        reference: dataLossFrom(0, input) + referencePenalty(parameters, values, settings.regularization),
      },
    };
  } finally {
    model.dispose();
  }
}
