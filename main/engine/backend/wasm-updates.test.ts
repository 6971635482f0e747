import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../../../common/random';
import { createOptimizer } from '../optim/create-optimizer';
import { adamUpdate } from '../optim/fused-updates';
import type { OptimizerSettings } from '../optim/types';
import '../training/register-gradients';
import { ADAM_UPDATE, LOOK_AHEAD, MOMENTUM_UPDATE, SGD_UPDATE } from './update-kernels';
import { registerWasmTrainingKernels } from './wasm-kernels';
import { expectNoLeak, randomArray, useWasm } from './wasm-test-support';
import { setFusedUpdates } from './wasm-updates';

// The reference is the op sequence on tfjs's cpu backend; the fused kernels must give the same floats,
// bit for bit (each of their operations is the corresponding op's single float32 operation).

beforeAll(useWasm);
afterEach(() => setFusedUpdates(true));

type Backend = 'cpu' | 'wasm';

/** The same floats (NaN equal to NaN, 0 and −0 told apart); on failure, how many differ and the first. */
function expectIdentical(got: unknown, ref: unknown, label = ''): void {
  const a = [got].flat(3) as number[];
  const b = [ref].flat(3) as number[];
  expect(a.length, label).toBe(b.length);
  const differ = a.flatMap((v, i) => (Object.is(v, b[i]) ? [] : [i]));
  const first = differ.length > 0 ? `; first at ${differ[0]}: ${a[differ[0]]} vs ${b[differ[0]]}` : '';
  expect(`${differ.length} of ${a.length} differ${first}`, label).toBe(`0 of ${a.length} differ`);
}

async function use(backend: Backend): Promise<void> {
  if (backend === 'wasm') registerWasmTrainingKernels();
  expect(await tf.setBackend(backend)).toBe(true);
}

/** Shapes with size 1, sizes below and above a SIMD vector, odd sizes, and a few drawn at random. */
function shapes(rng: Rng): number[][] {
  const fixed = [[1], [3], [4], [5], [7, 1], [2, 3, 5], [3, 3, 1, 32], [1001]];
  const drawn = Array.from({ length: 4 }, () =>
    Array.from({ length: 1 + Math.floor(rng() * 4) }, () => 1 + Math.floor(rng() * 13)),
  );
  return [...fixed, ...drawn];
}

/** Gradients of every size, with zeros and values of very different magnitudes mixed in. */
function gradient(rng: Rng, shape: number[]): Float32Array {
  const g = randomArray(rng, shape);
  return g.map((v, i) => (i % 7 === 3 ? 0 : v * 10 ** Math.floor(rng() * 9 - 4)));
}

interface Problem {
  shapes: number[][];
  initial: Float32Array[];
  grads: Float32Array[][];
  learningRates: number[];
}

function problem(seed: number, steps: number): Problem {
  const rng = createRng(seed);
  const s = shapes(rng);
  return {
    shapes: s,
    initial: s.map((shape) => randomArray(rng, shape)),
    grads: Array.from({ length: steps }, () => s.map((shape) => gradient(rng, shape))),
    learningRates: Array.from({ length: steps }, (_, i) => 0.05 / (i + 1)),
  };
}

/** The variables' values after each step, through createOptimizer on `backend`. */
async function train(backend: Backend, settings: OptimizerSettings, p: Problem): Promise<number[][][]> {
  await use(backend);
  const variables = p.initial.map((w, i) => tf.variable(tf.tensor(w, p.shapes[i])));
  const optimizer = createOptimizer(settings, variables);
  const trajectory: number[][][] = [];
  p.grads.forEach((grads, step) => {
    const evaluate = () => ({ loss: tf.scalar(0), grads: grads.map((g, i) => tf.tensor(g, p.shapes[i])) });
    optimizer.step(evaluate, p.learningRates[step]).dispose();
    trajectory.push(variables.map((v) => Array.from(v.dataSync())));
  });
  optimizer.dispose();
  tf.dispose(variables);
  return trajectory;
}

const SETTINGS: Array<[string, OptimizerSettings]> = [
  ['sgd', { optimizer: 'sgd', momentum: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }],
  ['momentum 0.9', { optimizer: 'momentum', momentum: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }],
  ['nesterov 0.95', { optimizer: 'nesterov', momentum: 0.95, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }],
  ['adam (defaults)', { optimizer: 'adam', momentum: 0, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }],
  ['adam β1 0.8, β2 0.9, ε 1e-3', { optimizer: 'adam', momentum: 0, beta1: 0.8, beta2: 0.9, epsilon: 1e-3 }],
];

describe('fused optimizer updates on wasm', () => {
  SETTINGS.forEach(([label, settings], index) => {
    it(`${label}: six steps on random shapes, bit for bit as the op sequence on cpu`, async () => {
      const p = problem(100 + index, 6);
      const ref = await train('cpu', settings, p);
      const got = await train('wasm', settings, p);
      expectIdentical(got, ref);
    });
  });

  it('adam at t = 1 and at large t (bias corrections 0.1 / 0.001 down to exactly 1)', async () => {
    const rng = createRng(7);
    const shape = [13, 7];
    const [w, g, m, v] = [0, 1, 2, 3].map(() => randomArray(rng, shape));
    const vPositive = v.map((x) => x * x);
    const run = async (backend: Backend, t: number) => {
      await use(backend);
      return tf.tidy(() => {
        const [beta1, beta2] = [0.9, 0.999];
        const out = adamUpdate(
          tf.tensor(w, shape),
          tf.tensor(g, shape),
          tf.tensor(m, shape),
          tf.tensor(vPositive, shape),
          {
            beta1,
            beta2,
            epsilon: 1e-8,
            correction1: 1 - Math.pow(beta1, t),
            correction2: 1 - Math.pow(beta2, t),
            learningRate: 1e-3,
          },
        );
        return out.map((o) => Array.from(o.dataSync()));
      });
    };
    for (const t of [1, 2, 1000, 100_000, 1e9]) {
      expectIdentical(await run('wasm', t), await run('cpu', t), `t = ${t}`);
    }
  });

  it('zero, infinite and NaN gradients give what the op sequence gives', async () => {
    const g = [0, -0, Infinity, -Infinity, NaN, 1e-30, 3e38, -2];
    const w = [1, 2, 3, 4, 5, 6, 7, 8];
    const run = async (backend: Backend) => {
      await use(backend);
      return tf.tidy(() =>
        adamUpdate(tf.tensor(w), tf.tensor(g), tf.zeros([8]), tf.zeros([8]), {
          beta1: 0.9,
          beta2: 0.999,
          epsilon: 1e-8,
          correction1: 0.1,
          correction2: 0.001,
          learningRate: 0.01,
        }).map((o) => Array.from(o.dataSync())),
      );
    };
    expectIdentical(await run('wasm'), await run('cpu'));
  });

  it('each optimizer runs its fused kernel on wasm (one per variable), and the op sequence when switched off', async () => {
    await use('wasm');
    const kernelsOf = async (settings: OptimizerSettings) => {
      const w = [tf.variable(tf.ones([5])), tf.variable(tf.ones([2, 3]))];
      const optimizer = createOptimizer(settings, w);
      const evaluate = () => ({ loss: tf.scalar(0), grads: w.map((v) => tf.onesLike(v)) });
      const profile = await tf.profile(() => optimizer.step(evaluate, 0.1).dispose());
      optimizer.dispose();
      tf.dispose(w);
      return profile.kernels.map((k) => k.name);
    };
    const expected: Array<[OptimizerSettings['optimizer'], string[]]> = [
      ['sgd', [SGD_UPDATE]],
      ['momentum', [MOMENTUM_UPDATE]],
      ['nesterov', [LOOK_AHEAD, MOMENTUM_UPDATE]],
      ['adam', [ADAM_UPDATE]],
    ];
    for (const [optimizer, kernels] of expected) {
      const settings = { ...SETTINGS[0][1], optimizer };
      const names = await kernelsOf(settings);
      for (const kernel of kernels) {
        expect(
          names.filter((n) => n === kernel),
          optimizer,
        ).toHaveLength(2);
      }
      setFusedUpdates(false);
      const fallback = await kernelsOf(settings);
      setFusedUpdates(true);
      expect(
        fallback.some((n) => n.startsWith('Workbench')),
        optimizer,
      ).toBe(false);
      expect(fallback, optimizer).toContain('Multiply');
    }
  });

  it('the op sequence on wasm (kernels switched off) also matches cpu', async () => {
    const p = problem(200, 3);
    const settings = SETTINGS[3][1];
    const ref = await train('cpu', settings, p);
    setFusedUpdates(false);
    const got = await train('wasm', settings, p);
    expectIdentical(got, ref);
  });

  it('keeps tensors and wasm memory flat across steps and frees everything on dispose', async () => {
    for (const [label, settings] of SETTINGS) {
      await use('wasm');
      const before = tf.memory().numTensors;
      const w = [[33, 17], [5]].map((shape) => tf.tidy(() => tf.variable(tf.randomNormal(shape))));
      const optimizer = createOptimizer(settings, w);
      const evaluate = () => ({ loss: tf.scalar(1), grads: w.map((v) => tf.randomNormal(v.shape)) });
      await expectNoLeak(() => optimizer.step(evaluate, 0.01).dispose());
      optimizer.dispose();
      tf.dispose(w);
      expect(tf.memory().numTensors, label).toBe(before);
    }
  });
});
