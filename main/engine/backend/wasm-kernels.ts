/**
 * Kernels that make tfjs-backend-wasm 4.22 usable for training: a Conv2DBackpropFilter (missing
 * upstream), a MaxPoolGrad (upstream's is wrong for all-negative windows) and BatchMatMul/_FusedMatMul
 * wrappers that avoid its slow transposed path and its per-step packing of new weights. For speed:
 * Sum/Mean over contiguous axes without a transpose, a Conv2DBackpropInput on XNNPACK, Identity /
 * same-dtype Cast that share memory instead of copying it, and SIMD loops (wasm-simd.ts) for Sqrt,
 * per-channel broadcasting Add/Sub/Multiply/RealDiv and last-two-axes Transpose. And kernels of our own:
 * the optimizers' fused updates (update-kernels.ts, wasm-updates.ts).
 */
// Imported for its side effect: the wasm package registers its kernels on load, and ours must
// replace them, never be replaced by them.
import '@tensorflow/tfjs-backend-wasm';
import {
  _FusedMatMul,
  Add,
  BatchMatMul,
  Cast,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  getKernel,
  Identity,
  MaxPoolGrad,
  Mean,
  Multiply,
  RealDiv,
  registerKernel,
  Sqrt,
  Sub,
  Sum,
  Transpose,
  unregisterKernel,
  type KernelConfig,
  type KernelFunc,
} from '@tensorflow/tfjs-core';
import { makeConv2DBackpropFilter } from './wasm-conv2d-filter';
import { makeConv2DBackpropInput } from './wasm-conv2d-input';
import { makeChannelBroadcast, makeSqrt } from './wasm-elementwise';
import { makeCast, makeIdentity } from './wasm-identity';
import { makeBatchMatMul, makeFusedMatMul } from './wasm-matmul';
import { maxPoolGrad } from './wasm-maxpool-grad';
import { makeMean, makeSum } from './wasm-reduce';
import { makeTranspose } from './wasm-transpose';
import { UPDATE_KERNELS } from './wasm-updates';

const BACKEND = 'wasm';

/** Marks our configs; a global symbol so that two bundled copies of this module still agree. */
const MARK = Symbol.for('experiment-workbench.wasm-training-kernel');
type MarkedConfig = KernelConfig & { [MARK]?: true };

function isOurs(kernelName: string): boolean {
  return (getKernel(kernelName, BACKEND) as MarkedConfig | undefined)?.[MARK] === true;
}

function requireKernel(kernelName: string): KernelConfig {
  const config = getKernel(kernelName, BACKEND);
  if (config == null) {
    throw new Error(
      `tfjs-backend-wasm has no '${kernelName}' kernel; is @tensorflow/tfjs-backend-wasm 4.22 installed?`,
    );
  }
  return config;
}

function replaceKernel(original: KernelConfig, kernelFunc: KernelFunc): void {
  const config: MarkedConfig = { ...original, kernelFunc, [MARK]: true };
  unregisterKernel(original.kernelName, BACKEND);
  registerKernel(config);
}

/**
 * Kernels that wrap the original: each falls back to it for what it does not handle (other dtypes,
 * axes, layouts), so the original's config, setupFunc included, stays.
 */
const WRAPPED: ReadonlyArray<[string, (original: KernelFunc) => KernelFunc]> = [
  [Identity, makeIdentity],
  [Cast, makeCast],
  [Sum, makeSum],
  [Mean, makeMean],
  [Sqrt, makeSqrt],
  [Add, (original) => makeChannelBroadcast(original, 'add')],
  [Sub, (original) => makeChannelBroadcast(original, 'sub')],
  [Multiply, (original) => makeChannelBroadcast(original, 'mul')],
  [RealDiv, (original) => makeChannelBroadcast(original, 'div')],
  // Before the matMul wrappers below, which transpose through the registered kernel.
  [Transpose, makeTranspose],
];

/** Registers the training kernels for the 'wasm' backend. Safe to call any number of times. */
export function registerWasmTrainingKernels(): void {
  for (const [kernelName, make] of WRAPPED) {
    if (!isOurs(kernelName)) {
      const original = requireKernel(kernelName);
      replaceKernel(original, make(original.kernelFunc));
    }
  }
  const transpose = requireKernel(Transpose).kernelFunc;
  // The originals stay reachable through the wrappers; our configs keep their setupFunc, which
  // binds the C++ entry points whenever the backend is (re)selected.
  let matMul = requireKernel(BatchMatMul);
  if (!isOurs(BatchMatMul)) {
    replaceKernel(matMul, makeBatchMatMul(matMul.kernelFunc, transpose));
    matMul = requireKernel(BatchMatMul);
  }
  if (!isOurs(_FusedMatMul)) {
    const fused = requireKernel(_FusedMatMul);
    replaceKernel(fused, makeFusedMatMul(fused.kernelFunc, transpose));
  }
  if (!isOurs(Conv2DBackpropFilter)) {
    // Should a later tfjs-backend-wasm ship its own, ours (the tested one) still wins.
    if (getKernel(Conv2DBackpropFilter, BACKEND) != null) unregisterKernel(Conv2DBackpropFilter, BACKEND);
    const config: MarkedConfig = {
      kernelName: Conv2DBackpropFilter,
      backendName: BACKEND,
      // Its products are plain [rows, m] . [m, outChannels]: the wrapper hands them straight to XNNPACK.
      kernelFunc: makeConv2DBackpropFilter(matMul.kernelFunc),
      [MARK]: true,
    };
    registerKernel(config);
  }
  if (!isOurs(Conv2DBackpropInput)) {
    const original = requireKernel(Conv2DBackpropInput);
    // Its product is a plain [pixels, outChannels] . [outChannels, taps] (a fresh b) on XNNPACK.
    replaceKernel(original, makeConv2DBackpropInput(matMul.kernelFunc, original.kernelFunc));
  }
  if (!isOurs(MaxPoolGrad)) {
    // Upstream's routes an all-negative window's gradient to its first element; ours is pure JS, so
    // it needs none of the original's setupFunc.
    if (getKernel(MaxPoolGrad, BACKEND) != null) unregisterKernel(MaxPoolGrad, BACKEND);
    const config: MarkedConfig = {
      kernelName: MaxPoolGrad,
      backendName: BACKEND,
      kernelFunc: maxPoolGrad,
      [MARK]: true,
    };
    registerKernel(config);
  }
  for (const update of UPDATE_KERNELS) {
    if (!isOurs(update.kernelName)) {
      if (getKernel(update.kernelName, BACKEND) != null) unregisterKernel(update.kernelName, BACKEND);
      const config: MarkedConfig = { ...update, backendName: BACKEND, [MARK]: true };
      registerKernel(config);
    }
  }
}
