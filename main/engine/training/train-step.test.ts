import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { mlpSchema } from '../../../common/config/run-config';
import { buildModel } from '../model/build-model';
import { disposeChunks, ranges, uploadChunk } from './batches';
import { useBackend } from './test-support/backend';
import { blobData } from './test-support/data';
import { batchGradient } from './train-step';

beforeAll(() => useBackend('cpu'));

describe('batchGradient', () => {
  it('a batch evaluated in chunks gives the one-pass gradient (dropout and L2 included)', () => {
    const data = blobData({ train: 50 });
    const model = buildModel({
      model: mlpSchema.parse({ kind: 'mlp', hiddenUnits: [9] }),
      featureShape: [6],
      classes: 3,
      seed: 2,
      dropoutKeep: 0.6,
    });
    const settings = {
      lossReduction: 'mean' as const,
      regularization: { l2: 0.05, l2Convention: 'half' as const, l2Covers: 'weights' as const },
    };
    const gradients = (chunkRows: number) => {
      const chunks = ranges(50, chunkRows).map(([s, e]) => uploadChunk(data.train, [6], 3, null, s, e, s));
      try {
        return tf.tidy(() => {
          const { loss, grads } = batchGradient(
            model,
            { chunks, batchRows: 50, dropoutSeed: 4 },
            settings,
            [],
          )();
          return { loss: loss.dataSync()[0], grads: grads.map((g) => Array.from(g.dataSync())) };
        });
      } finally {
        disposeChunks(chunks);
      }
    };
    try {
      const whole = gradients(50);
      const chunked = gradients(16);
      expect(chunked.loss).toBeCloseTo(whole.loss, 5);
      whole.grads.forEach((g, i) => g.forEach((v, j) => expect(chunked.grads[i][j]).toBeCloseTo(v, 5)));
    } finally {
      model.dispose();
    }
  });
});
