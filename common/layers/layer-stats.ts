import type { Activation } from '../config/run-config';

/**
 * A few numbers per layer with weights, per epoch: what TensorBoard's histograms and `wandb.watch` show,
 * at a cost the training loop does not notice (docs/benchmarks.md). The engine computes them
 * (main/engine/inspect/layer-watch.ts); `runs.layers` and `workbench layers` read them back.
 */

/** TensorBoard's distribution percentiles (its basis points 0, 668, 1587, … 10000), in percent. */
export const LAYER_PERCENTILES = [0, 6.68, 15.87, 30.85, 50, 69.15, 84.13, 93.32, 100] as const;

export const HISTOGRAM_BINS = 30;

/**
 * The histogram's edges are ±HISTOGRAM_SPAN × the largest |weight| at initialisation: fixed for the whole run
 * (and recomputed identically on resume, from the seed), so epochs are comparable bin by bin.
 */
export const HISTOGRAM_SPAN = 4;

/** Examples of the fixed probe batch (the first rows of the training split, in stored order). */
export const PROBE_EXAMPLES = 256;

/**
 * A unit counts as inactive on an example where its activation's slope is below 1 % of that activation's
 * steepest (ReLU: output 0). The dead fraction is the share of units inactive on every probe example.
 */
export const INACTIVE_SLOPE = 0.01;

export interface KernelHistogram {
  /** HISTOGRAM_BINS + 1 increasing edges; bin i holds edges[i] ≤ w < edges[i+1], the last one also w = edges[30]. */
  edges: number[];
  counts: number[];
  /** Weights below edges[0] and above the last edge: counted, not dropped. */
  below: number;
  above: number;
}

export interface LayerEpochStats {
  /** Fractional at an evaluation point inside an epoch (`training.evaluateEvery`). */
  epoch: number;
  /**
   * At an evaluation point: its step. Its updateRatio is then measured from the evaluation before it (point
   * or epoch end) and its gradNorm is of the batch before it.
   */
  step?: number;
  /** ‖W‖ (Frobenius) of the kernel after the epoch. */
  weightNorm: number;
  /** ‖∇W‖ of the objective on the epoch's last batch (the gradient that batch's update used). */
  gradNorm: number | null;
  /** ‖W_e − W_{e−1}‖ / ‖W_{e−1}‖; W_0 is the initial kernel. Null where ‖W_{e−1}‖ is 0. */
  updateRatio: number | null;
  histogram: KernelHistogram;
  /** The kernel's values at LAYER_PERCENTILES (to within 1/1024 of its range). */
  percentiles: number[];
  /** Share of the layer's units inactive on every probe example; null where no activation follows the layer. */
  deadFraction: number | null;
}

export interface LayerInfo {
  /** As in the model summary: "dense_1", "conv2d_1". */
  name: string;
  kind: 'dense' | 'conv2d';
  /** Kernel and bias. */
  params: number;
  /** The activation that follows the layer, whose inactive units are counted; null for the output layer. */
  activation: Activation | null;
  /** Examples the dead fraction is counted on: PROBE_EXAMPLES, or the whole training split if smaller. */
  probeExamples: number;
}

export interface RunLayerStats {
  runId: string;
  layers: (LayerInfo & {
    epochs: LayerEpochStats[];
    /** At the evaluation points inside epochs, in step order; absent for a run without points. */
    points?: LayerEpochStats[];
  })[];
}

/** What one epoch hands to the store: every layer's numbers, in layer order. */
export type EpochLayerStats = { layer: LayerInfo; stats: LayerEpochStats }[];

/** What "dead" means for an activation, in words for the panel and the CLI. */
export function inactiveMeaning(activation: Activation): string {
  return activation === 'relu' ? 'never active (output 0)' : 'saturated (slope under 1 % of its steepest)';
}

export function histogramEdges(maxAbsAtInit: number): number[] {
  // A kernel that starts at 0 everywhere still needs a range: one that small weights fall into.
  const half = maxAbsAtInit > 0 ? HISTOGRAM_SPAN * maxAbsAtInit : 1e-3;
  const width = (2 * half) / HISTOGRAM_BINS;
  return Array.from({ length: HISTOGRAM_BINS + 1 }, (_, i) =>
    i === HISTOGRAM_BINS ? half : -half + i * width,
  );
}

/** Counts weights into fixed edges by numpy.histogram's rule, keeping those outside apart. */
class HistogramCounter {
  readonly counts: number[];
  below = 0;
  above = 0;
  private readonly bins: number;
  private readonly lo: number;
  private readonly hi: number;
  private readonly width: number;

  constructor(private readonly edges: readonly number[]) {
    this.bins = edges.length - 1;
    this.counts = new Array<number>(this.bins).fill(0);
    this.lo = edges[0];
    this.hi = edges[this.bins];
    this.width = (this.hi - this.lo) / this.bins;
  }

  add(v: number): void {
    const { bins, edges } = this;
    if (v < this.lo) this.below += 1;
    else if (v > this.hi) this.above += 1;
    else if (v === this.hi) this.counts[bins - 1] += 1;
    else {
      // A guess from the width, then corrected against the stored edges so the rule is theirs exactly.
      let b = Math.min(bins - 1, Math.floor((v - this.lo) / this.width));
      while (b > 0 && v < edges[b]) b -= 1;
      while (b < bins - 1 && v >= edges[b + 1]) b += 1;
      this.counts[b] += 1;
    }
  }

  result(): KernelHistogram {
    return { edges: [...this.edges], counts: this.counts, below: this.below, above: this.above };
  }
}

/** numpy.histogram's rule on fixed edges, plus the counts outside them. */
export function histogramOf(values: ArrayLike<number>, edges: readonly number[]): KernelHistogram {
  const counter = new HistogramCounter(edges);
  for (let i = 0; i < values.length; i++) counter.add(values[i]);
  return counter.result();
}

const FINE_BINS = 1024;

/** Values at LAYER_PERCENTILES, read from a 1024-bin histogram over [min, max] with linear interpolation. */
export function percentilesOf(values: ArrayLike<number>): number[] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return percentilesWithin(values, min, max);
}

function percentilesWithin(values: ArrayLike<number>, min: number, max: number): number[] {
  const n = values.length;
  if (n === 0 || !(max >= min)) return LAYER_PERCENTILES.map(() => NaN);
  if (min === max) return LAYER_PERCENTILES.map(() => min);
  const width = (max - min) / FINE_BINS;
  const counts = new Float64Array(FINE_BINS);
  for (let i = 0; i < n; i++) counts[Math.min(FINE_BINS - 1, Math.floor((values[i] - min) / width))] += 1;
  return LAYER_PERCENTILES.map((p) => {
    if (p === 0) return min;
    if (p === 100) return max;
    const target = (p / 100) * n;
    let seen = 0;
    for (let b = 0; b < FINE_BINS; b++) {
      if (seen + counts[b] >= target) return min + (b + (target - seen) / counts[b]) * width;
      seen += counts[b];
    }
    return max;
  });
}

/** √Σ v², summed in float64. */
export function frobeniusNorm(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i] * values[i];
  return Math.sqrt(sum);
}

/** ‖a − b‖ (Frobenius), summed in float64. */
export function differenceNorm(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    sum += d * d;
  }
  return Math.sqrt(sum);
}

export interface KernelSummary {
  norm: number;
  /** ‖values − previous‖. */
  moved: number;
  histogram: KernelHistogram;
  percentiles: number[];
}

/**
 * frobeniusNorm, differenceNorm, histogramOf and percentilesOf of one kernel in two passes over it instead of
 * six: a layer of E2 holds 784 000 weights, read once per epoch.
 */
export function summariseKernel(
  values: ArrayLike<number>,
  previous: ArrayLike<number>,
  edges: readonly number[],
): KernelSummary {
  const n = values.length;
  const counter = new HistogramCounter(edges);
  let sum = 0;
  let moved = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    sum += v * v;
    const d = v - previous[i];
    moved += d * d;
    if (v < min) min = v;
    if (v > max) max = v;
    counter.add(v);
  }
  return {
    norm: Math.sqrt(sum),
    moved: Math.sqrt(moved),
    histogram: counter.result(),
    percentiles: percentilesWithin(values, min, max),
  };
}
