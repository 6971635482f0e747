/**
 * BatchMatMul and _FusedMatMul on the platform's BLAS (blas.ts): every float32 product goes to one sgemm per
 * batch entry, reading the operands and writing the output in place on the wasm heap (Float32Array views of
 * the tensors' memory; nothing is copied or transposed: sgemm takes the transposes as flags). A fused product's
 * bias is laid into the output before the sgemm accumulates onto it, and ReLU clamps it afterwards.
 *
 * These return null for what they do not handle (other dtypes, invalid shapes, other activations, bias shapes
 * other than [n] or [1]); the caller then takes the wasm path (wasm-matmul.ts).
 */
import {
  broadcast_util,
  util,
  type _FusedMatMulAttrs,
  type BatchMatMulAttrs,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import type { BlasAddon } from './blas';
import { heapF32, type WasmBackend, type WasmKernelArgs } from './wasm-heap';
import { broadcastSources } from './broadcast';

let calls = 0;

/** sgemm calls made in this thread so far: lets tests see that a product took the BLAS path. */
export function sgemmCalls(): number {
  return calls;
}

interface Dims {
  m: number;
  k: number;
  n: number;
  aOuter: number[];
  bOuter: number[];
  outOuter: number[];
}

function dims(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): Dims | null {
  const ra = a.shape.length;
  const rb = b.shape.length;
  if (ra < 2 || rb < 2) return null;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (k !== kb) return null;
  const aOuter = a.shape.slice(0, -2);
  const bOuter = b.shape.slice(0, -2);
  try {
    return { m, k, n, aOuter, bOuter, outOuter: broadcast_util.assertAndGetBroadcastShape(aOuter, bOuter) };
  } catch {
    return null;
  }
}

interface Epilogue {
  bias: TensorInfo | null;
  relu: boolean;
}

function product(
  blas: BlasAddon,
  backend: WasmBackend,
  a: TensorInfo,
  b: TensorInfo,
  d: Dims,
  transposeA: boolean,
  transposeB: boolean,
  epilogue: Epilogue,
): TensorInfo {
  const { m, k, n } = d;
  const out = backend.makeOutput([...d.outOuter, m, n], 'float32');
  if (util.sizeFromShape(out.shape) === 0) return out;
  // Views only after the output's allocation, which may have grown (and so detached) wasm memory.
  const av = heapF32(backend, a);
  const bv = heapF32(backend, b);
  const cv = heapF32(backend, out);
  const bias = epilogue.bias === null ? null : heapF32(backend, epilogue.bias);
  const aBatch = util.sizeFromShape(d.aOuter);
  const bBatch = util.sizeFromShape(d.bOuter);
  const entries = util.sizeFromShape(d.outOuter);
  if (bBatch === 1 && (aBatch === 1 || !transposeA)) {
    // One product: a's batch entries stacked into rows share b.
    blas.sgemm(transposeA, transposeB, entries * m, n, k, av, bv, cv, bias, epilogue.relu);
    calls += 1;
    return out;
  }
  const aSrc = broadcastSources(d.aOuter, d.outOuter);
  const bSrc = broadcastSources(d.bOuter, d.outOuter);
  for (let i = 0; i < entries; i++) {
    blas.sgemm(
      transposeA,
      transposeB,
      m,
      n,
      k,
      av.subarray(aSrc[i] * m * k, (aSrc[i] + 1) * m * k),
      bv.subarray(bSrc[i] * k * n, (bSrc[i] + 1) * k * n),
      cv.subarray(i * m * n, (i + 1) * m * n),
      bias,
      epilogue.relu,
    );
  }
  calls += entries;
  return out;
}

const isFloat = (...ts: TensorInfo[]) => ts.every((t) => t.dtype === 'float32');

export function blasBatchMatMul(
  blas: BlasAddon,
  backend: WasmBackend,
  args: WasmKernelArgs,
): TensorInfo | null {
  const { a, b } = args.inputs;
  if (a == null || b == null || !isFloat(a, b)) return null;
  const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
  const d = dims(a, b, transposeA, transposeB);
  if (d === null) return null;
  return product(blas, backend, a, b, d, transposeA, transposeB, { bias: null, relu: false });
}

export function blasFusedMatMul(
  blas: BlasAddon,
  backend: WasmBackend,
  args: WasmKernelArgs,
): TensorInfo | null {
  const { a, b, bias } = args.inputs;
  if (a == null || b == null || !isFloat(a, b)) return null;
  const attrs = args.attrs as unknown as _FusedMatMulAttrs;
  if (attrs.activation !== 'linear' && attrs.activation !== 'relu') return null;
  if (args.inputs.preluActivationWeights != null) return null;
  const d = dims(a, b, attrs.transposeA, attrs.transposeB);
  if (d === null) return null;
  if (
    bias != null &&
    !(bias.dtype === 'float32' && bias.shape.length <= 1 && [d.n, 1].includes(util.sizeFromShape(bias.shape)))
  ) {
    return null;
  }
  return product(blas, backend, a, b, d, attrs.transposeA, attrs.transposeB, {
    bias: bias ?? null,
    relu: attrs.activation === 'relu',
  });
}
