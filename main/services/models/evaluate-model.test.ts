import { existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../../common/config/run-config';
import { UserInputError } from '../../../common/errors';
import type { EvaluationSplit } from '../../../common/model-eval/types';
import type { EpochMetrics } from '../../../common/types';
import { smallMnistMlp } from '../../../tests/support/configs';
import { tempWorkspace } from '../../../tests/support/cli';
import { importDataset, loadDataset } from '../../datasets/catalog';
import { prepareTrainingData } from '../../datasets/prepare';
import { openRunServices, type RunServices } from '../run-services';
import { preflightRun } from '../run-preflight';
import { evaluateKeptModel } from './evaluate-model';

/**
 * A kept model evaluated on a run trained for real, through the worker pool (the built worker bundle, as the
 * app runs it), into a temporary SQLite file: on its own splits at its kept epochs it gives back the loss and
 * accuracy those epochs logged.
 */

const workerFile = join(import.meta.dirname, '..', '..', '..', 'out', 'main', 'training-worker.js');
const cacheDir = join(tmpdir(), 'workbench-test-cache');
const workspace = tempWorkspace('workbench-evaluate-');
let services: RunServices;
const runs = { mnist: '', iris: '', none: '' };

const irisConfig = (name: string, checkpoints: 'best-and-last' | 'none' = 'best-and-last') => ({
  name,
  seed: 2,
  dataset: {
    id: 'iris',
    split: { train: 90, validation: 0, test: 60 },
    shuffleSeed: 5,
    normalization: 'standardize',
  },
  model: { kind: 'mlp', hiddenUnits: [8], activation: 'relu' },
  training: { optimizer: 'adam', learningRate: 0.02, batchSize: 30, epochs: 6 },
  checkpoints,
});

async function train(raw: unknown): Promise<string> {
  const config = runConfigSchema.parse(raw);
  const { fingerprint } = preflightRun(config, services.store, cacheDir);
  const run = services.queue.submit(config, fingerprint);
  const result = await run.done;
  if (result.status !== 'completed') throw new Error(`run ${config.name} ${result.status}: ${result.error}`);
  return run.runId;
}

beforeAll(async () => {
  if (!existsSync(workerFile)) throw new Error(`${workerFile} is missing: run \`npm run build\` first`);
  services = await openRunServices({
    dbPath: workspace.db,
    cacheDir,
    workerFile,
    appVersion: 'test',
    maxWorkers: 2,
  });
  [runs.mnist, runs.iris, runs.none] = await Promise.all([
    train(smallMnistMlp({ name: 'mnist-eval', epochs: 4, learningRate: 0.1 })),
    train(irisConfig('iris-eval')),
    train(irisConfig('iris-none', 'none')),
  ]);
});

afterAll(async () => {
  await services?.close();
});

const METRICS: Record<EvaluationSplit, [keyof EpochMetrics, keyof EpochMetrics]> = {
  train: ['trainLoss', 'trainAcc'],
  validation: ['valLoss', 'valAcc'],
  test: ['testLoss', 'testAcc'],
};

function expectLogged(
  runId: string,
  epoch: number,
  split: EvaluationSplit,
  got: { loss: number; accuracy: number },
) {
  const logged = services.store.getEpochs(runId).find((e) => e.epoch === epoch)!;
  const [lossKey, accKey] = METRICS[split];
  const loss = logged[lossKey] as number;
  expect(Math.abs(got.loss - loss) / loss, `${split} loss at epoch ${epoch}`).toBeLessThan(1e-5);
  expect(got.accuracy, `${split} accuracy at epoch ${epoch}`).toBe(logged[accKey]);
}

describe('evaluateKeptModel on a run trained through the worker', () => {
  it('reproduces the logged loss and accuracy of every kept epoch on every split', () => {
    const kept = services.store.checkpoints.list(runs.mnist);
    expect(kept.length).toBeGreaterThanOrEqual(1);
    for (const checkpoint of kept) {
      for (const split of ['train', 'validation', 'test'] as const) {
        const evaluation = evaluateKeptModel(services.store, cacheDir, runs.mnist, {
          epoch: checkpoint.epoch,
          split,
        });
        expect(evaluation.epoch).toBe(checkpoint.epoch);
        expect(evaluation.split).toBe(split);
        expect(evaluation.examples).toBe({ train: 1000, validation: 300, test: 300 }[split]);
        expectLogged(runs.mnist, checkpoint.epoch, split, evaluation);
        // The confusion matrix holds every example, its diagonal the correct ones.
        const total = evaluation.confusion.flat().reduce((a, b) => a + b, 0);
        const correct = evaluation.confusion.reduce((sum, row, i) => sum + row[i], 0);
        expect(total).toBe(evaluation.examples);
        expect(correct / total).toBe(evaluation.accuracy);
        expect(evaluation.mistakes.length).toBe(total - correct);
      }
    }
  });

  it('defaults to the best epoch and the validation split, with MNIST digit names and shape', () => {
    const evaluation = evaluateKeptModel(services.store, cacheDir, runs.mnist.slice(0, 8));
    const best = services.store.checkpoints.list(runs.mnist).find((c) => c.kinds.includes('best'))!;
    expect(evaluation.runId).toBe(runs.mnist);
    expect(evaluation.epoch).toBe(best.epoch);
    expect(evaluation.split).toBe('validation');
    expect(evaluation.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(evaluation.inputShape).toEqual([28, 28, 1]);
    expect(evaluation.perClass.map((m) => m.support).reduce((a, b) => a + b, 0)).toBe(300);
    // Most confident first.
    const confidences = evaluation.mistakes.map((m) => m.confidence);
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
    expect(evaluation.mistakes.every((m) => m.input === undefined)).toBe(true);
  });

  it('hands the first mistakes their example as stored, raw pixels, at its index in the split', () => {
    const evaluation = evaluateKeptModel(services.store, cacheDir, runs.mnist, { epoch: 'last', inputs: 3 });
    const withInput = evaluation.mistakes.filter((m) => m.input);
    expect(withInput.length).toBe(Math.min(3, evaluation.mistakes.length));
    expect(evaluation.mistakes.slice(0, withInput.length)).toEqual(withInput);
    // The split as training saw it: scaled pixels (÷ 255) of the same example.
    const run = services.store.getRun(runs.mnist)!;
    const data = prepareTrainingData(loadDataset('mnist', services.store, { cacheDir }), run.config.dataset);
    for (const mistake of withInput) {
      const input = mistake.input!;
      expect(input.length).toBe(784);
      expect(input.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
      expect(Math.max(...input)).toBeGreaterThan(1);
      const row = data.validation.x.subarray(mistake.index * 784, (mistake.index + 1) * 784);
      expect(Array.from(row)).toEqual(input.map((v) => Math.fround(v / 255)));
      expect(data.validation.y[mistake.index]).toBe(mistake.label);
    }
  });

  it('without a validation split takes the test split; the last epoch reproduces too', () => {
    const evaluation = evaluateKeptModel(services.store, cacheDir, runs.iris, { epoch: 'last' });
    expect(evaluation.split).toBe('test');
    expect(evaluation.examples).toBe(60);
    expect(evaluation.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(evaluation.inputShape).toEqual([4]);
    expectLogged(runs.iris, evaluation.epoch, 'test', evaluation);
  });

  it('evaluates every example of another dataset of the same shape, normalised with the run’s statistics', () => {
    // Iris again, as an imported CSV in another row order: the run's own (raw) examples, so its own numbers.
    const lines = ['sl,sw,pl,pw,species'];
    const iris = loadDataset('iris', services.store, { cacheDir });
    const names = iris.info.classNames!;
    for (let i = iris.y.length - 1; i >= 0; i--) {
      lines.push(
        [...iris.x.subarray(i * 4, i * 4 + 4)].map((v) => String(v)).join(',') + `,${names[iris.y[i]]}`,
      );
    }
    const file = join(workspace.dir, 'iris-reversed.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    const imported = importDataset(file, services.store, { name: 'iris reversed' });
    const other = evaluateKeptModel(services.store, cacheDir, runs.iris, { datasetId: imported.id });
    const own = evaluateKeptModel(services.store, cacheDir, runs.iris, { datasetId: 'iris' });
    expect(other.split).toBe(`dataset:${imported.id}`);
    expect(other.examples).toBe(150);
    expect(other.classes).toEqual(names);
    expect(other.confusion).toEqual(own.confusion);
    expect(other.accuracy).toBe(own.accuracy);
    expect(Math.abs(other.loss - own.loss) / own.loss).toBeLessThan(1e-6);
    // index: the position in that dataset, reversed against the built-in one.
    expect(other.mistakes.map((m) => 149 - m.index).sort((a, b) => a - b)).toEqual(
      own.mistakes.map((m) => m.index).sort((a, b) => a - b),
    );
  });

  const refusals: {
    name: string;
    run: keyof typeof runs | string;
    options: Parameters<typeof evaluateKeptModel>[3];
    message: RegExp;
  }[] = [
    { name: 'an unknown run', run: 'nosuchrun', options: {}, message: /^no run with id nosuchrun/ },
    {
      name: 'an epoch without a checkpoint, naming those kept',
      run: 'mnist',
      options: { epoch: 99 },
      message: /has no checkpoint at epoch 99; kept epochs: \d+ \(/,
    },
    { name: 'a run that keeps none', run: 'none', options: {}, message: /keeps no checkpoints/ },
    {
      name: 'an empty split',
      run: 'iris',
      options: { split: 'validation' },
      message:
        /^run \w{8} has no validation examples to evaluate on \(its split: validation 0, test 60, train 90\)$/,
    },
    {
      name: 'a dataset of another shape, naming both',
      run: 'iris',
      options: { datasetId: 'mnist' },
      message:
        /^run \w{8} cannot be evaluated on dataset "mnist" \(examples \[28, 28, 1\], 10 classes\): it was trained on "iris" \(examples \[4\], 3 classes\)$/,
    },
    {
      name: 'a split and a dataset at once',
      run: 'iris',
      options: { datasetId: 'iris', split: 'test' },
      message: /not both/,
    },
    {
      name: 'an unknown dataset',
      run: 'iris',
      options: { datasetId: 'nope' },
      message: /unknown dataset "nope"/,
    },
  ];
  for (const r of refusals) {
    it(`refuses ${r.name} in one line`, () => {
      const id = r.run in runs ? runs[r.run as keyof typeof runs] : r.run;
      let error: unknown;
      try {
        evaluateKeptModel(services.store, cacheDir, id, r.options);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(UserInputError);
      const message = (error as Error).message;
      expect(message).toMatch(r.message);
      expect(message).not.toContain('\n');
    });
  }

  it('refuses a dataset of the same shape but another class count', () => {
    const file = join(workspace.dir, 'two-classes.csv');
    writeFileSync(file, 'a,b,c,d,label\n1,2,3,4,0\n4,3,2,1,1\n');
    const imported = importDataset(file, services.store, { name: 'two classes' });
    expect(() => evaluateKeptModel(services.store, cacheDir, runs.iris, { datasetId: imported.id })).toThrow(
      /cannot be evaluated on dataset "two-classes" \(examples \[4\], 2 classes\): it was trained on "iris" \(examples \[4\], 3 classes\)/,
    );
  });
});
