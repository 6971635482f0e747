/**
 * Floating-point operations per training example, from the architecture (the product's own model summary).
 *
 * Only the dense and convolution products count (bias, activation, batch norm, pooling and the optimizer
 * are O(parameters or activations) and left out), 2 FLOPs per multiply-add. A training step runs each
 * product three times: forward, the gradient with respect to the weights and the gradient with respect to
 * the layer's input. The first layer's input gradient is needed by nobody and no engine here computes it,
 * so training = 3 × forward − the first layer's forward.
 */
import type { ModelConfig } from '../common/config/run-config';
import { describeModel } from '../common/model/summary';

export interface ModelFlops {
  /** FLOPs of one example's forward pass. */
  forward: number;
  /** FLOPs of one example's training step (forward and backward). */
  training: number;
}

export function modelFlops(model: ModelConfig, inputShape: number[], classes: number): ModelFlops {
  let forward = 0;
  let first: number | null = null;
  for (const layer of describeModel(model, inputShape, classes).layers) {
    if (layer.kind !== 'dense' && layer.kind !== 'conv2d') continue;
    const out = layer.outputShape;
    const units = out[out.length - 1];
    // params = weights + one bias per output unit (or filter); a conv kernel is applied at every position.
    const weights = layer.params - units;
    const positions = out.slice(0, -1).reduce((a, b) => a * b, 1);
    const flops = 2 * weights * positions;
    first ??= flops;
    forward += flops;
  }
  return { forward, training: 3 * forward - (first ?? 0) };
}
