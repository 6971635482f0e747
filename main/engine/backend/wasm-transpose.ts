/**
 * Transpose of the last two axes (perm [..., r-1, r-2], batch axes in order), float32 or int32, on the
 * SIMD 4x4-tile loop of wasm-simd.ts. 4.22's kernel walks a general permutation element by element:
 * 8 ms for E4's [6272, 784] dense kernel, which the forward product transposes every step (see
 * wasm-matmul.ts); this takes about 3 ms. Other permutations, dtypes, or no SIMD: the original kernel.
 */
import { util, type KernelFunc, type TransposeAttrs } from '@tensorflow/tfjs-core';
import { asWasmBackend, kernelInput } from './wasm-heap';
import { simdFor } from './wasm-simd';

function swapsLastTwo(perm: readonly number[]): boolean {
  const r = perm.length;
  if (r < 2 || perm[r - 2] !== r - 1 || perm[r - 1] !== r - 2) return false;
  return perm.slice(0, -2).every((p, i) => p === i);
}

/** dst[c][r] = src[r][c] for the cells of a rows x cols matrix outside its top-left 4-aligned block. */
function transposeEdges(
  src: Int32Array | Float32Array,
  dst: Int32Array | Float32Array,
  rows: number,
  cols: number,
): void {
  const rows4 = rows & ~3;
  const cols4 = cols & ~3;
  for (let r = rows4; r < rows; r++) {
    for (let c = 0; c < cols; c++) dst[c * rows + r] = src[r * cols + c];
  }
  for (let r = 0; r < rows4; r++) {
    for (let c = cols4; c < cols; c++) dst[c * rows + r] = src[r * cols + c];
  }
}

export function makeTranspose(original: KernelFunc): KernelFunc {
  return (args) => {
    const x = kernelInput(args.inputs, 'x');
    const { perm } = args.attrs as unknown as TransposeAttrs;
    if ((x.dtype !== 'float32' && x.dtype !== 'int32') || !swapsLastTwo(perm)) return original(args);
    const backend = asWasmBackend(args.backend);
    const simd = simdFor(backend);
    if (simd == null) return original(args);
    const r = x.shape.length;
    const rows = x.shape[r - 2];
    const cols = x.shape[r - 1];
    const out = backend.makeOutput([...x.shape.slice(0, -2), cols, rows], x.dtype);
    const size = rows * cols;
    const batch = size === 0 ? 0 : util.sizeFromShape(x.shape) / size;
    // Views after the allocation; int32 and float32 are both 4-byte cells, moved as bits.
    const src = backend.typedArrayFromHeap(x) as Int32Array | Float32Array;
    const dst = backend.typedArrayFromHeap(out) as Int32Array | Float32Array;
    for (let b = 0; b < batch; b++) {
      const s = src.subarray(b * size, (b + 1) * size);
      const d = dst.subarray(b * size, (b + 1) * size);
      simd.transpose(s.byteOffset, d.byteOffset, rows & ~3, cols & ~3, cols * 4, rows * 4);
      transposeEdges(s, d, rows, cols);
    }
    return out;
  };
}
