/**
 * Replacements for the wasm BatchMatMul and _FusedMatMul kernels that keep every multiply on
 * XNNPACK's fast path.
 *
 * tfjs-backend-wasm 4.22 only uses XNNPACK when neither operand is transposed and both have a batch
 * of 1; anything else goes to a naive blocked loop that is 10-15x slower. Autograd of matMul always
 * asks for transposed products, and a batched product is slow even untransposed. We transpose the
 * operands physically (a cheap memory pass) and split batches into single products instead.
 *
 * XNNPACK caches the packed b operand ("weights") by tensor id alone, not by shape, and a reshape
 * shares its source's id. Upstream only ever packs the caller's untransposed b; whenever we route a
 * product to the fast path ourselves, b is a tensor we just made, so no cached operator can be
 * matched against a differently shaped reading of the same memory.
 *
 * Packing is not free: 4-7 ns per element of b, against about 1 ns to transpose it (wasm-transpose.ts).
 * A dense layer's forward product x.W meets a new W every training step (the optimizer replaces it),
 * so E4's [32, 6272] . [6272, 784] spent over 30 of its 55 ms packing W. Such products are computed as
 * (WT.xT)T, which packs only the small xT (see weightTransposedProduct): about 16 ms.
 *
 * Where the BLAS addon is loaded (blas.ts), both wrappers hand float32 products to it first (blas-matmul.ts)
 * and keep everything below for what it declines.
 */
import {
  broadcast_util,
  util,
  type _FusedMatMulAttrs,
  type BatchMatMulAttrs,
  type KernelFunc,
  type TensorInfo,
} from '@tensorflow/tfjs-core';
import {
  asWasmBackend,
  copySlice,
  disposeAll,
  heapF32,
  kernelInput,
  runKernel,
  view,
  type WasmBackend,
} from './wasm-heap';
import { activeBlas } from './blas';
import { blasBatchMatMul, blasFusedMatMul } from './blas-matmul';
import { broadcastSources } from './broadcast';

/**
 * Below this many multiply-adds per batch entry the per-entry kernel calls cost more than the
 * naive loop saves (measured: 1000 batched 8x8 products take under 1 ms on the naive loop).
 */
const MIN_MACS_PER_BATCH_ENTRY = 32 * 32 * 32;

const PLAIN = { transposeA: false, transposeB: false };

interface MatMulDims {
  m: number;
  k: number;
  n: number;
  aOuter: number[];
  bOuter: number[];
  outOuter: number[];
}

function matMulDims(
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): MatMulDims | null {
  const ra = a.shape.length;
  const rb = b.shape.length;
  const m = transposeA ? a.shape[ra - 1] : a.shape[ra - 2];
  const k = transposeA ? a.shape[ra - 2] : a.shape[ra - 1];
  const kb = transposeB ? b.shape[rb - 1] : b.shape[rb - 2];
  const n = transposeB ? b.shape[rb - 2] : b.shape[rb - 1];
  if (ra < 2 || rb < 2 || k !== kb) return null;
  const aOuter = a.shape.slice(0, -2);
  const bOuter = b.shape.slice(0, -2);
  let outOuter: number[];
  try {
    outOuter = broadcast_util.assertAndGetBroadcastShape(aOuter, bOuter);
  } catch {
    return null;
  }
  return { m, k, n, aOuter, bOuter, outOuter };
}

/** Swaps the last two axes of a [...outer, rows, cols] tensor into a new tensor. */
function transposeLastTwo(transpose: KernelFunc, backend: WasmBackend, t: TensorInfo): TensorInfo {
  const r = t.shape.length;
  const rows = t.shape[r - 2];
  const cols = t.shape[r - 1];
  const outer = t.shape.slice(0, -2);
  const t3 = view(t, [util.sizeFromShape(outer), rows, cols]);
  const out = runKernel(transpose, { inputs: { x: t3 }, backend, attrs: { perm: [0, 2, 1] } });
  return view(out, [...outer, cols, rows]);
}

/** One fast product per output batch entry (b has a batch), copied into a single output tensor. */
function perEntryMatMul(
  original: KernelFunc,
  backend: WasmBackend,
  a: TensorInfo,
  b: TensorInfo,
  d: MatMulDims,
): TensorInfo {
  const { m, k, n } = d;
  const entries = util.sizeFromShape(d.outOuter);
  const aSrc = broadcastSources(d.aOuter, d.outOuter);
  const bSrc = broadcastSources(d.bOuter, d.outOuter);
  const aShared = util.sizeFromShape(d.aOuter) === 1;
  const out = backend.makeOutput([entries, m, n], 'float32');
  for (let i = 0; i < entries; i++) {
    const ai = aShared ? view(a, [1, m, k]) : copySlice(backend, a, aSrc[i] * m * k, [1, m, k]);
    const bi = copySlice(backend, b, bSrc[i] * k * n, [1, k, n]);
    const oi = runKernel(original, { inputs: { a: ai, b: bi }, backend, attrs: PLAIN });
    heapF32(backend, out).set(heapF32(backend, oi), i * m * n);
    disposeAll(backend, aShared ? [oi, bi] : [oi, ai, bi]);
  }
  return view(out, [...d.outOuter, m, n]);
}

/**
 * Work outside the multiply itself: elements transposed or copied, plus weights (the b operand)
 * that XNNPACK packs, for computing op(a).op(b) directly or as (op(b)T.op(a)T)T. The second wins for
 * dy.WT with a wide W: it transposes dy and the output instead of W, and packs dy instead.
 */
function swapIsCheaper({ m, k, n }: MatMulDims, transposeA: boolean, transposeB: boolean): boolean {
  const direct = m * (transposeA ? k : 0) + 2 * k * n;
  const swapped = (transposeB ? 0 : k * n) + 2 * k * m + m * n;
  return swapped < direct;
}

/** A single product (no batch), op(a).op(b), on XNNPACK's fast path. */
function singleProduct(
  original: KernelFunc,
  transpose: KernelFunc,
  backend: WasmBackend,
  a: TensorInfo,
  b: TensorInfo,
  d: MatMulDims,
  transposeA: boolean,
  transposeB: boolean,
): TensorInfo {
  const { m, k, n } = d;
  const temps: TensorInfo[] = [];
  const made = (t: TensorInfo) => {
    temps.push(t);
    return t;
  };
  // Fresh [rows, cols] data holding t (stored as [rows, cols], or as [cols, rows] when flipped).
  const fresh = (t: TensorInfo, rows: number, cols: number, flipped: boolean) =>
    made(
      flipped
        ? transposeLastTwo(transpose, backend, view(t, [1, cols, rows]))
        : copySlice(backend, t, 0, [1, rows, cols]),
    );
  try {
    if (swapIsCheaper(d, transposeA, transposeB)) {
      const bT = transposeB
        ? view(b, [1, n, k])
        : made(transposeLastTwo(transpose, backend, view(b, [1, k, n])));
      const aT = fresh(a, k, m, !transposeA);
      const outT = made(runKernel(original, { inputs: { a: bT, b: aT }, backend, attrs: PLAIN }));
      return view(transposeLastTwo(transpose, backend, outT), [...d.outOuter, m, n]);
    }
    const aN = transposeA
      ? made(transposeLastTwo(transpose, backend, view(a, [1, k, m])))
      : view(a, [1, m, k]);
    const bN = fresh(b, k, n, transposeB);
    return view(runKernel(original, { inputs: { a: aN, b: bN }, backend, attrs: PLAIN }), [
      ...d.outOuter,
      m,
      n,
    ]);
  } finally {
    disposeAll(backend, temps);
  }
}

/**
 * b operands (by dataId) that an untransposed product has met before. A b seen again is a weight
 * reused as is (evaluation in chunks, inference), which XNNPACK packs once and then keeps: the direct
 * product is the cheap one from then on. Weak, so a disposed tensor's entry goes with it.
 */
const seenWeights = new WeakSet<object>();

/**
 * Whether a.b, untransposed, should be computed as (bT.aT)T: b is new to XNNPACK (see seenWeights)
 * and packing its k*n elements costs more than transposing them plus transposing and packing aT
 * (m*k) and transposing the output (m*n). Marks b as seen either way.
 */
function transposeWeights(b: TensorInfo, { m, k, n }: MatMulDims): boolean {
  if (seenWeights.has(b.dataId)) return false;
  seenWeights.add(b.dataId);
  return k * n > 3 * m * (k + n);
}

/** What a fused product applies to a.b: a per-column bias and a clamping activation. */
interface Epilogue {
  bias: Float32Array | null;
  relu: boolean;
}

/**
 * a.b (no batch, neither transposed) as (bT.aT)T: transposes b and a (both fresh tensors, so XNNPACK
 * packs only the small aT, under a new id), multiplies, then transposes the [n, m] result back while
 * adding the bias and applying the activation. `product` is the original kernel on plain operands.
 */
function weightTransposedProduct(
  product: (a: TensorInfo, b: TensorInfo) => TensorInfo,
  transpose: KernelFunc,
  backend: WasmBackend,
  a: TensorInfo,
  b: TensorInfo,
  d: MatMulDims,
  epilogue: (backend: WasmBackend) => Epilogue,
): TensorInfo {
  const { m, k, n } = d;
  const temps: TensorInfo[] = [];
  try {
    const bT = transposeLastTwo(transpose, backend, view(b, [1, k, n]));
    temps.push(bT);
    const aT = transposeLastTwo(transpose, backend, view(a, [1, m, k]));
    temps.push(aT);
    const outT = product(bT, aT);
    temps.push(outT);
    const out = backend.makeOutput([...d.outOuter, m, n], 'float32');
    // Views only after the last allocation, which may grow (and so detach) wasm memory.
    const { bias, relu } = epilogue(backend);
    transposeWithEpilogue(heapF32(backend, outT), heapF32(backend, out), n, m, bias, relu);
    return out;
  } finally {
    disposeAll(backend, temps);
  }
}

/** dst[j, i] = f(src[i, j] + bias[i]) for a row-major [rows, cols] src; bias of length 1 broadcasts. */
function transposeWithEpilogue(
  src: Float32Array,
  dst: Float32Array,
  rows: number,
  cols: number,
  bias: Float32Array | null,
  relu: boolean,
): void {
  for (let i = 0, s = 0; i < rows; i++) {
    const add = bias == null ? 0 : bias[bias.length === 1 ? 0 : i];
    for (let j = 0, t = i; j < cols; j++, s++, t += rows) {
      const v = src[s] + add;
      dst[t] = relu && v < 0 ? 0 : v;
    }
  }
}

export function makeBatchMatMul(original: KernelFunc, transpose: KernelFunc): KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const blas = activeBlas();
    const onBlas = blas === null ? null : blasBatchMatMul(blas, backend, { ...args, backend });
    if (onBlas !== null) return onBlas;
    const a = kernelInput(args.inputs, 'a');
    const b = kernelInput(args.inputs, 'b');
    const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
    const d =
      a.dtype === 'float32' && b.dtype === 'float32' ? matMulDims(a, b, transposeA, transposeB) : null;
    // Invalid input: let the original throw its own error message.
    if (d == null) return original(args);
    const aBatch = util.sizeFromShape(d.aOuter);
    const bBatch = util.sizeFromShape(d.bOuter);
    if (aBatch === 1 && bBatch === 1) {
      if (!transposeA && !transposeB) {
        if (!transposeWeights(b, d)) return original(args);
        const product = (x: TensorInfo, y: TensorInfo) =>
          runKernel(original, { inputs: { a: x, b: y }, backend, attrs: PLAIN });
        const plain = () => ({ bias: null, relu: false });
        return weightTransposedProduct(product, transpose, backend, a, b, d, plain);
      }
      return singleProduct(original, transpose, backend, a, b, d, transposeA, transposeB);
    }
    if (bBatch === 1) {
      // a's batch stacked into rows is one product with shared weights: [aBatch * m, k] . [k, n].
      const aN = transposeA ? transposeLastTwo(transpose, backend, a) : a;
      try {
        const stacked = { ...d, m: aBatch * d.m, aOuter: [], outOuter: [] };
        const out = singleProduct(
          original,
          transpose,
          backend,
          view(aN, [1, aBatch * d.m, d.k]),
          b,
          stacked,
          false,
          transposeB,
        );
        return view(out, [...d.outOuter, d.m, d.n]);
      } finally {
        if (transposeA) backend.disposeData(aN.dataId);
      }
    }
    if (d.m * d.k * d.n < MIN_MACS_PER_BATCH_ENTRY) return original(args);
    const temps: TensorInfo[] = [];
    const aN = transposeA ? transposeLastTwo(transpose, backend, a) : a;
    const bN = transposeB ? transposeLastTwo(transpose, backend, b) : b;
    if (transposeA) temps.push(aN);
    if (transposeB) temps.push(bN);
    try {
      return perEntryMatMul(original, backend, aN, bN, d);
    } finally {
      disposeAll(backend, temps);
    }
  };
}

/**
 * tf.fused.matMul gets the same treatment for transposed operands, and untransposed products with a
 * new wide b are computed as (bT.aT)T when what follows the product is a bias and a linear or ReLU
 * activation (applied here, while transposing back). Its inputs are already 3-D; batched products
 * stay on the original (bias and activation are applied inside the C++ kernel).
 */
export function makeFusedMatMul(original: KernelFunc, transpose: KernelFunc): KernelFunc {
  return (args) => {
    const backend = asWasmBackend(args.backend);
    const blas = activeBlas();
    const onBlas = blas === null ? null : blasFusedMatMul(blas, backend, { ...args, backend });
    if (onBlas !== null) return onBlas;
    const a = kernelInput(args.inputs, 'a');
    const b = kernelInput(args.inputs, 'b');
    const attrs = args.attrs as unknown as _FusedMatMulAttrs;
    const d =
      a.dtype === 'float32' && b.dtype === 'float32'
        ? matMulDims(a, b, attrs.transposeA, attrs.transposeB)
        : null;
    if (d == null) return original(args);
    if (util.sizeFromShape(d.aOuter) !== 1 || util.sizeFromShape(d.bOuter) !== 1) return original(args);
    if (!attrs.transposeA && !attrs.transposeB) {
      const bias = args.inputs.bias;
      const simple =
        (attrs.activation === 'linear' || attrs.activation === 'relu') &&
        args.inputs.preluActivationWeights == null &&
        (bias == null ||
          (bias.dtype === 'float32' &&
            bias.shape.length === 1 &&
            (bias.shape[0] === d.n || bias.shape[0] === 1)));
      if (!simple || !transposeWeights(b, d)) return original(args);
      const product = (x: TensorInfo, y: TensorInfo) =>
        runKernel(original, {
          inputs: { a: x, b: y },
          backend,
          attrs: { transposeA: false, transposeB: false, activation: 'linear', leakyreluAlpha: 0 },
        });
      const epilogue = (be: WasmBackend) => ({
        bias: bias == null ? null : heapF32(be, bias),
        relu: attrs.activation === 'relu',
      });
      return weightTransposedProduct(product, transpose, backend, a, b, d, epilogue);
    }

    const temps: TensorInfo[] = [];
    const aN = attrs.transposeA ? transposeLastTwo(transpose, backend, a) : a;
    const bN = attrs.transposeB ? transposeLastTwo(transpose, backend, b) : b;
    if (attrs.transposeA) temps.push(aN);
    if (attrs.transposeB) temps.push(bN);
    try {
      return original({
        inputs: { ...args.inputs, a: aN, b: bN },
        backend,
        attrs: { ...args.attrs, transposeA: false, transposeB: false },
      });
    } finally {
      disposeAll(backend, temps);
    }
  };
}
