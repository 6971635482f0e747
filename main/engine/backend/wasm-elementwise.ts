/**
 * Sqrt, and Add / Sub / Multiply / RealDiv of a tensor and a per-channel vector, on the SIMD loops of
 * wasm-simd.ts.
 *
 * 4.22's Sqrt is a scalar loop: 7 ms over the 4.9 M weights of E4's dense kernel, which Adam takes the
 * square root of every step; four lanes at a time it is memory-bound, about 1.5 ms. Batch norm
 * broadcasts [C] vectors (mean, scale, gamma, beta, and their gradients) over NHWC activations, which
 * XNNPACK handles on its strided path at twice the cost of a plain elementwise pass. Everything else
 * (other dtypes, shapes, no SIMD) goes to the original kernel. IEEE single-precision results, so they
 * equal tfjs-backend-cpu's bit for bit.
 */
import { util, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { asWasmBackend, heapF32, kernelInput } from './wasm-heap';
import { simdFor, type BinaryOp } from './wasm-simd';

export function makeSqrt(original: KernelFunc): KernelFunc {
  return (args) => {
    const x = kernelInput(args.inputs, 'x');
    const backend = asWasmBackend(args.backend);
    const simd = x.dtype === 'float32' ? simdFor(backend) : null;
    if (simd == null) return original(args);
    const out = backend.makeOutput(x.shape, 'float32');
    const size = util.sizeFromShape(x.shape);
    if (size > 0) simd.sqrt(heapF32(backend, x).byteOffset, heapF32(backend, out).byteOffset, size);
    return out;
  };
}

/**
 * Whether v is a vector along x's last axis: v's shape is [..., 1, C] with C = x's last dimension, a
 * multiple of 4, no more axes than x, and x is more than one row. The result then has x's shape.
 */
function isChannelVector(x: TensorInfo, v: TensorInfo): boolean {
  const rx = x.shape.length;
  const rv = v.shape.length;
  if (rv === 0 || rv > rx) return false;
  const channels = x.shape[rx - 1];
  if (v.shape[rv - 1] !== channels || channels % 4 !== 0) return false;
  if (v.shape.slice(0, -1).some((d) => d !== 1)) return false;
  return util.sizeFromShape(x.shape) > channels;
}

/** a op b where one of them is a per-channel vector of the other (see isChannelVector). */
export function makeChannelBroadcast(original: KernelFunc, op: BinaryOp): KernelFunc {
  return (args) => {
    const a = kernelInput(args.inputs, 'a');
    const b = kernelInput(args.inputs, 'b');
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return original(args);
    const vectorIsB = isChannelVector(a, b);
    if (!vectorIsB && !isChannelVector(b, a)) return original(args);
    const backend = asWasmBackend(args.backend);
    const simd = simdFor(backend);
    if (simd == null) return original(args);
    const [x, v] = vectorIsB ? [a, b] : [b, a];
    const out = backend.makeOutput(x.shape, 'float32');
    const channels = x.shape[x.shape.length - 1];
    const rows = util.sizeFromShape(x.shape) / channels;
    const kernel = simd.broadcastRows(op, !vectorIsB);
    kernel(
      heapF32(backend, x).byteOffset,
      heapF32(backend, v).byteOffset,
      heapF32(backend, out).byteOffset,
      rows,
      channels,
    );
    return out;
  };
}
