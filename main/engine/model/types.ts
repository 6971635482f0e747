import type * as tf from '@tensorflow/tfjs-core';
import type { Activation, ModelConfig } from '../../../common/config/run-config';

/** What a trainable tensor is, so the L2 penalty can pick weights (and biases) but never batch norm's γ/β. */
export type ParameterRole = 'weight' | 'bias' | 'bn-gamma' | 'bn-beta';

export interface ModelParameter {
  /** "<layer>/<tensor>", e.g. "dense_1/kernel"; layer names match common/model/summary.ts. */
  name: string;
  role: ParameterRole;
  variable: tf.Variable;
}

/** Non-trainable state (batch norm moving statistics). */
export interface ModelState {
  name: string;
  variable: tf.Variable;
}

export interface DenseLayer {
  kind: 'dense';
  name: string;
  kernel: ModelParameter;
  bias: ModelParameter;
}

export interface Conv2DLayer {
  kind: 'conv2d';
  name: string;
  kernel: ModelParameter;
  bias: ModelParameter;
  stride: number;
  padding: 'same' | 'valid';
}

export interface ActivationLayer {
  kind: 'activation';
  name: string;
  activation: Activation;
}

export interface BatchNormLayer {
  kind: 'batchNorm';
  name: string;
  gamma: ModelParameter;
  beta: ModelParameter;
  movingMean: ModelState;
  movingVariance: ModelState;
  /** Added to the variance before the square root. */
  epsilon: number;
  /** Moving statistics decay: moving = momentum·moving + (1 − momentum)·batch. */
  momentum: number;
}

export interface MaxPoolLayer {
  kind: 'maxPool';
  name: string;
  size: number;
}

export interface FlattenLayer {
  kind: 'flatten';
  name: string;
}

export interface DropoutLayer {
  kind: 'dropout';
  name: string;
  /** Keep probability p: kept units are scaled by 1/p (inverted dropout). */
  keep: number;
  /** Position among the model's dropout layers; part of the mask seed. */
  index: number;
}

export type Layer =
  DenseLayer | Conv2DLayer | ActivationLayer | BatchNormLayer | MaxPoolLayer | FlattenLayer | DropoutLayer;

/** One batch norm layer's statistics of a training batch, to update the moving averages after the step. */
export interface BatchStatistics {
  layer: BatchNormLayer;
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

export interface ForwardExtras {
  /**
   * Index of x's first row within the whole batch. A full batch evaluated in chunks passes each chunk's
   * offset so that every example gets the same dropout mask as in one big pass.
   */
  rowOffset?: number;
  /**
   * In training mode, batch norm layers push their batch statistics here (kept tensors: the caller disposes
   * them). Left out, the moving statistics are not touched (gradient checks, look-ahead evaluations).
   */
  batchStatistics?: BatchStatistics[];
  /**
   * Called with each activation layer's output (its index in `layers`), inside the caller's tidy: the layer
   * statistics count inactive units on a probe batch this way (../inspect/layer-watch.ts).
   */
  onActivation?(layerIndex: number, output: tf.Tensor): void;
}

export interface Model {
  readonly config: ModelConfig;
  /** Shape of one input example as the first layer takes it: [features] or [height, width, channels]. */
  readonly inputShape: number[];
  readonly outputSize: number;
  readonly layers: readonly Layer[];
  /** Trainable tensors, in layer order. */
  readonly parameters: readonly ModelParameter[];
  /** Non-trainable state, in layer order. */
  readonly state: readonly ModelState[];
  readonly hasBatchNorm: boolean;
  /**
   * Logits [rows, outputSize]. `training` switches on dropout (needs `dropoutSeed`) and batch statistics in
   * batch norm; otherwise batch norm uses its moving statistics and dropout is the identity.
   */
  forward(x: tf.Tensor, training: boolean, dropoutSeed?: number, extras?: ForwardExtras): tf.Tensor2D;
  /** Folds one step's batch statistics into the moving averages. */
  applyBatchStatistics(statistics: readonly BatchStatistics[]): void;
  dispose(): void;
}
