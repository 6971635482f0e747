import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { deriveSeed } from '../../../common/random';
import { gradientCheck } from '../gradcheck/gradcheck';
import { buildModel } from '../model/build-model';
import { initialKernel } from '../model/init';
import { SEED_STREAMS } from '../model/seed-streams';
import { useBackend } from './test-support/backend';
import { e7GradcheckConfig, recordRun, testConfig, withoutTiming } from './test-support/config';
import { blobData, irisData } from './test-support/data';

/**
 * The same engine on tfjs-backend-wasm (with main/engine/backend's training kernels). Each test switches
 * backend itself, since comparing with cpu needs both in one process.
 */

const data = blobData({});
const mlp = testConfig({
  model: { kind: 'mlp', hiddenUnits: [12], activation: 'relu' },
  training: { optimizer: 'nesterov', learningRate: 0.05, epochs: 3 },
  regularization: { l2: 0.01, dropout: { keep: 0.8 } },
});

describe('wasm backend', () => {
  it('starts from the same initial weights as cpu (drawn in JS)', async () => {
    await useBackend('wasm');
    const model = buildModel({ model: mlp.model, featureShape: [6], classes: 3, seed: 5 });
    try {
      const kernel = Array.from(model.parameters[0].variable.dataSync());
      expect(kernel).toEqual(
        Array.from(initialKernel('xavier', [6, 12], deriveSeed(5, SEED_STREAMS.init, 0))),
      );
    } finally {
      model.dispose();
    }
  });

  it('MLP: replays bit-identically and agrees with cpu to float32 rounding', async () => {
    await useBackend('cpu');
    const onCpu = await recordRun(mlp, data);
    await useBackend('wasm');
    const first = await recordRun(mlp, data);
    const second = await recordRun(mlp, data);
    expect(first.outcome).toEqual({ status: 'completed', epochs: 3 });
    expect(withoutTiming(second.epochs)).toEqual(withoutTiming(first.epochs));
    first.epochs.forEach((m, i) => {
      expect(m.trainLoss).toBeCloseTo(onCpu.epochs[i].trainLoss, 4);
      expect(m.valAcc).toBeCloseTo(onCpu.epochs[i].valAcc ?? NaN, 4);
    });
  });

  it('MLP: no tensor leak across epochs', async () => {
    await useBackend('wasm');
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    await recordRun(mlp, data, { onEpoch: () => counts.push(tf.memory().numTensors) });
    expect(new Set(counts).size).toBe(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('CNN (conv → ReLU → pool, no batch norm) trains with the Conv2DBackpropFilter kernel and agrees with cpu', async () => {
    const images = blobData({ featureShape: [6, 6, 1], train: 48 });
    const cnn = testConfig({
      model: { kind: 'cnn', filters: 3, denseUnits: [8], batchNorm: false },
      training: { optimizer: 'momentum', learningRate: 0.05, batchSize: 12, epochs: 2 },
    });
    await useBackend('cpu');
    const onCpu = await recordRun(cnn, images);
    await useBackend('wasm');
    const onWasm = await recordRun(cnn, images);
    expect(onWasm.outcome).toEqual({ status: 'completed', epochs: 2 });
    onWasm.epochs.forEach((m, i) => expect(m.trainLoss).toBeCloseTo(onCpu.epochs[i].trainLoss, 4));
    const check = gradientCheck(cnn, images, { examples: 8, entriesPerTensor: 12 });
    expect(check.maxRelativeError).toBeLessThan(1e-4);
  });

  it('CNN with batch norm but no pooling: gradients agree with the float64 reference', async () => {
    await useBackend('wasm');
    const cnn = testConfig({ model: { kind: 'cnn', filters: 3, denseUnits: [8], poolSize: 1 } });
    const check = gradientCheck(cnn, blobData({ featureShape: [6, 6, 1] }), {
      examples: 8,
      entriesPerTensor: 12,
    });
    expect(check.maxRelativeError).toBeLessThan(1e-3);
  });

  // tfjs-backend-wasm 4.22's own MaxPoolGrad sends the gradient of a window whose inputs are all negative
  // to the window's first element; E4 pools batch norm output, which is half negative. The corrected
  // kernel in main/engine/backend/wasm-maxpool-grad.ts (registered by registerWasmTrainingKernels) fixes it.
  it('CNN with batch norm → max pool (E4-style): gradients agree with the float64 reference', async () => {
    await useBackend('wasm');
    const cnn = testConfig({ model: { kind: 'cnn', filters: 3, denseUnits: [8] } });
    const check = gradientCheck(cnn, blobData({ featureShape: [6, 6, 1] }), {
      examples: 8,
      entriesPerTensor: 12,
    });
    expect(check.maxRelativeError).toBeLessThan(1e-3);
  });

  it('gradient check of E7 passes on wasm', async () => {
    await useBackend('wasm');
    const e7 = e7GradcheckConfig();
    expect(gradientCheck(e7, irisData(), { examples: 16 }).maxRelativeError).toBeLessThan(1e-4);
  });
});
