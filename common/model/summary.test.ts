import { describe, expect, it } from 'vitest';
import { cnnSchema, mlpSchema } from '../config/run-config';
import { activationFloatsPerExample, convOutputSize, describeModel } from './summary';

const e4Cnn = cnnSchema.parse({ kind: 'cnn' });

describe('describeModel', () => {
  it('counts E9 (30 → 1024 → 512 → 1) as 557 057 learnable parameters', () => {
    const summary = describeModel(mlpSchema.parse({ kind: 'mlp', hiddenUnits: [1024, 512] }), [30], 1);
    expect(summary.totalParams).toBe(557_057);
    expect(summary.nonTrainableParams).toBe(0);
    expect(summary.layers.filter((l) => l.kind === 'dense').map((l) => l.params)).toEqual([
      30 * 1024 + 1024,
      1024 * 512 + 512,
      512 + 1,
    ]);
  });

  it('lays out E4 as conv → relu → batch norm → pool → flatten 6272 → dense 784 → relu → dropout → dense 10', () => {
    const summary = describeModel(e4Cnn, [28, 28, 1], 10, { dropoutKeep: 0.5 });
    expect(summary.layers.map((l) => [l.name, l.outputShape])).toEqual([
      ['conv2d_1', [28, 28, 32]],
      ['activation_1', [28, 28, 32]],
      ['batch_norm_1', [28, 28, 32]],
      ['max_pool_1', [14, 14, 32]],
      ['flatten_1', [6272]],
      ['dense_1', [784]],
      ['activation_2', [784]],
      ['dropout_1', [784]],
      ['dense_2', [10]],
    ]);
    // conv 3·3·1·32 + 32, BN γ and β, dense 6272·784 + 784, dense 784·10 + 10.
    expect(summary.totalParams).toBe(320 + 64 + 4_918_032 + 7_850);
    expect(summary.nonTrainableParams).toBe(64);
  });

  it('follows TF shape rules for valid padding, strides and pooling, and leaves pooling out for size 1', () => {
    const model = cnnSchema.parse({
      kind: 'cnn',
      filters: 4,
      kernelSize: 5,
      stride: 2,
      padding: 'valid',
      poolSize: 1,
    });
    const summary = describeModel(model, [28, 28, 3], 10);
    expect(summary.layers[0].outputShape).toEqual([12, 12, 4]);
    expect(summary.layers.some((l) => l.kind === 'maxPool')).toBe(false);
    expect(summary.layers[0].params).toBe(5 * 5 * 3 * 4 + 4);
    expect(convOutputSize(28, 3, 2, 'same')).toBe(14);
    expect(convOutputSize(7, 3, 2, 'same')).toBe(4);
  });

  it('flattens image input for an MLP and rejects a flat input for a CNN', () => {
    const mlp = describeModel(mlpSchema.parse({ kind: 'mlp', hiddenUnits: [10] }), [28, 28, 1], 10);
    expect(mlp.layers[0]).toMatchObject({ kind: 'flatten', outputShape: [784] });
    expect(mlp.totalParams).toBe(784 * 10 + 10 + 10 * 10 + 10);
    expect(() => describeModel(e4Cnn, [784], 10)).toThrow(/height, width, channels/);
    expect(() => describeModel(cnnSchema.parse({ kind: 'cnn', poolSize: 4 }), [2, 2, 1], 10)).toThrow(
      /pooling/,
    );
  });

  it('estimates activation floats per example from the layer shapes', () => {
    const summary = describeModel(mlpSchema.parse({ kind: 'mlp', hiddenUnits: [5] }), [3], 2);
    // input 3 + dense 5 + activation 5 + logits 2
    expect(activationFloatsPerExample(summary, [3])).toBe(15);
  });
});
