import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel } from '../model/build-model';
import { crossEntropyOfRow, evaluateSplit, predictSplit } from './evaluate';
import { useBackend } from './test-support/backend';
import { blobData } from './test-support/data';

beforeAll(() => useBackend('cpu'));

describe('crossEntropyOfRow', () => {
  it('gives the loss, the arg-max and its softmax probability', () => {
    // softmax([1, 3, 2]) = e^z / (e + e³ + e²); the arg-max is 1.
    const z = [1, 3, 2];
    const denominator = Math.exp(1) + Math.exp(3) + Math.exp(2);
    const score = crossEntropyOfRow(z, 0);
    expect(score.predicted).toBe(1);
    expect(score.confidence).toBeCloseTo(Math.exp(3) / denominator, 14);
    expect(score.loss).toBeCloseTo(Math.log(denominator) - 1, 14);
  });

  it('the first of equal logits wins, with its share', () => {
    expect(crossEntropyOfRow([2, 2, 0], 1)).toMatchObject({
      predicted: 0,
      confidence: expect.closeTo(1 / (2 + Math.exp(-2)), 14),
    });
  });

  it('a NaN logit makes loss and confidence NaN', () => {
    const score = crossEntropyOfRow([0, NaN, 1], 0);
    expect(score.loss).toBeNaN();
    expect(score.confidence).toBeNaN();
  });
});

describe('predictSplit', () => {
  it('has exactly the loss and accuracy evaluateSplit logs, and per-row predictions that agree with them', () => {
    const data = blobData({ classes: 4, train: 10, validation: 97, test: 0, noise: 2 });
    const model = buildModel({
      model: { kind: 'mlp', hiddenUnits: [8], activation: 'relu', init: 'xavier' },
      featureShape: data.featureShape,
      classes: data.classes,
      seed: 3,
    });
    try {
      // Chunks of 10 rows: the last one short, as in training.
      const logged = evaluateSplit(model, data.validation, 10);
      const predicted = predictSplit(model, data.validation, 10);
      expect(predicted).not.toBeNull();
      expect(predicted!.loss).toBe(logged!.loss);
      expect(predicted!.accuracy).toBe(logged!.accuracy);
      const correct = predicted!.predicted.filter((p, i) => p === data.validation.y[i]).length;
      expect(correct / data.validation.count).toBe(logged!.accuracy);

      // Every row as tf computes it on its own: the arg-max and the softmax maximum.
      const x = tf.tensor(data.validation.x, [data.validation.count, ...data.featureShape]);
      const probabilities = tf.tidy(() => tf.softmax(model.forward(x, false)));
      const rows = probabilities.arraySync() as number[][];
      tf.dispose([x, probabilities]);
      rows.forEach((p, i) => {
        expect(predicted!.predicted[i]).toBe(p.indexOf(Math.max(...p)));
        expect(predicted!.confidence[i]).toBeCloseTo(Math.max(...p), 6);
      });
    } finally {
      model.dispose();
    }
  });

  it('is null for an empty split', () => {
    const data = blobData({ test: 0 });
    const model = buildModel({
      model: { kind: 'mlp', hiddenUnits: [4], activation: 'relu', init: 'xavier' },
      featureShape: data.featureShape,
      classes: data.classes,
      seed: 1,
    });
    try {
      expect(predictSplit(model, data.test, 10)).toBeNull();
    } finally {
      model.dispose();
    }
  });
});
