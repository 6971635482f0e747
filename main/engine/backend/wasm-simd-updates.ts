/**
 * The optimizers' parameter updates as single SIMD passes: one read of w, g and the optimizer's slots and
 * one write of their new values per step, where the tf op sequences of ../optim make one pass per op
 * (Adam: 14, each reading and writing a whole tensor).
 *
 * Each update is written once, as a little per-element program (UPDATES), and compiled twice into one
 * function: four lanes at a time (f32x4) for the bulk and one lane at a time (f32) for the last n mod 4
 * elements. Every operation is one IEEE single-precision operation, in the order and with the operands
 * of the op sequence it replaces, so the results are those of that sequence bit for bit (no fused
 * multiply-add exists in WebAssembly SIMD, and f32 constants are rounded exactly as tf.scalar rounds).
 */
import {
  ADD,
  AND,
  F32,
  F32_LOAD,
  F32_OP,
  F32_SQRT,
  F32_STORE,
  F32X4,
  F32X4_SPLAT,
  F32X4_SQRT,
  get,
  I32,
  i32,
  seq,
  set,
  SHL,
  V128,
  V_LOAD,
  V_STORE,
  whileBelow,
  type Code,
  type FuncDef,
  type Local,
  type ValType,
} from './wasm-asm';

type Op = keyof typeof F32X4;

/** A per-element value: an input's element, a scalar argument, an earlier `let`, or an operation. */
type Expr =
  { in: string } | { scalar: string } | { ref: string } | { op: Op; a: Expr; b: Expr } | { sqrt: Expr };

type Step = { let: string; value: Expr } | { out: string; value: Expr };

interface UpdateProgram {
  /** Input tensors, then output tensors: the function's first arguments, byte offsets into the heap. */
  inputs: readonly string[];
  outputs: readonly string[];
  /** float32 arguments after the element count. */
  scalars: readonly string[];
  steps: readonly Step[];
}

const x = (name: string): Expr => ({ in: name });
const k = (name: string): Expr => ({ scalar: name });
const ref = (name: string): Expr => ({ ref: name });
const op =
  (o: Op) =>
  (a: Expr, b: Expr): Expr => ({ op: o, a, b });
const [add, sub, mul, div] = [op('add'), op('sub'), op('mul'), op('div')];

/**
 * The updates, as the op sequences of ../optim write them (operand order kept: it does not change a
 * product or a sum in IEEE arithmetic, but it documents the correspondence).
 */
export const UPDATES = {
  /**
   * adam(w, g, m, v, wOut, mOut, vOut, n, beta1, oneMinusBeta1, beta2, oneMinusBeta2, correction1,
   * correction2, epsilon, learningRate):
   * m' = m·β1 + g·(1−β1); v' = v·β2 + g²·(1−β2); w' = w − ((m'/c1) / (√(v'/c2) + ε))·α.
   */
  adam: {
    inputs: ['w', 'g', 'm', 'v'],
    outputs: ['wOut', 'mOut', 'vOut'],
    scalars: ['beta1', 'oneMinusBeta1', 'beta2', 'oneMinusBeta2', 'c1', 'c2', 'epsilon', 'lr'],
    steps: [
      { let: 'm1', value: add(mul(x('m'), k('beta1')), mul(x('g'), k('oneMinusBeta1'))) },
      { let: 'v1', value: add(mul(x('v'), k('beta2')), mul(mul(x('g'), x('g')), k('oneMinusBeta2'))) },
      { out: 'mOut', value: ref('m1') },
      { out: 'vOut', value: ref('v1') },
      {
        out: 'wOut',
        value: sub(
          x('w'),
          mul(div(div(ref('m1'), k('c1')), add({ sqrt: div(ref('v1'), k('c2')) }, k('epsilon'))), k('lr')),
        ),
      },
    ],
  },
  /** momentum(w, g, v, wOut, vOut, n, gamma, lr): v' = v·γ − g·α; w' = w + v'. */
  momentum: {
    inputs: ['w', 'g', 'v'],
    outputs: ['wOut', 'vOut'],
    scalars: ['gamma', 'lr'],
    steps: [
      { let: 'v1', value: sub(mul(x('v'), k('gamma')), mul(x('g'), k('lr'))) },
      { out: 'vOut', value: ref('v1') },
      { out: 'wOut', value: add(x('w'), ref('v1')) },
    ],
  },
  /** sgd(w, g, wOut, n, lr): w' = w − g·α. */
  sgd: {
    inputs: ['w', 'g'],
    outputs: ['wOut'],
    scalars: ['lr'],
    steps: [{ out: 'wOut', value: sub(x('w'), mul(x('g'), k('lr'))) }],
  },
  /** lookAhead(w, v, out, n, gamma): out = w + v·γ (Nesterov's look-ahead point). */
  lookAhead: {
    inputs: ['w', 'v'],
    outputs: ['out'],
    scalars: ['gamma'],
    steps: [{ out: 'out', value: add(x('w'), mul(x('v'), k('gamma'))) }],
  },
} as const satisfies Record<string, UpdateProgram>;

export type UpdateName = keyof typeof UPDATES;

interface Lanes {
  load: Code;
  store: Code;
  op: Record<Op, Code>;
  sqrt: Code;
}

const VECTOR: Lanes = { load: V_LOAD, store: V_STORE, op: F32X4, sqrt: F32X4_SQRT };
const SCALAR: Lanes = { load: F32_LOAD, store: F32_STORE, op: F32_OP, sqrt: F32_SQRT };

function compileUpdate(name: string, p: UpdateProgram): FuncDef {
  const pointers = [...p.inputs, ...p.outputs];
  const lets = p.steps.flatMap((s) => ('let' in s ? [s.let] : []));
  const params: ValType[] = [...pointers.map((): ValType => I32), I32, ...p.scalars.map((): ValType => F32)];
  // Parameters: the pointers, the element count, the scalars.
  const count: Local = pointers.length;
  const scalarParam = (s: string) => count + 1 + p.scalars.indexOf(s);
  // Locals after the parameters: the byte index, the two loop ends, splatted scalars, then each `let`
  // as a vector and as a scalar.
  const [i, endVector, endAll] = [params.length, params.length + 1, params.length + 2];
  const splat = (s: string) => params.length + 3 + p.scalars.indexOf(s);
  const letLocal = (l: string, vector: boolean) =>
    params.length + 3 + p.scalars.length + (vector ? 0 : lets.length) + lets.indexOf(l);
  const locals: ValType[] = [
    I32,
    I32,
    I32,
    ...p.scalars.map((): ValType => V128),
    ...lets.map((): ValType => V128),
    ...lets.map((): ValType => F32),
  ];
  const address = (tensor: string): Code => seq(get(pointers.indexOf(tensor)), get(i), ADD);

  const element = (lanes: Lanes, vector: boolean): Code => {
    const emit = (e: Expr): Code => {
      if ('in' in e) return seq(address(e.in), lanes.load);
      if ('scalar' in e) return get(vector ? splat(e.scalar) : scalarParam(e.scalar));
      if ('ref' in e) return get(letLocal(e.ref, vector));
      if ('sqrt' in e) return seq(emit(e.sqrt), lanes.sqrt);
      return seq(emit(e.a), emit(e.b), lanes.op[e.op]);
    };
    return seq(
      ...p.steps.map((s) =>
        'let' in s
          ? seq(emit(s.value), set(letLocal(s.let, vector)))
          : seq(address(s.out), emit(s.value), lanes.store),
      ),
    );
  };

  return {
    name,
    params,
    locals,
    body: seq(
      seq(get(count), i32(2), SHL, set(endAll)),
      seq(get(count), i32(-4), AND, i32(2), SHL, set(endVector)),
      ...p.scalars.map((s) => seq(get(scalarParam(s)), F32X4_SPLAT, set(splat(s)))),
      whileBelow(i, endVector, 16, element(VECTOR, true)),
      whileBelow(i, endAll, 4, element(SCALAR, false)),
    ),
  };
}

/** The functions, named after UPDATES' keys, for the module wasm-simd.ts assembles. */
export function updateDefs(): FuncDef[] {
  return Object.entries(UPDATES).map(([name, program]) => compileUpdate(name, program));
}
