import * as tf from '@tensorflow/tfjs-core';
import type { Activation } from '../../../common/config/run-config';
import {
  frobeniusNorm,
  histogramEdges,
  INACTIVE_SLOPE,
  PROBE_EXAMPLES,
  summariseKernel,
  type EpochLayerStats,
  type LayerInfo,
} from '../../../common/layers/layer-stats';
import type { Conv2DLayer, DenseLayer, Model } from '../model/types';
import type { GradientEvaluation } from '../optim/types';
import type { SplitArrays } from '../types';

interface WatchedLayer {
  info: LayerInfo;
  layer: DenseLayer | Conv2DLayer;
  /** Index of the kernel in model.parameters (and so in a gradient evaluation's grads). */
  parameter: number;
  /** Index in model.layers of the activation that follows, if any. */
  activationLayer: number | null;
  edges: number[];
  /** The kernel at the start of the epoch being trained: W_{e−1}. */
  previous: Float32Array;
  previousNorm: number;
  /** The kernel at the run's last evaluation, point or epoch end: what a point's update ratio is from. */
  lastEvaluated: Float32Array;
  lastEvaluatedNorm: number;
}

/** Where the activation's slope is at least INACTIVE_SLOPE of its steepest, from its output alone. */
function responsive(output: tf.Tensor, activation: Activation): tf.Tensor {
  switch (activation) {
    case 'relu':
      return tf.greater(output, 0);
    case 'sigmoid':
      // σ' = y(1 − y), steepest 1/4.
      return tf.greaterEqual(tf.mul(output, tf.sub(1, output)), INACTIVE_SLOPE / 4);
    case 'softplus':
      // softplus' = σ(x) = 1 − e^{−y}, steepest 1.
      return tf.greaterEqual(output, -Math.log(1 - INACTIVE_SLOPE));
    case 'tanh':
      // tanh' = 1 − y², steepest 1.
      return tf.greaterEqual(tf.sub(1, tf.square(output)), INACTIVE_SLOPE);
  }
}

function copyOf(variable: tf.Tensor): Float32Array {
  // dataSync may hand out the backend's own array, which the next step overwrites.
  const data = variable.dataSync();
  return data instanceof Float32Array ? data.slice() : Float32Array.from(data as ArrayLike<number>);
}

/**
 * Per-layer statistics of a training run (common/layers/layer-stats.ts), at a cost of one kernel read, one
 * gradient norm and a 256-example forward pass per epoch. Create it on the freshly built model, before any
 * saved weights are put back: the histogram edges come from the initial kernels, so a resumed or forked
 * run bins exactly as it would have uninterrupted. Call begin() once the weights training starts from are in.
 */
export class LayerWatch {
  private readonly layers: WatchedLayer[];
  private readonly probe: tf.Tensor;
  private gradSquares: tf.Scalar[] | null = null;

  constructor(
    private readonly model: Model,
    train: SplitArrays,
  ) {
    const weighted = model.layers.flatMap((layer, index) =>
      layer.kind === 'dense' || layer.kind === 'conv2d' ? [{ layer, index }] : [],
    );
    const rows = Math.min(PROBE_EXAMPLES, train.count);
    this.layers = weighted.map(({ layer, index }, w) => {
      const next = weighted[w + 1]?.index ?? model.layers.length;
      const activationLayer = model.layers.findIndex(
        (l, i) => i > index && i < next && l.kind === 'activation',
      );
      const activation = activationLayer >= 0 ? model.layers[activationLayer] : null;
      const initial = copyOf(layer.kernel.variable);
      let maxAbs = 0;
      for (const v of initial) maxAbs = Math.max(maxAbs, Math.abs(v));
      return {
        info: {
          name: layer.name,
          kind: layer.kind,
          params: layer.kernel.variable.size + layer.bias.variable.size,
          activation: activation?.kind === 'activation' ? activation.activation : null,
          probeExamples: rows,
        },
        layer,
        parameter: model.parameters.indexOf(layer.kernel),
        activationLayer: activationLayer >= 0 ? activationLayer : null,
        edges: histogramEdges(maxAbs),
        previous: initial,
        previousNorm: frobeniusNorm(initial),
        lastEvaluated: initial,
        lastEvaluatedNorm: frobeniusNorm(initial),
      };
    });
    const rowSize = model.inputShape.reduce((a, b) => a * b, 1);
    this.probe = tf.tensor(train.x.subarray(0, rows * rowSize), [rows, ...model.inputShape]);
  }

  /** The kernels training starts from (the initial ones, or a resumed or forked state's): W_0 of the update ratio. */
  begin(): void {
    for (const watched of this.layers) {
      watched.previous = copyOf(watched.layer.kernel.variable);
      watched.previousNorm = frobeniusNorm(watched.previous);
      watched.lastEvaluated = watched.previous;
      watched.lastEvaluatedNorm = watched.previousNorm;
    }
  }

  /**
   * Wraps the evaluation of an epoch's last batch (or of the batch before a point) so that its kernel gradients' squared norms are kept (the
   * optimizer frees the gradients themselves). The gradient is not changed.
   */
  tapLastBatch(evaluate: () => GradientEvaluation): () => GradientEvaluation {
    return () => {
      const evaluation = evaluate();
      tf.dispose(this.gradSquares ?? []);
      this.gradSquares = this.layers.map((w) => tf.keep(tf.sum(tf.square(evaluation.grads[w.parameter]))));
      return evaluation;
    };
  }

  /** The numbers after `epoch`; call once per epoch, after its last batch. */
  afterEpoch(epoch: number): EpochLayerStats {
    return this.measure(epoch, undefined);
  }

  /**
   * The numbers at an evaluation point inside an epoch, after the batch tapped before it: the update ratio
   * from the last evaluation (point or epoch end); the epoch's own ratio still reads from the epoch's start.
   */
  afterPoint(epoch: number, step: number): EpochLayerStats {
    return this.measure(epoch, step);
  }

  private measure(epoch: number, step: number | undefined): EpochLayerStats {
    const gradNorms = (this.gradSquares ?? []).map((s) => Math.sqrt(s.dataSync()[0]));
    tf.dispose(this.gradSquares ?? []);
    this.gradSquares = null;
    const dead = this.deadFractions();
    return this.layers.map((watched, i) => {
      const values = copyOf(watched.layer.kernel.variable);
      const [from, fromNorm] =
        step === undefined
          ? [watched.previous, watched.previousNorm]
          : [watched.lastEvaluated, watched.lastEvaluatedNorm];
      const summary = summariseKernel(values, from, watched.edges);
      const weightNorm = summary.norm;
      const updateRatio = fromNorm > 0 ? summary.moved / fromNorm : null;
      if (step === undefined) {
        watched.previous = values;
        watched.previousNorm = weightNorm;
      }
      watched.lastEvaluated = values;
      watched.lastEvaluatedNorm = weightNorm;
      return {
        layer: watched.info,
        stats: {
          epoch,
          ...(step === undefined ? {} : { step }),
          weightNorm,
          gradNorm: gradNorms[i] ?? null,
          updateRatio,
          histogram: summary.histogram,
          percentiles: summary.percentiles,
          deadFraction: dead[i],
        },
      };
    });
  }

  /** Per watched layer: the share of its units (dense: units, conv: filters) inactive on every probe example. */
  private deadFractions(): (number | null)[] {
    const byActivation = new Map<number, number>();
    this.layers.forEach((w, i) => {
      if (w.activationLayer !== null) byActivation.set(w.activationLayer, i);
    });
    if (byActivation.size === 0) return this.layers.map(() => null);
    const counts = tf.tidy(() => {
      const dead: tf.Tensor[] = [];
      const order: number[] = [];
      this.model.forward(this.probe, false, undefined, {
        onActivation: (layerIndex, output) => {
          const watched = byActivation.get(layerIndex);
          const layer = this.model.layers[layerIndex];
          if (watched === undefined || layer.kind !== 'activation') return;
          // Over every axis but the last (units, or a convolution's channels): ever responsive?
          const axes = output.shape.slice(0, -1).map((_, a) => a);
          const ever = tf.any(responsive(output, layer.activation), axes);
          dead.push(tf.mean(tf.cast(tf.logicalNot(ever), 'float32')));
          order.push(watched);
        },
      });
      return { values: tf.stack(dead), order };
    });
    try {
      const values = counts.values.dataSync();
      const out: (number | null)[] = this.layers.map(() => null);
      counts.order.forEach((watched, k) => (out[watched] = values[k]));
      return out;
    } finally {
      counts.values.dispose();
    }
  }

  dispose(): void {
    tf.dispose(this.gradSquares ?? []);
    this.probe.dispose();
  }
}
