import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../common/config/run-config';
import { smallMnistCnn, smallMnistMlp } from '../../tests/support/configs';
import { RunStore } from '../store/run-store';
import { preflightRun } from './run-preflight';

const cacheDir = join(tmpdir(), 'workbench-test-cache');

describe('preflightRun', () => {
  const store = RunStore.open(':memory:');
  afterEach(() => expect(store.listRuns()).toEqual([]));

  const check = (raw: unknown) => () => preflightRun(runConfigSchema.parse(raw), store, cacheDir);

  it('returns the dataset with its fingerprint for a config that fits', () => {
    const info = check(smallMnistMlp())();
    expect(info).toMatchObject({ id: 'mnist', examples: 70000, classes: 10 });
    expect(info.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    [
      'an unknown dataset',
      { dataset: { id: 'cifar', split: { train: 10 } } },
      /dataset\.id: unknown dataset "cifar": it is not in this store .*pick one of mnist/,
    ],
    [
      'a split larger than the data',
      { dataset: { id: 'iris', split: { train: 100, test: 100 } } },
      /dataset\.split: /,
    ],
    [
      'an official test split on Iris',
      { dataset: { id: 'iris', split: { train: 100, test: 'official' } } },
      /dataset\.split: /,
    ],
    [
      'early stopping on validation loss without a validation split',
      {
        dataset: { id: 'iris', split: { train: 100, test: 50 } },
        training: { ...smallMnistMlp().training, earlyStopping: { rule: 'patience', patience: 5 } },
      },
      /training\.earlyStopping\.monitor: valLoss \(validation loss\) is never logged: the validation split is empty/,
    ],
  ])('rejects %s', (_what, patch, message) => {
    expect(check({ ...smallMnistMlp(), ...patch })).toThrow(message);
  });

  it('refuses a batch larger than the training split, naming the field, the split and "full"', () => {
    const mlp = smallMnistMlp();
    const huge = { ...mlp, training: { ...mlp.training, batchSize: 100_000_000 } };
    expect(check(huge)).toThrow(
      /^training\.batchSize: 100 000 000 is larger than the training split \(1 000 examples\); use "full" for full-batch training, or at most 1 000$/,
    );
    // The whole split as one batch, and "full", are fine.
    expect(check({ ...mlp, training: { ...mlp.training, batchSize: 1000 } })).not.toThrow();
    expect(check({ ...mlp, training: { ...mlp.training, batchSize: 'full' } })).not.toThrow();
  });

  it('rejects a declared model size that does not match the data', () => {
    const mlp = smallMnistMlp();
    expect(check({ ...mlp, model: { ...mlp.model, inputSize: 30 } })).toThrow(
      /model\.inputSize: 30 does not match the 784 features of "mnist"/,
    );
    expect(check({ ...mlp, model: { ...mlp.model, outputSize: 1 } })).toThrow(
      /model\.outputSize: 1 does not match the 10 classes/,
    );
  });

  it('rejects a CNN on non-image data', () => {
    const cnn = smallMnistCnn();
    expect(check({ ...cnn, dataset: { id: 'iris', split: { train: 100, test: 50 } } })).toThrow(
      /model\.kind: a CNN needs images/,
    );
  });
});
