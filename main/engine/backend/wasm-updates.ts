/**
 * The optimizers' fused updates (update-kernels.ts) on tfjs-backend-wasm: one SIMD pass
 * (wasm-simd-updates.ts) over w, g and the optimizer's slots, writing new tensors that assign() then
 * takes, as it took the op sequence's results. Bit for bit the op sequence's values.
 *
 * E4's Adam update, measured in one process on its 4.9 M parameters: 14 tf ops per variable 23 ms, this
 * kernel 6 ms; a JS loop over the heap with Math.fround after every operation (also exact) took 67 ms,
 * so without SIMD the kernels decline (`usable`) and the optimizers run the op sequence.
 */
import { util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import {
  ADAM_UPDATE,
  LOOK_AHEAD,
  MOMENTUM_UPDATE,
  SGD_UPDATE,
  type AdamUpdateAttrs,
  type LookAheadAttrs,
  type MomentumUpdateAttrs,
  type SgdUpdateAttrs,
  type UpdateKernelConfig,
} from './update-kernels';
import { asWasmBackend, heapF32, kernelInput } from './wasm-heap';
import { simdFor } from './wasm-simd';
import { UPDATES, type UpdateName } from './wasm-simd-updates';

/** Tests switch the kernels off to run the op sequence on wasm as well. */
let enabled = true;

export function setFusedUpdates(on: boolean): void {
  enabled = on;
}

function usable(backend: unknown): boolean {
  return enabled && simdFor(asWasmBackend(backend)) != null;
}

function makeUpdate(name: UpdateName, scalarsOf: (attrs: unknown) => number[]): KernelFunc {
  const program = UPDATES[name];
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const simd = simdFor(backend);
    if (simd == null) throw new Error(`the fused ${name} update needs WebAssembly SIMD`);
    const inputs = program.inputs.map((input) => kernelInput(args.inputs, input));
    const { shape } = inputs[0];
    for (const t of inputs) {
      if (t.dtype !== 'float32' || !util.arraysEqual(t.shape, shape)) {
        throw new Error(`${name} update: every input must be float32 of shape [${shape.join(', ')}]`);
      }
    }
    const outputs: TensorInfo[] = program.outputs.map(() => backend.makeOutput([...shape], 'float32'));
    const size = util.sizeFromShape(shape);
    if (size > 0) {
      // Offsets only now: makeOutput may have grown the heap.
      const offsets = [...inputs, ...outputs].map((t) => heapF32(backend, t).byteOffset);
      simd.update[name](...offsets, size, ...scalarsOf(args.attrs));
    }
    return outputs.length === 1 ? outputs[0] : outputs;
  };
}

/** The configs wasm-kernels.ts registers for the 'wasm' backend. */
export const UPDATE_KERNELS: ReadonlyArray<Omit<UpdateKernelConfig, 'backendName'>> = [
  {
    kernelName: ADAM_UPDATE,
    kernelFunc: makeUpdate('adam', (attrs) => {
      const a = attrs as AdamUpdateAttrs;
      // In UPDATES.adam's order; 1 − β is computed in float64 and then rounded, as tf.mul(g, 1 − β1) does.
      return [
        a.beta1,
        1 - a.beta1,
        a.beta2,
        1 - a.beta2,
        a.correction1,
        a.correction2,
        a.epsilon,
        a.learningRate,
      ];
    }),
    usable,
  },
  {
    kernelName: MOMENTUM_UPDATE,
    kernelFunc: makeUpdate('momentum', (attrs) => {
      const a = attrs as MomentumUpdateAttrs;
      return [a.momentum, a.learningRate];
    }),
    usable,
  },
  {
    kernelName: SGD_UPDATE,
    kernelFunc: makeUpdate('sgd', (attrs) => [(attrs as SgdUpdateAttrs).learningRate]),
    usable,
  },
  {
    kernelName: LOOK_AHEAD,
    kernelFunc: makeUpdate('lookAhead', (attrs) => [(attrs as LookAheadAttrs).momentum]),
    usable,
  },
];
