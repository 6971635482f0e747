import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { it } from 'vitest';
import { registerWasmTrainingKernels } from '../backend/wasm-kernels';
import { blobData } from './test-support/data';
import { recordRun, testConfig } from './test-support/config';
import type { RunConfig } from '../../../common/config/run-config';
import type { TrainingData } from '../types';

async function samplesPerSecond(cfg: RunConfig, data: TrainingData, batch: number): Promise<string> {
  let first = 0; let last = 0; let count = 0;
  await recordRun(cfg, data, { onBatch: () => { count++; if (count === 3) first = performance.now(); last = performance.now(); } });
  const s = (last - first) / 1000;
  return `${(((count - 3) * batch) / s).toFixed(0)} samples/s (${count} batches, ${(s * 1000 / (count - 3)).toFixed(2)} ms/batch)`;
}

it('bench', async () => {
  const backend = process.env.BENCH_BACKEND ?? 'wasm';
  if (backend === 'wasm') registerWasmTrainingKernels();
  await tf.setBackend(backend);
  console.log('backend', tf.getBackend());
  let t = performance.now();
  for (let i = 0; i < 20000; i++) await new Promise<void>((r) => setImmediate(r));
  console.log('setImmediate µs', ((performance.now() - t) * 1000 / 20000).toFixed(2));
  const mnistLike = blobData({ featureShape: [784], classes: 10, train: 3000, validation: 0, test: 0 });
  const e2 = testConfig({ model: { kind: 'mlp', hiddenUnits: [1000] }, training: { optimizer: 'momentum', learningRate: 1e-5, lossReduction: 'sum', batchSize: 100, epochs: 1 } });
  console.log('E2', await samplesPerSecond(e2, mnistLike, 100));
  const e8 = testConfig({ model: { kind: 'mlp', hiddenUnits: [200], init: 'he' }, training: { optimizer: 'sgd', learningRate: 1e-3, batchSize: 1, epochs: 1 } });
  console.log('E8', await samplesPerSecond(e8, blobData({ featureShape: [784], classes: 10, train: 1500, validation: 0, test: 0 }), 1));
  const img = blobData({ featureShape: [28, 28, 1], classes: 10, train: 640, validation: 0, test: 0 });
  const e4 = testConfig({ model: { kind: 'cnn' }, regularization: { dropout: { keep: 0.5 } }, training: { optimizer: 'adam', learningRate: 1e-4, batchSize: 32, epochs: 1 } });
  console.log('E4', await samplesPerSecond(e4, img, 32));
  t = performance.now();
  await recordRun(testConfig({ model: { kind: 'cnn' }, training: { optimizer: 'adam', learningRate: 1e-4, batchSize: 32, epochs: 1 } }), blobData({ featureShape: [28, 28, 1], classes: 10, train: 32, validation: 2000, test: 0 }));
  console.log('E4 eval 2000 rows s', ((performance.now() - t) / 1000).toFixed(2));
});
