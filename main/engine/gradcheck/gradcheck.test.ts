import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../training/test-support/backend';
import { e7GradcheckConfig, testConfig } from '../training/test-support/config';
import { blobData, irisData } from '../training/test-support/data';
import { gradientCheck } from './gradcheck';

beforeAll(() => useBackend('cpu'));

const e7 = e7GradcheckConfig();

describe('gradientCheck', () => {
  it('E7 (4 → 16 softplus → 3 on Iris): analytic and numeric gradients agree far below 1e-4', () => {
    const result = gradientCheck(e7, irisData(), { examples: 16, entriesPerTensor: 20 });
    expect(result.tensors.map((t) => [t.name, t.shape, t.checked])).toEqual([
      ['dense_1/kernel', [4, 16], 20],
      ['dense_1/bias', [16], 16],
      ['dense_2/kernel', [16, 3], 20],
      ['dense_2/bias', [3], 3],
    ]);
    expect(result.maxRelativeError).toBeLessThan(1e-5);
    expect(result.objective.tfjs).toBeCloseTo(result.objective.reference, 5);
  });

  it('detects a gradient that is off by 0.1 % in one tensor', () => {
    const result = gradientCheck(e7, irisData(), {
      examples: 16,
      transformAnalytic: (name, g) => (name === 'dense_1/bias' ? g.map((v) => v * 1.001) : g),
    });
    const bias = result.tensors.find((t) => t.name === 'dense_1/bias');
    expect(bias?.maxRelativeError).toBeGreaterThan(9e-4);
    expect(result.tensors.find((t) => t.name === 'dense_2/kernel')?.maxRelativeError).toBeLessThan(1e-5);
  });

  it('counts a NaN gradient as a failure', () => {
    const result = gradientCheck(e7, irisData(), {
      transformAnalytic: (name, g) => (name === 'dense_2/bias' ? g.map(() => NaN) : g),
    });
    expect(result.maxRelativeError).toBe(Infinity);
  });

  it('summed loss, L2 on weights and biases, ReLU with kinks: still agrees', () => {
    const config = testConfig({
      model: { kind: 'mlp', hiddenUnits: [16, 8], activation: 'relu' },
      training: { lossReduction: 'sum' },
      regularization: { l2: 0.1, l2Convention: 'full', l2Covers: 'weights-and-biases' },
    });
    const result = gradientCheck(config, blobData({}), { examples: 12, entriesPerTensor: 15 });
    expect(result.maxRelativeError).toBeLessThan(1e-4);
  });

  it('CNN with batch norm (gradient through the batch statistics), pooling and stride', () => {
    const config = testConfig({
      model: { kind: 'cnn', filters: 3, kernelSize: 3, stride: 2, denseUnits: [8], activation: 'sigmoid' },
    });
    const result = gradientCheck(config, blobData({ featureShape: [9, 9, 2] }), {
      examples: 6,
      entriesPerTensor: 12,
    });
    expect(result.tensors.map((t) => t.name)).toContain('batch_norm_1/gamma');
    expect(result.maxRelativeError).toBeLessThan(1e-4);
  });

  it('skips entries whose finite difference straddles a ReLU kink instead of reporting a false error', () => {
    const config = testConfig({ model: { kind: 'mlp', hiddenUnits: [16], activation: 'relu' } });
    // A step of 3 moves most first-layer pre-activations across zero.
    const result = gradientCheck(config, blobData({}), { examples: 12, entriesPerTensor: 15, step: 3 });
    const kernel = result.tensors.find((t) => t.name === 'dense_1/kernel');
    expect(kernel?.skippedAtKinks).toBeGreaterThan(0);
    expect((kernel?.checked ?? 0) + (kernel?.skippedAtKinks ?? 0)).toBe(15);
  });
});
