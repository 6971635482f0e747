/**
 * The optimizers' fused update kernels: names and attributes, shared by the optimizers (../optim, which
 * use a kernel where the current backend has a usable one) and the wasm implementation (wasm-updates.ts).
 * Elsewhere the equivalent tf op sequence runs (../optim/fused-updates.ts).
 */
import type { KernelBackend, KernelConfig } from '@tensorflow/tfjs-core';

/** A kernel config that may decline: `usable(backend)` false means "run the op sequence instead". */
export interface UpdateKernelConfig extends KernelConfig {
  usable?: (backend: KernelBackend) => boolean;
}

/** inputs {w, g, m, v}, attrs AdamUpdateAttrs; outputs [w', m', v']. */
export const ADAM_UPDATE = 'WorkbenchAdamUpdate';
/** inputs {w, g, v}, attrs MomentumUpdateAttrs; outputs [w', v'] with v' = v·γ − g·α, w' = w + v'. */
export const MOMENTUM_UPDATE = 'WorkbenchMomentumUpdate';
/** inputs {w, g}, attrs SgdUpdateAttrs; output w − g·α. */
export const SGD_UPDATE = 'WorkbenchSgdUpdate';
/** inputs {w, v}, attrs LookAheadAttrs; output w + v·γ. */
export const LOOK_AHEAD = 'WorkbenchLookAhead';

export interface AdamUpdateAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 − β1^t and 1 − β2^t, computed in float64 by the caller. */
  correction1: number;
  correction2: number;
  learningRate: number;
}

export interface MomentumUpdateAttrs {
  momentum: number;
  learningRate: number;
}

export interface SgdUpdateAttrs {
  learningRate: number;
}

export interface LookAheadAttrs {
  momentum: number;
}
