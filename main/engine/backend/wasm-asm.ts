/**
 * A minimal WebAssembly assembler: LEB128 encoding, the few scalar and SIMD instructions our kernels
 * use, a counted loop and the module layout (one imported memory, exported functions). The kernels
 * themselves live in wasm-simd.ts and wasm-simd-updates.ts.
 *
 * Encodings: https://webassembly.github.io/spec/core/binary/ (SIMD: 0xfd prefix, LEB128 opcode).
 */

export type Code = number[];

// ---- encoding -------------------------------------------------------------------------------------

export function uleb(n: number): Code {
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

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof F32 | typeof V128;

// ---- instructions ---------------------------------------------------------------------------------

/** A local, by index: the parameters come first, then the declared locals. */
export type Local = number;

export const get = (l: Local): Code => [0x20, ...uleb(l)];
export const set = (l: Local): Code => [0x21, ...uleb(l)];
export const i32 = (v: number): Code => [0x41, ...sleb(v)];
export const ADD: Code = [0x6a];
export const MUL: Code = [0x6c];
export const AND: Code = [0x71];
export const SHL: Code = [0x74];
export const LT_U: Code = [0x49];
export const GE_U: Code = [0x4f];
export const SELECT: Code = [0x1b];
/** memarg: alignment hint 0 (any address), offset 0. */
export const MEM: Code = [0x00, 0x00];
export const F32_LOAD: Code = [0x2a, ...MEM];
export const F32_STORE: Code = [0x38, ...MEM];
export const F32_SQRT: Code = [0x91];
/** f32 add / sub / mul / div (IEEE single precision, like their f32x4 counterparts lane by lane). */
export const F32_OP = { add: [0x92], sub: [0x93], mul: [0x94], div: [0x95] } satisfies Record<string, Code>;
export const simd = (op: number, ...imm: number[]): Code => [0xfd, ...uleb(op), ...imm];
export const V_LOAD = simd(0x00, ...MEM);
export const V_STORE = simd(0x0b, ...MEM);
export const V_ZERO = simd(0x0c, ...new Array<number>(16).fill(0));
export const F32X4_SQRT = simd(0xe3);
export const F32X4_SPLAT = simd(0x13);
export const F32X4 = { add: simd(0xe4), sub: simd(0xe5), mul: simd(0xe6), div: simd(0xe7) };
export const F64X2_ADD = simd(0xf0);
export const F64X2_PROMOTE_LOW = simd(0x5f);
/** i8x16.shuffle picking float lanes (0-3 from the first operand, 4-7 from the second). */
export const shuffle = (...lanes: number[]): Code =>
  simd(0x0d, ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3]));

export const seq = (...parts: Code[]): Code => parts.flat();
/** local = local + n (n a constant or another local). */
export const bump = (l: Local, n: number | { local: Local }): Code =>
  seq(get(l), typeof n === 'number' ? i32(n) : get(n.local), ADD, set(l));

/** while (i < end, unsigned) { body; i += step }, with step a constant, a local or nothing. */
export function whileBelow(i: Local, end: Local, step: number | { local: Local } | null, body: Code): Code {
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

export interface FuncDef {
  name: string;
  params: ValType[];
  locals: ValType[];
  body: Code;
}

export function assemble(funcs: readonly FuncDef[]): Uint8Array<ArrayBuffer> {
  const types = funcs.map((f) => [0x60, ...vec(f.params.map((t) => [t])), 0]);
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
