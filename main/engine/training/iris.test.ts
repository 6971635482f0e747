import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from './test-support/backend';
import { recordRun, testConfig } from './test-support/config';
import { irisData } from './test-support/data';

beforeAll(() => useBackend('cpu'));

/** E7: MLP 4 → 16 softplus → 3, weights N(0, σ), full batch, α = 0.01, GD vs Nesterov (γ = 0.9). */
const e7 = (optimizer: 'gd' | 'nesterov') =>
  testConfig({
    model: {
      kind: 'mlp',
      hiddenUnits: [16],
      activation: 'softplus',
      init: { kind: 'normal', mean: 0, std: 1 },
    },
    training: { optimizer, learningRate: 0.01, batchSize: 'full', epochs: 120 },
  });

describe('E7 on Iris (standardised, 120 train / 30 test)', () => {
  it('Nesterov gets much further than plain GD in the same number of epochs', async () => {
    const iris = irisData();
    const gd = await recordRun(e7('gd'), iris);
    const nag = await recordRun(e7('nesterov'), iris);
    const [gdLast, nagLast] = [gd.epochs.at(-1), nag.epochs.at(-1)];
    if (!gdLast || !nagLast) throw new Error('no epochs');
    // Both learn ...
    expect(gdLast.trainLoss).toBeLessThan(gd.epochs[0].trainLoss);
    // ... but NAG's effective step is ~1/(1 − γ) = 10× larger along consistent directions.
    expect(nagLast.trainLoss).toBeLessThan(0.5 * gdLast.trainLoss);
    expect(nagLast.trainAcc).toBeGreaterThan(gdLast.trainAcc);
    expect(nagLast.trainAcc).toBeGreaterThan(0.9);
    expect(nagLast.testAcc).toBeGreaterThan(0.85);
  });
});
