import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import { it } from 'vitest';
import { registerWasmTrainingKernels } from '../backend/wasm-kernels';
import { buildModel } from '../model/build-model';
import { createOptimizer } from '../optim/create-optimizer';
import { testConfig } from './test-support/config';
import { batchGradient } from './train-step';
import { blobData } from './test-support/data';
import { uploadChunk } from './batches';

it('prof', async () => {
  registerWasmTrainingKernels();
  await tf.setBackend('wasm');
  for (const which of ['e4', 'e8']) {
    const cfg = which === 'e4' ? testConfig({ model: { kind: 'cnn' }, regularization: { dropout: { keep: 0.5 } }, training: { optimizer: 'adam', learningRate: 1e-4, batchSize: 32, epochs: 1 } })
      : testConfig({ model: { kind: 'mlp', hiddenUnits: [200] }, training: { optimizer: 'sgd', learningRate: 1e-3, batchSize: 1, epochs: 1 } });
    const data = which === 'e4' ? blobData({ featureShape: [28, 28, 1], classes: 10, train: 64 }) : blobData({ featureShape: [784], classes: 10, train: 64 });
    const model = buildModel({ model: cfg.model, featureShape: data.featureShape, classes: 10, seed: 1, dropoutKeep: cfg.regularization.dropout?.keep });
    const opt = createOptimizer(cfg.training, model.parameters.map((p) => p.variable));
    const rows = which === 'e4' ? 32 : 1;
    const chunk = uploadChunk(data.train, model.inputShape, 10, null, 0, rows, 0);
    const settings = { lossReduction: cfg.training.lossReduction, regularization: cfg.regularization };
    const step = () => { const stats: never[] = []; const l = opt.step(batchGradient(model, { chunks: [chunk], batchRows: rows, dropoutSeed: 1 }, settings, stats), 0.001); l.dataSync(); l.dispose(); };
    for (let i = 0; i < 3; i++) step();
    const n = which === 'e4' ? 5 : 200;
    let t = performance.now();
    for (let i = 0; i < n; i++) step();
    console.log(which, 'ms/step', ((performance.now() - t) / n).toFixed(2));
    const info = await tf.profile(() => step());
    const byKernel = new Map<string, number>();
    for (const k of info.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
    const total = [...byKernel.values()].reduce((a, b) => a + b, 0);
    console.log(which, 'kernels', info.kernels.length, 'kernel ms', total.toFixed(1), [...byKernel.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k}:${v.toFixed(1)}`).join(' '));
    model.dispose(); opt.dispose();
  }
});
