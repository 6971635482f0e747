/**
 * Sum and Mean over a contiguous run of axes, for float32, in one pass over the input.
 *
 * tfjs-backend-wasm 4.22 first transposes the reduced axes to the end (a full copy with a slow,
 * general permutation) and then reduces. Batch norm over NHWC reduces axes [0, 1, 2] and its gradient
 * does so six times per step (every broadcast [C] operand's gradient is such a sum): 2.5 ms each for a
 * [32, 28, 28, 32] activation, against 0.2 ms here (1 ms without SIMD). We view x as [outer, reduced,
 * inner] and add the rows up in float64, so results are the exactly rounded sum as often as
 * tfjs-backend-cpu's (which also adds in float64, in another order). Other axes, dtypes and empty
 * reductions go to the original.
 */
import { backend_util, util, type KernelFunc, type SumAttrs, type TensorInfo } from '@tensorflow/tfjs-core';
import { asWasmBackend, heapF32, kernelInput, type WasmBackend } from './wasm-heap';
import { simdFor, type Simd } from './wasm-simd';

interface Split {
  outer: number;
  reduced: number;
  inner: number;
  /** The output shape, with kept (size-1) dimensions when keepDims. */
  outShape: number[];
}

/** x viewed as [outer, reduced, inner], or null when the reduced axes are not one contiguous run. */
function splitAxes(shape: number[], axis: number | number[], keepDims: boolean): Split | null {
  const axes = [...new Set(util.parseAxisParam(axis, shape))].sort((a, b) => a - b);
  if (axes.length === 0) return null;
  const first = axes[0];
  const last = axes[axes.length - 1];
  if (last - first + 1 !== axes.length) return null;
  const outer = util.sizeFromShape(shape.slice(0, first));
  const reduced = util.sizeFromShape(shape.slice(first, last + 1));
  const inner = util.sizeFromShape(shape.slice(last + 1));
  if (outer * inner === 0 || reduced === 0) return null;
  const [kept] = backend_util.computeOutAndReduceShapes(shape, axes);
  const outShape = keepDims ? backend_util.expandShapeToKeepDim(kept, axes) : kept;
  return { outer, reduced, inner, outShape };
}

/** Rows per block: a block of x stays in L1 while its columns are summed. */
const BLOCK_ROWS = 64;

/**
 * out[o, i] = (sum over r of x[o, r, i]) / divisor, summed and divided in float64. Columns are summed
 * four at a time down a block of rows in local variables (a loop over a Float64Array of accumulators
 * is 3x slower in V8), then added to the accumulators.
 */
function reduceRows(x: Float32Array, out: Float32Array, s: Split, divisor: number): void {
  const { outer, reduced, inner } = s;
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const start = o * reduced;
      const end = start + reduced;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let i = start;
      for (; i + 3 < end; i += 4) {
        s0 += x[i];
        s1 += x[i + 1];
        s2 += x[i + 2];
        s3 += x[i + 3];
      }
      for (; i < end; i++) s0 += x[i];
      out[o] = (s0 + s1 + (s2 + s3)) / divisor;
    }
    return;
  }
  const acc = new Float64Array(inner);
  const inner4 = inner - (inner % 4);
  for (let o = 0; o < outer; o++) {
    acc.fill(0);
    const base = o * reduced * inner;
    for (let r0 = 0; r0 < reduced; r0 += BLOCK_ROWS) {
      const r1 = Math.min(reduced, r0 + BLOCK_ROWS);
      const first = base + r0 * inner;
      const last = base + r1 * inner;
      for (let j = 0; j < inner4; j += 4) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let i = first + j; i < last; i += inner) {
          s0 += x[i];
          s1 += x[i + 1];
          s2 += x[i + 2];
          s3 += x[i + 3];
        }
        acc[j] += s0;
        acc[j + 1] += s1;
        acc[j + 2] += s2;
        acc[j + 3] += s3;
      }
      for (let j = inner4; j < inner; j++) {
        let s0 = 0;
        for (let i = first + j; i < last; i += inner) s0 += x[i];
        acc[j] += s0;
      }
    }
    const at = o * inner;
    for (let j = 0; j < inner; j++) out[at + j] = acc[j] / divisor;
  }
}

/**
 * reduceRows on the SIMD column-sum loop (wasm-simd.ts), for inner sizes that are a multiple of 4:
 * about 0.2 ms for E4's batch norm sums. The float64 accumulators live in a heap scratch tensor.
 */
function reduceRowsSimd(
  backend: WasmBackend,
  simd: Simd,
  x: TensorInfo,
  out: TensorInfo,
  s: Split,
  divisor: number,
): void {
  // One float32 more than the accumulators need, so that they can always start on an 8-byte boundary: a
  // path chosen by where the allocator put the scratch would make the sums (and so a resumed run, whose heap
  // differs from the uninterrupted run's) depend on the heap's history.
  const scratch = backend.makeOutput([2 * s.inner + 1], 'float32');
  try {
    // Views only after the allocations, which may grow (and so detach) wasm memory.
    const start = heapF32(backend, scratch).byteOffset;
    const offset = start % 8 === 0 ? start : start + 4;
    const acc = new Float64Array(heapF32(backend, scratch).buffer, offset, s.inner);
    const src = heapF32(backend, x);
    const dst = heapF32(backend, out);
    const rowBytes = s.reduced * s.inner * 4;
    for (let o = 0; o < s.outer; o++) {
      acc.fill(0);
      simd.columnSums(src.byteOffset + o * rowBytes, offset, s.reduced, s.inner);
      const at = o * s.inner;
      for (let j = 0; j < s.inner; j++) dst[at + j] = acc[j] / divisor;
    }
  } finally {
    backend.disposeData(scratch.dataId);
  }
}

function makeReduction(original: KernelFunc, mean: boolean): KernelFunc {
  return (args) => {
    const x = kernelInput(args.inputs, 'x');
    const { axis, keepDims } = args.attrs as unknown as SumAttrs;
    const s = x.dtype === 'float32' ? splitAxes(x.shape, axis, keepDims) : null;
    if (s == null) return original(args);
    const backend = asWasmBackend(args.backend);
    const out = backend.makeOutput(s.outShape, 'float32');
    const divisor = mean ? s.reduced : 1;
    const simd = s.inner % 4 === 0 ? simdFor(backend) : null;
    if (simd != null) reduceRowsSimd(backend, simd, x, out, s, divisor);
    // Views only after the allocation, which may grow (and so detach) wasm memory.
    else reduceRows(heapF32(backend, x), heapF32(backend, out), s, divisor);
    return out;
  };
}

export function makeSum(original: KernelFunc): KernelFunc {
  return makeReduction(original, false);
}

export function makeMean(original: KernelFunc): KernelFunc {
  return makeReduction(original, true);
}
