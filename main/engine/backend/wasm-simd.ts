/**
 * A few WebAssembly SIMD loops that run directly on tfjs-backend-wasm's heap, for the memory-bound
 * passes where V8's scalar JS is 3-6x slower than the heap's bandwidth and 4.22's C++ is no better
 * (its Sqrt is a scalar loop, its Transpose a generic permutation, its broadcasting binary ops go
 * through XNNPACK's strided path).
 *
 * The module is assembled here, byte by byte, with wasm-asm.ts (there is no compiler in the build),
 * imports the backend's own WebAssembly.Memory and takes byte offsets into it, so nothing is copied.
 * Where the memory is not reachable or SIMD is not supported, simdFor returns null and every caller
 * keeps its non-SIMD path. The optimizers' fused updates (wasm-simd-updates.ts) live in the same module.
 */
import {
  ADD,
  AND,
  assemble,
  bump,
  F32_LOAD,
  F32_SQRT,
  F32_STORE,
  F32X4,
  F32X4_SQRT,
  F64X2_ADD,
  F64X2_PROMOTE_LOW,
  get,
  I32,
  i32,
  LT_U,
  MUL,
  SELECT,
  seq,
  set,
  SHL,
  shuffle,
  V128,
  V_LOAD,
  V_STORE,
  V_ZERO,
  whileBelow,
  type FuncDef,
  type Local,
} from './wasm-asm';
import type { WasmBackend } from './wasm-heap';
import { UPDATES, updateDefs, type UpdateName } from './wasm-simd-updates';

// ---- kernels --------------------------------------------------------------------------------------

/** sqrt(src, dst, n): dst[i] = sqrt(src[i]) for n floats. */
function sqrtDef(): FuncDef {
  const [src, dst, n, end, end4] = [0, 1, 2, 3, 4];
  return {
    name: 'sqrt',
    params: [I32, I32, I32],
    locals: [I32, I32],
    body: seq(
      seq(get(src), get(n), i32(2), SHL, ADD, set(end)),
      seq(get(src), get(n), i32(-4), AND, i32(2), SHL, ADD, set(end4)),
      whileBelow(src, end4, 16, seq(get(dst), get(src), V_LOAD, F32X4_SQRT, V_STORE, bump(dst, 16))),
      whileBelow(src, end, 4, seq(get(dst), get(src), F32_LOAD, F32_SQRT, F32_STORE, bump(dst, 4))),
    ),
  };
}

/**
 * transpose(src, dst, rows, cols, srcStride, dstStride): dst[c][r] = src[r][c] for the top-left
 * rows x cols block (both multiples of 4), strides in bytes. 4x4 tiles are transposed in registers;
 * columns go in blocks of 16 so that the 16 destination rows being written stay in cache (and TLB).
 */
function transposeDef(): FuncDef {
  const [src, dst, rows, cols, srcStride, dstStride] = [0, 1, 2, 3, 4, 5];
  const [cb, cbEnd, r, c, s, d] = [6, 7, 8, 9, 10, 11];
  const [v0, v1, v2, v3, t0, t1, t2, t3] = [12, 13, 14, 15, 16, 17, 18, 19];
  const BLOCK = 16;
  const load = (v: Local, k: number) => seq(get(s), get(srcStride), i32(k), MUL, ADD, V_LOAD, set(v));
  const store = (k: number, a: Local, b: Local, lanes: number[]) =>
    seq(get(d), get(dstStride), i32(k), MUL, ADD, get(a), get(b), shuffle(...lanes), V_STORE);
  const tile = seq(
    load(v0, 0),
    load(v1, 1),
    load(v2, 2),
    load(v3, 3),
    seq(get(v0), get(v1), shuffle(0, 4, 1, 5), set(t0)),
    seq(get(v0), get(v1), shuffle(2, 6, 3, 7), set(t1)),
    seq(get(v2), get(v3), shuffle(0, 4, 1, 5), set(t2)),
    seq(get(v2), get(v3), shuffle(2, 6, 3, 7), set(t3)),
    store(0, t0, t2, [0, 1, 4, 5]),
    store(1, t0, t2, [2, 3, 6, 7]),
    store(2, t1, t3, [0, 1, 4, 5]),
    store(3, t1, t3, [2, 3, 6, 7]),
    bump(s, 16),
    seq(get(d), get(dstStride), i32(2), SHL, ADD, set(d)),
  );
  const rowsOfBlock = seq(
    // s = src + r * srcStride + cb * 4; d = dst + cb * dstStride + r * 4
    seq(get(src), get(r), get(srcStride), MUL, ADD, get(cb), i32(2), SHL, ADD, set(s)),
    seq(get(dst), get(cb), get(dstStride), MUL, ADD, get(r), i32(2), SHL, ADD, set(d)),
    seq(get(cb), set(c)),
    whileBelow(c, cbEnd, 4, tile),
  );
  return {
    name: 'transpose',
    params: [I32, I32, I32, I32, I32, I32],
    locals: [I32, I32, I32, I32, I32, I32, V128, V128, V128, V128, V128, V128, V128, V128],
    body: seq(
      i32(0),
      set(cb),
      whileBelow(
        cb,
        cols,
        BLOCK,
        seq(
          // cbEnd = min(cb + BLOCK, cols)
          seq(
            get(cb),
            i32(BLOCK),
            ADD,
            get(cols),
            get(cb),
            i32(BLOCK),
            ADD,
            get(cols),
            LT_U,
            SELECT,
            set(cbEnd),
          ),
          i32(0),
          set(r),
          whileBelow(r, rows, 4, rowsOfBlock),
        ),
      ),
    ),
  };
}

/**
 * columnSums(src, acc, rows, cols): acc[j] += sum over i of src[i][j], acc float64 (8-byte aligned),
 * cols a multiple of 4. Rows go in blocks of 64: down a block, each group of 4 columns is summed in
 * two f64x2 registers, then added to acc.
 */
function columnSumsDef(): FuncDef {
  const [src, acc, rows, cols] = [0, 1, 2, 3];
  const [rowBytes, rb, rbEnd, c, q, qEnd, a, s0, s1, v] = [4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const BLOCK = 64;
  const group = seq(
    V_ZERO,
    set(s0),
    V_ZERO,
    set(s1),
    seq(get(src), get(rb), get(rowBytes), MUL, ADD, get(c), ADD, set(q)),
    seq(get(src), get(rbEnd), get(rowBytes), MUL, ADD, get(c), ADD, set(qEnd)),
    whileBelow(
      q,
      qEnd,
      { local: rowBytes },
      seq(
        get(q),
        V_LOAD,
        set(v),
        seq(get(s0), get(v), F64X2_PROMOTE_LOW, F64X2_ADD, set(s0)),
        seq(get(s1), get(v), get(v), shuffle(2, 3, 0, 1), F64X2_PROMOTE_LOW, F64X2_ADD, set(s1)),
      ),
    ),
    seq(get(acc), get(c), i32(1), SHL, ADD, set(a)),
    seq(get(a), get(a), V_LOAD, get(s0), F64X2_ADD, V_STORE),
    seq(get(a), i32(16), ADD, get(a), i32(16), ADD, V_LOAD, get(s1), F64X2_ADD, V_STORE),
  );
  return {
    name: 'columnSums',
    params: [I32, I32, I32, I32],
    locals: [I32, I32, I32, I32, I32, I32, I32, V128, V128, V128],
    body: seq(
      seq(get(cols), i32(2), SHL, set(rowBytes)),
      i32(0),
      set(rb),
      whileBelow(
        rb,
        rows,
        BLOCK,
        seq(
          seq(
            get(rb),
            i32(BLOCK),
            ADD,
            get(rows),
            get(rb),
            i32(BLOCK),
            ADD,
            get(rows),
            LT_U,
            SELECT,
            set(rbEnd),
          ),
          i32(0),
          set(c),
          whileBelow(c, rowBytes, 16, group),
        ),
      ),
    ),
  };
}

export type BinaryOp = keyof typeof F32X4;

/**
 * `${op}Rows(x, v, out, rows, cols)`: out[i][j] = x[i][j] op v[j] (or v[j] op x[i][j] for the
 * `${op}RowsReversed` variant), cols a multiple of 4.
 */
function broadcastDef(op: BinaryOp, reversed: boolean): FuncDef {
  const [x, v, out, rows, cols] = [0, 1, 2, 3, 4];
  const [end, vp, vEnd] = [5, 6, 7];
  const operands = reversed ? seq(get(vp), V_LOAD, get(x), V_LOAD) : seq(get(x), V_LOAD, get(vp), V_LOAD);
  return {
    name: `${op}Rows${reversed ? 'Reversed' : ''}`,
    params: [I32, I32, I32, I32, I32],
    locals: [I32, I32, I32],
    body: seq(
      seq(get(cols), i32(2), SHL, get(v), ADD, set(vEnd)),
      seq(get(rows), get(cols), MUL, i32(2), SHL, get(x), ADD, set(end)),
      whileBelow(
        x,
        end,
        null,
        seq(
          get(v),
          set(vp),
          whileBelow(vp, vEnd, 16, seq(get(out), operands, F32X4[op], V_STORE, bump(x, 16), bump(out, 16))),
        ),
      ),
    ),
  };
}

const OPS: readonly BinaryOp[] = ['add', 'sub', 'mul', 'div'];

// ---- instances ------------------------------------------------------------------------------------

/** A kernel: its arguments are byte offsets into the heap and counts. */
type Kernel = (...args: number[]) => void;

/** The kernels, over one backend's heap; every pointer is a byte offset into it. */
export interface Simd {
  /** (src, dst, n) */
  sqrt: Kernel;
  /** (src, dst, rows, cols, srcStride, dstStride) */
  transpose: Kernel;
  /** (src, acc, rows, cols) */
  columnSums: Kernel;
  /** (x, v, out, rows, cols): out = x op v, v broadcast along rows; `reversed`: out = v op x. */
  broadcastRows(op: BinaryOp, reversed: boolean): Kernel;
  /** The optimizers' fused updates; see wasm-simd-updates.ts for each one's arguments. */
  update: Record<UpdateName, Kernel>;
}

let moduleBytes: Uint8Array<ArrayBuffer> | null = null;
let compiled: WebAssembly.Module | null | undefined;
/** Per heap: the kernels, or null where they could not be instantiated. */
const instances = new WeakMap<WebAssembly.Memory, Simd | null>();

function compile(): WebAssembly.Module | null {
  if (compiled !== undefined) return compiled;
  moduleBytes = assemble([
    sqrtDef(),
    transposeDef(),
    columnSumsDef(),
    ...OPS.flatMap((op) => [broadcastDef(op, false), broadcastDef(op, true)]),
    ...updateDefs(),
  ]);
  // No SIMD (an old engine): every caller keeps its non-SIMD path.
  compiled = WebAssembly.validate(moduleBytes) ? new WebAssembly.Module(moduleBytes) : null;
  return compiled;
}

/**
 * tfjs-backend-wasm's linear memory, from its Emscripten module (not part of its typed API). Only the
 * single-threaded builds' (unshared) memory: the threaded build's shared one would need a shared import.
 */
function heapMemory(backend: WasmBackend): WebAssembly.Memory | null {
  const memory = (backend as { wasm?: { asm?: { memory?: unknown } } }).wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  return memory.buffer instanceof ArrayBuffer ? memory : null;
}

/** The SIMD kernels over `backend`'s heap, or null where they cannot run. */
export function simdFor(backend: WasmBackend): Simd | null {
  const memory = heapMemory(backend);
  if (memory == null) return null;
  const cached = instances.get(memory);
  if (cached !== undefined) return cached;
  const module = compile();
  if (module == null) return null;
  let exports: Record<string, Kernel>;
  try {
    exports = new WebAssembly.Instance(module, { env: { memory } }).exports as Record<string, Kernel>;
  } catch {
    instances.set(memory, null);
    return null;
  }
  const simd: Simd = {
    sqrt: exports.sqrt,
    transpose: exports.transpose,
    columnSums: exports.columnSums,
    broadcastRows: (op, reversed) => exports[`${op}Rows${reversed ? 'Reversed' : ''}`],
    update: Object.fromEntries(Object.keys(UPDATES).map((name) => [name, exports[name]])) as Record<
      UpdateName,
      Kernel
    >,
  };
  instances.set(memory, simd);
  return simd;
}

/** The assembled module, for tests. */
export function simdModuleBytes(): Uint8Array | null {
  compile();
  return moduleBytes;
}
