import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../../common/random';
import '../training/register-gradients';
import { BLAS_ENV_VAR, blasStatus } from './blas';
import { sgemmCalls } from './blas-matmul';
import { selectBackend } from './select-backend';
import {
  expectNoLeak,
  expectSameOnBothBackends,
  randomArray,
  runOn,
  useBlasInTests,
  useWasm,
} from './wasm-test-support';

// The wasm backend's products on the platform's BLAS (native/blas), each against tfjs's cpu backend from the
// same inputs. `npm test` builds the addon first (scripts/ensure-test-deps.mjs); only WORKBENCH_BLAS=off skips
// these tests, and then on purpose.
const off = ['off', '0', 'false'].includes(process.env[BLAS_ENV_VAR]?.trim().toLowerCase() ?? '');

/** A product over k terms, summed in another order than cpu's: float32 rounding, relative to the largest value. */
const tolerance = (k: number) => Math.max(1e-6, 2e-7 * Math.sqrt(k) * 4);

beforeAll(async () => {
  useBlasInTests(true);
  await useWasm();
});
afterAll(() => useBlasInTests(false));

describe.skipIf(off)('the BLAS addon', () => {
  it('is built and loads (npm run build:blas)', () => {
    const status = blasStatus();
    expect(status.reason).toMatch(/^BLAS addon /);
    expect(status.path).toBe('blas');
    expect(status.library).toBeTruthy();
  });

  it('is what selectBackend reports for wasm', async () => {
    const report = await selectBackend('wasm');
    expect(report.matmul?.path).toBe('blas');
    expect(report.matmul?.library).toMatch(/\S/);
    await useWasm();
  });
});

interface MatMulCase {
  a: number[];
  b: number[];
  transposeA?: boolean;
  transposeB?: boolean;
}

const cases: MatMulCase[] = [
  { a: [1, 1], b: [1, 1] },
  { a: [3, 5], b: [5, 7] },
  { a: [5, 3], b: [5, 7], transposeA: true },
  { a: [3, 5], b: [7, 5], transposeB: true },
  { a: [5, 3], b: [7, 5], transposeA: true, transposeB: true },
  { a: [1, 13], b: [13, 1] },
  { a: [1, 1, 9], b: [1, 9, 4] }, // a batch of one
  { a: [4, 3, 5], b: [4, 5, 7] },
  { a: [4, 5, 3], b: [4, 7, 5], transposeA: true, transposeB: true },
  { a: [4, 3, 5], b: [5, 7] }, // b shared: a's entries stacked into one product
  { a: [4, 5, 3], b: [1, 5, 7], transposeA: true }, // b shared, a transposed: one product per entry
  { a: [3, 5], b: [4, 5, 7] }, // a shared
  { a: [2, 3, 3, 5], b: [2, 3, 5, 6] }, // two batch axes (cpu flattens them, so no broadcast across both)
  { a: [3, 0], b: [0, 4] }, // k = 0: zeros
  { a: [0, 5], b: [5, 4] }, // m = 0: empty
  { a: [100, 784], b: [784, 1000] }, // E2's first layer
  { a: [100, 1000], b: [100, 10], transposeA: true }, // a weight gradient
  { a: [32, 784], b: [6272, 784], transposeB: true }, // E4's input gradient
];

const describeShape = (c: MatMulCase) =>
  `[${c.a.join('×')}]${c.transposeA ? 'ᵀ' : ''} · [${c.b.join('×')}]${c.transposeB ? 'ᵀ' : ''}`;
const kOf = (c: MatMulCase) => (c.transposeA ? c.a[c.a.length - 2] : c.a[c.a.length - 1]);

describe.skipIf(off)('BatchMatMul on BLAS', () => {
  const rng = createRng(101);
  for (const c of cases) {
    it(`${describeShape(c)} matches cpu`, async () => {
      const a = randomArray(rng, c.a);
      const b = randomArray(rng, c.b);
      const before = sgemmCalls();
      await expectSameOnBothBackends(
        () => tf.matMul(tf.tensor(a, c.a), tf.tensor(b, c.b), c.transposeA, c.transposeB),
        tolerance(kOf(c)),
      );
      if (c.a.every((s) => s > 0) && kOf(c) > 0) expect(sgemmCalls()).toBeGreaterThan(before);
    });
  }

  it('leaves no tensor, heap data or memory growth behind', async () => {
    const a = tf.tensor(randomArray(rng, [4, 5, 3]), [4, 5, 3]);
    const b = tf.tensor(randomArray(rng, [4, 7, 5]), [4, 7, 5]);
    await expectNoLeak(() => tf.matMul(a, b, true, true).dispose());
    tf.dispose([a, b]);
  });
});

interface FusedCase extends MatMulCase {
  bias: number[] | null;
  activation: 'linear' | 'relu' | 'elu';
}

const fusedCases: FusedCase[] = [
  { a: [3, 5], b: [5, 7], bias: [7], activation: 'linear' },
  { a: [3, 5], b: [5, 7], bias: [1], activation: 'relu' },
  { a: [3, 5], b: [5, 7], bias: null, activation: 'relu' },
  { a: [5, 3], b: [7, 5], transposeA: true, transposeB: true, bias: [7], activation: 'relu' },
  { a: [2, 3, 5], b: [2, 5, 4], bias: [4], activation: 'linear' },
  { a: [1, 13], b: [13, 1], bias: [1], activation: 'relu' },
  { a: [3, 5], b: [5, 7], bias: [7], activation: 'elu' }, // not on BLAS: the wasm path
  { a: [100, 784], b: [784, 1000], bias: [1000], activation: 'relu' },
];

describe.skipIf(off)('_FusedMatMul on BLAS', () => {
  const rng = createRng(202);
  for (const c of fusedCases) {
    it(`${describeShape(c)} + bias ${c.bias ? `[${c.bias.join('×')}]` : 'none'}, ${c.activation} matches cpu`, async () => {
      const a = randomArray(rng, c.a);
      const b = randomArray(rng, c.b);
      const bias = c.bias ? randomArray(rng, c.bias) : null;
      await expectSameOnBothBackends(
        () =>
          tf.fused.matMul({
            a: tf.tensor(a, c.a as number[]) as tf.Tensor as tf.Tensor2D,
            b: tf.tensor(b, c.b as number[]) as tf.Tensor as tf.Tensor2D,
            transposeA: c.transposeA,
            transposeB: c.transposeB,
            bias: bias && c.bias ? tf.tensor(bias, c.bias) : undefined,
            activation: c.activation,
          }),
        tolerance(kOf(c)),
      );
    });
  }

  it('gives the gradients cpu gives (a dense layer with bias and ReLU)', async () => {
    const [m, k, n] = [9, 31, 17];
    const x = randomArray(rng, [m, k]);
    const w = randomArray(rng, [k, n]);
    const bias = randomArray(rng, [n]);
    const dy = randomArray(rng, [m, n]);
    for (const which of [0, 1, 2]) {
      await expectSameOnBothBackends(
        () => {
          const grads = tf.grads((xs: tf.Tensor, ws: tf.Tensor, bs: tf.Tensor) =>
            tf.sum(
              tf.mul(
                tf.fused.matMul({ a: xs as tf.Tensor2D, b: ws as tf.Tensor2D, bias: bs, activation: 'relu' }),
                tf.tensor(dy, [m, n]),
              ),
            ),
          )([tf.tensor(x, [m, k]), tf.tensor(w, [k, n]), tf.tensor(bias, [n])]);
          return grads[which];
        },
        tolerance(Math.max(m, k, n)),
      );
    }
  });
});

describe.skipIf(off)('the wasm path when BLAS is switched off', () => {
  it('computes the same product without calling BLAS', async () => {
    const rng = createRng(303);
    const a = randomArray(rng, [6, 11]);
    const b = randomArray(rng, [11, 5]);
    const f = () => tf.matMul(tf.tensor(a, [6, 11]), tf.tensor(b, [11, 5]));
    const onBlas = await runOn('wasm', f);
    useBlasInTests(false);
    try {
      const before = sgemmCalls();
      const onWasm = await runOn('wasm', f);
      expect(sgemmCalls()).toBe(before);
      expect(blasStatus().path).toBe('wasm');
      const ref = await runOn('cpu', f);
      for (const got of [onBlas, onWasm]) {
        for (let i = 0; i < ref.values.length; i++) expect(got.values[i]).toBeCloseTo(ref.values[i], 4);
      }
    } finally {
      useBlasInTests(true);
    }
  });
});
