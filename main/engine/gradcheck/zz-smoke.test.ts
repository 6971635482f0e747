import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { it } from 'vitest';
import { irisData, blobData } from '../training/test-support/data';
import { testConfig } from '../training/test-support/config';
import { gradientCheck } from './gradcheck';

it('smoke', async () => {
  await tf.setBackend('cpu');
  const show = (label: string, r: ReturnType<typeof gradientCheck>) => console.log(label, r.maxRelativeError.toExponential(2), r.objective, r.tensors.map((t) => `${t.name}:${t.maxRelativeError.toExponential(1)}/${t.maxAbsoluteError.toExponential(1)}`).join(' '));
  for (const red of ['mean', 'sum'] as const) {
    const cfg = testConfig({ model: { kind: 'mlp', hiddenUnits: [16], activation: 'softplus', init: { kind: 'normal', mean: 0, std: 1 } }, training: { optimizer: 'gd', learningRate: 0.01, epochs: 1, lossReduction: red }, regularization: { l2: 0.1, l2Covers: 'weights-and-biases' } });
    show('e7 ' + red, gradientCheck(cfg, irisData(), { examples: 120, entriesPerTensor: 50 }));
  }
  const t = performance.now();
  const e4 = testConfig({ model: { kind: 'cnn' }, regularization: { l2: 0.5 } });
  for (const step of [1e-5, 1e-7, 1e-3]) show('e4 ' + step, gradientCheck(e4, blobData({ featureShape: [28, 28, 1], classes: 10 }), { examples: 8, step, transformAnalytic: (n, g) => { if (n === 'conv2d_1/bias') console.log(Array.from(g).map((v) => v.toExponential(2)).join(' ')); return g; } }));
  console.log('e4 s', (performance.now() - t) / 1000);
});
