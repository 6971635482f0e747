import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { it } from 'vitest';
import { irisData, blobData } from './test-support/data';
import { recordRun, testConfig } from './test-support/config';

it('smoke', async () => {
  await tf.setBackend('cpu');
  for (const opt of ['gd', 'nesterov'] as const) {
    for (const red of ['mean', 'sum'] as const) {
      const cfg = testConfig({ model: { kind: 'mlp', hiddenUnits: [16], activation: 'softplus', init: { kind: 'normal', mean: 0, std: 1 } }, training: { optimizer: opt, learningRate: 0.01, batchSize: 'full', epochs: 350, lossReduction: red } });
      const t = performance.now();
      const r = await recordRun(cfg, irisData());
      const last = r.epochs[r.epochs.length - 1];
      console.log(opt, red, r.outcome.status, last.trainLoss.toFixed(4), last.trainAcc.toFixed(3), last.testAcc?.toFixed(3), ((performance.now() - t) / 1000).toFixed(2), 's');
    }
  }
  const cnn = testConfig({ model: { kind: 'cnn', filters: 4, denseUnits: [16] }, regularization: { dropout: { keep: 0.5 } }, training: { optimizer: 'adam', learningRate: 0.01, batchSize: 8, epochs: 3 } });
  const r = await recordRun(cnn, blobData({ featureShape: [8, 8, 1] }));
  console.log(r.outcome, r.epochs.map((e) => [e.trainLoss.toFixed(3), e.trainAcc, e.valAcc]));
  console.log(tf.memory().numTensors);
});
