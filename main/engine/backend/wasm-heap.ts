/**
 * The small part of tfjs-backend-wasm's backend object that our kernels use, plus helpers to move
 * float32 data around on its heap without round-tripping through JS arrays.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

export type WasmBackend = Pick<
  BackendWasm,
  'makeOutput' | 'typedArrayFromHeap' | 'disposeData' | 'numDataIds' | 'incRef'
>;

/** The arguments every kernel function receives, with the backend typed as the wasm one. */
export interface WasmKernelArgs {
  inputs: Parameters<KernelFunc>[0]['inputs'];
  backend: WasmBackend;
  attrs?: Parameters<KernelFunc>[0]['attrs'];
}

export function asWasmBackend(backend: unknown): WasmBackend {
  const b = backend as Partial<WasmBackend> | null;
  if (
    b == null ||
    typeof b.makeOutput !== 'function' ||
    typeof b.typedArrayFromHeap !== 'function' ||
    typeof b.incRef !== 'function'
  ) {
    throw new Error('wasm training kernel called with a backend that is not tfjs-backend-wasm');
  }
  return b as WasmBackend;
}

/** A named kernel input; tfjs types every input as optional. */
export function kernelInput(inputs: WasmKernelArgs['inputs'], name: string): TensorInfo {
  const t = inputs[name];
  if (t == null) throw new Error(`missing kernel input '${name}'`);
  return t;
}

/** Calls a kernel and insists on a single output, which is all the kernels we wrap produce. */
export function runKernel(kernel: KernelFunc, args: WasmKernelArgs): TensorInfo {
  const out = kernel(args);
  if (Array.isArray(out)) throw new Error('expected a single-output kernel');
  return out;
}

/**
 * The same data under another shape of equal size. The wasm kernels we call take their own
 * reference (Reshape increments the ref count), so a view is never disposed by us.
 */
export function view(t: TensorInfo, shape: number[]): TensorInfo {
  return { dataId: t.dataId, shape, dtype: t.dtype };
}

/**
 * A Float32Array over the tensor's heap memory. Any later heap allocation may grow wasm memory
 * and detach it, so take views only after the allocations of a step are done.
 */
export function heapF32(backend: WasmBackend, t: TensorInfo): Float32Array {
  const arr = backend.typedArrayFromHeap(t);
  if (!(arr instanceof Float32Array)) throw new Error(`expected a float32 tensor, got ${t.dtype}`);
  return arr;
}

/** A new [shape] tensor holding `length` floats copied from `src` starting at element `offset`. */
export function copySlice(
  backend: WasmBackend,
  src: TensorInfo,
  offset: number,
  shape: number[],
): TensorInfo {
  const out = backend.makeOutput(shape, 'float32');
  const dst = heapF32(backend, out);
  dst.set(heapF32(backend, src).subarray(offset, offset + dst.length));
  return out;
}

export function disposeAll(backend: WasmBackend, infos: readonly TensorInfo[]): void {
  for (const t of infos) backend.disposeData(t.dataId);
}
