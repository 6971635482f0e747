/**
 * A few WebAssembly SIMD loops that run directly on tfjs-backend-wasm's heap, for the memory-bound
 * passes where V8's scalar JS is 3-6x slower than the heap's bandwidth and 4.22's C++ is no better
 * (its Sqrt is a scalar loop, its Transpose a generic permutation, its broadcasting binary ops go
 * through XNNPACK's strided path).
 *
 * The module is assembled here, byte by byte, from the small instruction set below (there is no
 * compiler in the build), imports the backend's own WebAssembly.Memory and takes byte offsets into it,
 * so nothing is copied. Where the memory is not reachable or SIMD is not supported, simdFor returns
 * null and every caller keeps its non-SIMD path.
 *
 * Encodings: https://webassembly.github.io/spec/core/binary/ (SIMD: 0xfd prefix, LEB128 opcode).
 */
import type { WasmBackend } from './wasm-heap';

type Code = number[];

// ---- encoding -------------------------------------------------------------------------------------

function uleb(n: number): Code {
  const out: Code = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

function sleb(n: number): Code {
  const out: Code = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (byte & 0x40) === 0) || (n === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function name(s: string): Code {
  const bytes = Array.from(new TextEncoder().encode(s));
  return [...uleb(bytes.length), ...bytes];
}

function vec(items: Code[]): Code {
  return [...uleb(items.length), ...items.flat()];
}

function section(id: number, content: Code): Code {
  return [id, ...uleb(content.length), ...content];
}

const I32 = 0x7f;
const V128 = 0x7b;
type ValType = typeof I32 | typeof V128;

// ---- instructions ---------------------------------------------------------------------------------

/** A local, by index: the parameters come first, then the declared locals. */
type Local = number;

const get = (l: Local): Code => [0x20, ...uleb(l)];
const set = (l: Local): Code => [0x21, ...uleb(l)];
const i32 = (v: number): Code => [0x41, ...sleb(v)];
const ADD: Code = [0x6a];
const MUL: Code = [0x6c];
const AND: Code = [0x71];
const SHL: Code = [0x74];
const LT_U: Code = [0x49];
const GE_U: Code = [0x4f];
const SELECT: Code = [0x1b];
/** memarg: alignment hint 0 (any address), offset 0. */
const MEM: Code = [0x00, 0x00];
const F32_LOAD: Code = [0x2a, ...MEM];
const F32_STORE: Code = [0x38, ...MEM];
const F32_SQRT: Code = [0x91];
const simd = (op: number, ...imm: number[]): Code => [0xfd, ...uleb(op), ...imm];
const V_LOAD = simd(0x00, ...MEM);
const V_STORE = simd(0x0b, ...MEM);
const V_ZERO = simd(0x0c, ...new Array<number>(16).fill(0));
const F32X4_SQRT = simd(0xe3);
const F32X4 = { add: simd(0xe4), sub: simd(0xe5), mul: simd(0xe6), div: simd(0xe7) };
const F64X2_ADD = simd(0xf0);
const F64X2_PROMOTE_LOW = simd(0x5f);
/** i8x16.shuffle picking float lanes (0-3 from the first operand, 4-7 from the second). */
const shuffle = (...lanes: number[]): Code =>
  simd(0x0d, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]));

const seq = (...parts: Code[]): Code => parts.flat();
/** local = local + n (n a constant or another local). */
const bump = (l: Local, n: number | { local: Local }): Code =>
  seq(get(l), typeof n === 'number' ? i32(n) : get(n.local), ADD, set(l));

/** while (i < end, unsigned) { body; i += step }, with step a constant, a local or nothing. */
function whileBelow(i: Local, end: Local, step: number | { local: Local } | null, body: Code): Code {
  return seq(
    [0x02, 0x40, 0x03, 0x40], // block, loop
    get(i),
    get(end),
    GE_U,
    [0x0d, 1], // br_if out of the block
    body,
    step == null ? [] : bump(i, step),
    [0x0c, 0, 0x0b, 0x0b], // br to the loop, end loop, end block
  );
}

interface FuncDef {
  name: string;
  params: number;
  locals: ValType[];
  body: Code;
}

function assemble(funcs: readonly FuncDef[]): Uint8Array<ArrayBuffer> {
  const types = funcs.map((f) => [0x60, ...vec(new Array<Code>(f.params).fill([I32])), 0]);
  const imports = vec([[...name('env'), ...name('memory'), 0x02, 0x00, 0x00]]);
  const code = funcs.map((f) => {
    const locals = vec(f.locals.map((t) => [1, t]));
    const body = [...locals, ...f.body, 0x0b];
    return [...uleb(body.length), ...body];
  });
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vec(types)),
    ...section(2, imports),
    ...section(3, vec(funcs.map((_, i) => uleb(i)))),
    ...section(7, vec(funcs.map((f, i) => [...name(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(code)),
  ]);
}

// ---- kernels --------------------------------------------------------------------------------------

/** sqrt(src, dst, n): dst[i] = sqrt(src[i]) for n floats. */
function sqrtDef(): FuncDef {
  const [src, dst, n, end, end4] = [0, 1, 2, 3, 4];
  return {
    name: 'sqrt',
    params: 3,
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
    params: 6,
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
    params: 4,
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
    params: 5,
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
  };
  instances.set(memory, simd);
  return simd;
}

/** The assembled module, for tests. */
export function simdModuleBytes(): Uint8Array | null {
  compile();
  return moduleBytes;
}
