import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../training/test-support/backend';
import '../training/register-gradients';
import { createOptimizer } from './create-optimizer';
import type { EvaluateGradient, Optimizer, OptimizerSettings } from './types';

beforeAll(() => useBackend('cpu'));

const defaults = { momentum: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 };
const settings = (optimizer: OptimizerSettings['optimizer'], extra: Partial<OptimizerSettings> = {}) => ({
  ...defaults,
  optimizer,
  ...extra,
});

/** f(w) = a/2 · (w − c)², gradient a·(w − c); records where it was evaluated. */
function quadratic(w: tf.Variable, a: number, c: number, visited: number[]): EvaluateGradient {
  return () => {
    visited.push(w.dataSync()[0]);
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(a / 2, tf.square(tf.sub(w, c)))), [w]);
    return { loss: value, grads: [grads[w.name]] };
  };
}

let cleanup: (Optimizer | tf.Tensor)[] = [];
afterEach(() => {
  for (const item of cleanup) item.dispose();
  cleanup = [];
});

function setup(
  optimizer: OptimizerSettings['optimizer'],
  w0: number[],
  extra: Partial<OptimizerSettings> = {},
) {
  const w = tf.variable(tf.tensor1d(w0));
  const opt = createOptimizer(settings(optimizer, extra), [w]);
  cleanup.push(opt, w);
  return { w, opt };
}

function step(opt: Optimizer, evaluate: EvaluateGradient, lr: number): number {
  const loss = opt.step(evaluate, lr);
  const value = loss.dataSync()[0];
  loss.dispose();
  return value;
}

describe('sgd / gd', () => {
  it('w ← w − α·g', () => {
    const { w, opt } = setup('sgd', [3]);
    const visited: number[] = [];
    const loss = step(opt, quadratic(w, 2, 1, visited), 0.1);
    expect(loss).toBeCloseTo(4, 6); // 2/2·(3 − 1)²
    expect(w.dataSync()[0]).toBeCloseTo(3 - 0.1 * 4, 6);
  });
});

describe('momentum', () => {
  it('v ← γv − αg; w ← w + v, by hand for two steps', () => {
    const { w, opt } = setup('momentum', [3]);
    const evaluate = quadratic(w, 2, 1, []);
    step(opt, evaluate, 0.1);
    // v1 = −0.1·4 = −0.4, w1 = 2.6; g(w1) = 3.2, v2 = 0.9·(−0.4) − 0.32 = −0.68, w2 = 1.92.
    expect(w.dataSync()[0]).toBeCloseTo(2.6, 6);
    step(opt, evaluate, 0.1);
    expect(w.dataSync()[0]).toBeCloseTo(1.92, 6);
  });
});

describe('nesterov', () => {
  it('evaluates the gradient at the look-ahead point w + γv and matches a hand calculation', () => {
    const { w, opt } = setup('nesterov', [3]);
    const visited: number[] = [];
    const evaluate = quadratic(w, 2, 1, visited);
    // Step 1: v0 = 0, look-ahead = 3, g = 4, v1 = −0.4, w1 = 2.6.
    const loss1 = step(opt, evaluate, 0.1);
    expect(visited[0]).toBeCloseTo(3, 6);
    expect(loss1).toBeCloseTo(4, 6);
    expect(w.dataSync()[0]).toBeCloseTo(2.6, 6);
    // Step 2: look-ahead = 2.6 + 0.9·(−0.4) = 2.24, g = 2.48, v2 = −0.36 − 0.248 = −0.608, w2 = 1.992.
    const loss2 = step(opt, evaluate, 0.1);
    expect(visited[1]).toBeCloseTo(2.24, 6);
    expect(loss2).toBeCloseTo(1.24 ** 2, 5); // the objective is reported where the gradient was taken
    expect(w.dataSync()[0]).toBeCloseTo(1.992, 6);
    // Classical momentum would be at 1.92 (see above): the look-ahead changes the trajectory.
    expect(Math.abs(w.dataSync()[0] - 1.92)).toBeGreaterThan(0.05);
  });

  it('restores w exactly before applying v (the look-ahead is not left in the variable)', () => {
    const { w, opt } = setup('nesterov', [0.3]);
    // A zero gradient: v decays, w + v must be computed from the saved w, not from the look-ahead.
    const zero: EvaluateGradient = () => ({ loss: tf.scalar(0), grads: [tf.zerosLike(w)] });
    const velocity = -0.25;
    step(opt, () => ({ loss: tf.scalar(0), grads: [tf.fill([1], -velocity / 0.5)] }), 0.5); // v1 = −0.25
    const w1 = w.dataSync()[0];
    expect(w1).toBeCloseTo(0.05, 6);
    step(opt, zero, 0.5);
    expect(w.dataSync()[0]).toBeCloseTo(w1 + 0.9 * velocity, 6);
  });
});

describe('adam', () => {
  it('first step moves every entry by ≈ α·sign(g), whatever the gradient scale', () => {
    const { w, opt } = setup('adam', [5, -5, 1000, 1e-3]);
    const targets = [0, 0, 0, 0];
    const evaluate: EvaluateGradient = () => {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.mul(tf.tensor1d([1, 1, 1e-4, 1e4]), tf.square(tf.sub(w, tf.tensor1d(targets))))),
        [w],
      );
      return { loss: value, grads: [grads[w.name]] };
    };
    step(opt, evaluate, 0.01);
    const moved = Array.from(w.dataSync()).map((v, i) => v - [5, -5, 1000, 1e-3][i]);
    expect(moved[0]).toBeCloseTo(-0.01, 6);
    expect(moved[1]).toBeCloseTo(0.01, 6);
    expect(moved[2]).toBeCloseTo(-0.01, 4); // float32 spacing at 1000 is 6e-5
    expect(moved[3]).toBeCloseTo(-0.01, 6);
  });

  it('second step follows the bias-corrected formula', () => {
    const { w, opt } = setup('adam', [3], { beta1: 0.8, beta2: 0.9, epsilon: 1e-3 });
    const evaluate = quadratic(w, 2, 1, []);
    step(opt, evaluate, 0.1);
    step(opt, evaluate, 0.1);
    // By hand in float64.
    let [x, m, v] = [3, 0, 0];
    for (let t = 1; t <= 2; t++) {
      const g = 2 * (x - 1);
      m = 0.8 * m + 0.2 * g;
      v = 0.9 * v + 0.1 * g * g;
      x -= (0.1 * (m / (1 - 0.8 ** t))) / (Math.sqrt(v / (1 - 0.9 ** t)) + 1e-3);
    }
    expect(w.dataSync()[0]).toBeCloseTo(x, 5);
  });
});

describe('all optimizers', () => {
  it('leave the tensor count flat across steps and free their state on dispose', () => {
    for (const name of ['gd', 'sgd', 'momentum', 'nesterov', 'adam'] as const) {
      const w = tf.variable(tf.tensor1d([1, 2, 3]));
      const before = tf.memory().numTensors;
      const opt = createOptimizer(settings(name), [w]);
      const evaluate = quadratic(w, 1, 0, []);
      step(opt, evaluate, 0.01);
      const afterOne = tf.memory().numTensors;
      for (let i = 0; i < 5; i++) step(opt, evaluate, 0.01);
      expect(tf.memory().numTensors, name).toBe(afterOne);
      opt.dispose();
      expect(tf.memory().numTensors, name).toBe(before);
      w.dispose();
    }
  });
});
