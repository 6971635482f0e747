/**
 * Identity, and Cast to the same dtype, without copying: the output shares the input's heap memory and
 * the backend's reference count keeps it alive, exactly as tfjs-backend-wasm's own Reshape does (and as
 * tfjs-backend-cpu's Identity does). Tensors are immutable, no wasm kernel writes into an input, so
 * sharing is invisible.
 *
 * 4.22 copies instead, and autograd clones every tensor it saves for the backward pass (the engine's
 * saveTensorsForBackwardMode), so a training step paid a full copy of each dense kernel and of every
 * saved activation; gradients also cast float32 to float32 (mul's gradient casts its other operand).
 * Cast to bool is also corrected here (see makeCast).
 */
import type { CastAttrs, KernelFunc } from '@tensorflow/tfjs-core';
import { asWasmBackend, kernelInput } from './wasm-heap';

/** The same data, one more reference; strings (kept in JS, not on the heap) go to `original`. */
function share(args: Parameters<KernelFunc>[0], original: KernelFunc): ReturnType<KernelFunc> {
  const x = kernelInput(args.inputs, 'x');
  if (x.dtype === 'string' || x.dtype === 'complex64') return original(args);
  asWasmBackend(args.backend).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}

export function makeIdentity(original: KernelFunc): KernelFunc {
  return (args) => share(args, original);
}

/**
 * Cast to the dtype the tensor already has shares it. Cast to bool is x != 0 (NaN included), as on
 * cpu: 4.22 copies the numbers into bytes, so -2.2 became 254 and 256 became 0. Other conversions are
 * left to `original`.
 */
export function makeCast(original: KernelFunc): KernelFunc {
  return (args) => {
    const x = kernelInput(args.inputs, 'x');
    const { dtype } = args.attrs as unknown as CastAttrs;
    if (dtype === x.dtype) return share(args, original);
    if (dtype !== 'bool' || (x.dtype !== 'float32' && x.dtype !== 'int32')) return original(args);
    const backend = asWasmBackend(args.backend);
    const out = backend.makeOutput(x.shape, 'bool');
    const src = backend.typedArrayFromHeap(x);
    const dst = backend.typedArrayFromHeap(out);
    for (let i = 0; i < src.length; i++) dst[i] = src[i] !== 0 ? 1 : 0;
    return out;
  };
}
