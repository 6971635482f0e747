import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
// The README's snippet chains ops (x.sub(mean)), as @tensorflow/tfjs users do; tfjs-core alone leaves that out.
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import * as tfl from '@tensorflow/tfjs-layers';
import Database from 'better-sqlite3';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeSplit } from '../../common/datasets/split';
import { createModelExportHandlers } from '../../main/api/model-export-handlers';
import { loadDataset } from '../../main/datasets/catalog';
import { parseNpy } from '../../main/datasets/formats/npy';
import { prepareTrainingDataWithTransform } from '../../main/datasets/prepare';
import { NotFoundError } from '../../main/services/errors';
import { buildKeptModel, readKeptModel } from '../../main/services/models/kept-model';
import { encodeNpyFloat32 } from '../../main/services/models/npy-write';
import { TransferStore } from '../../main/services/transfers';
import { RunStore } from '../../main/store/run-store';
import { ROOT, tempWorkspace, workbench, workbenchJson } from '../support/cli';

/**
 * `workbench model export` end to end: real runs trained by the CLI (an Iris MLP, a small MNIST CNN with batch
 * norm and dropout), exported, then read by what a user would read them with — the README's numpy lines under
 * /usr/bin/python3 and tfjs-layers' loadLayersModel — and compared with the workbench's own predictions.
 */

const PYTHON = '/usr/bin/python3';
const CACHE_DIR = join(tmpdir(), 'workbench-test-cache'); // the one tests/support/cli.ts gives the CLI

interface Exported {
  runId: string;
  epoch: number;
  checkpoint: string[];
  format: string;
  path: string;
  files: string[];
  bytes: number;
}

const ws = tempWorkspace('workbench-model-export-');
let irisId = '';
let cnnId = '';

function tinyCnn() {
  return {
    name: 'tiny cnn',
    seed: 5,
    dataset: { id: 'mnist', split: { train: 200, validation: 50, test: 50 }, shuffleSeed: 3 },
    model: {
      kind: 'cnn',
      filters: 2,
      kernelSize: 3,
      stride: 1,
      padding: 'same',
      poolSize: 2,
      denseUnits: [8],
      batchNorm: true,
    },
    training: { optimizer: 'adam', learningRate: 0.01, batchSize: 25, epochs: 2 },
    regularization: { dropout: { keep: 0.8 } },
  };
}

function train(args: string[]): string {
  const result = workbench(['--db', ws.db, 'run', ...args, '--json']);
  expect(result.status, result.stderr).toBe(0);
  const last = JSON.parse(result.stdout.trim().split('\n').pop() ?? '{}') as {
    runId: string;
    status: string;
  };
  expect(last.status).toBe('completed');
  return last.runId;
}

function exportModel(runId: string, format: string, out: string, extra: string[] = []): Exported {
  return workbenchJson<Exported>([
    '--db',
    ws.db,
    'model',
    'export',
    runId,
    '--format',
    format,
    '--out',
    out,
    ...extra,
  ]);
}

/** The run's test split as the workbench's model sees it (normalised) and as the dataset holds it (raw). */
function testSplit(store: RunStore, runId: string) {
  const run = store.getRun(runId)!;
  const loaded = loadDataset(run.config.dataset.id, store, { cacheDir: CACHE_DIR });
  const { data } = prepareTrainingDataWithTransform(loaded, run.config.dataset);
  const split = computeSplit(
    loaded.y.length,
    loaded.info.officialTest,
    run.config.dataset.split,
    run.config.dataset.shuffleSeed,
  );
  const features = data.featureShape.reduce((a, b) => a * b, 1);
  const raw = new Float32Array(split.test.length * features);
  split.test.forEach((row, i) =>
    raw.set(loaded.x.subarray(row * features, (row + 1) * features), i * features),
  );
  expect(data.test.count).toBe(split.test.length);
  return { data, raw, features, classNames: loaded.info.classNames };
}

/** Softmax probabilities of the kept model at `epoch`, built by the workbench, on the normalised test split. */
function workbenchPredictions(runId: string, epoch: number) {
  const store = RunStore.open(ws.db);
  try {
    const split = testSplit(store, runId);
    const kept = readKeptModel(store, runId, epoch);
    const model = buildKeptModel(kept, split.data);
    try {
      const probabilities = tf.tidy(() => {
        const x = tf.tensor(split.data.test.x, [split.data.test.count, ...model.inputShape]);
        return tf.softmax(model.forward(x, false)).arraySync() as number[][];
      });
      return { ...split, probabilities, inputShape: model.inputShape };
    } finally {
      model.dispose();
    }
  } finally {
    store.close();
  }
}

const argmax = (row: number[]) => row.indexOf(Math.max(...row));

/** Loads the exported folder the way a server would: model.json, then the files its manifest names. */
function folderHandler(dir: string): tf.io.IOHandler {
  return {
    load: () => {
      const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
      const [group] = json.weightsManifest as tf.io.WeightsManifestConfig;
      const bytes = Buffer.concat(group.paths.map((p) => readFileSync(join(dir, p))));
      return Promise.resolve({
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs: group.weights,
        weightData: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
        userDefinedMetadata: json.userDefinedMetadata,
      });
    },
  };
}

/** The README's numpy lines, exactly as written between its markers. */
function readmeNumpyLines(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const found = /<!-- numpy-predict:start -->\s*```python\n([\s\S]*?)```\s*<!-- numpy-predict:end -->/.exec(
    readme,
  );
  if (!found) throw new Error('README.md has no numpy-predict block');
  return found[1];
}

/** Every file under dir, for "nothing was written" checks. */
const listing = (dir: string) => readdirSync(dir, { recursive: true }).map(String).sort();

beforeAll(async () => {
  await tf.setBackend('cpu');
  irisId = train(['e7-iris-nesterov', '--epochs', '20']);
  cnnId = train([ws.write('tiny-cnn.json', tinyCnn())]);
});

describe('workbench model export --format npz', () => {
  it("reproduces an MLP's predictions with the README's numpy lines", () => {
    const dir = join(ws.dir, 'npz-readme');
    mkdirSync(dir);
    const exported = exportModel(irisId.slice(0, 8), 'npz', join(dir, 'model.npz'));
    // 20 epochs of Iris: the best (lowest training loss) and the last checkpoint are both kept.
    expect(exported).toMatchObject({ runId: irisId, format: 'npz', path: join(dir, 'model.npz') });
    expect(exported.checkpoint).toContain('best');

    const ours = workbenchPredictions(irisId, exported.epoch);
    writeFileSync(join(dir, 'x.npy'), encodeNpyFloat32([ours.data.test.count, ours.features], ours.raw));
    const python = spawnSync(PYTHON, ['-c', readmeNumpyLines()], { cwd: dir, encoding: 'utf8' });
    expect(python.status, python.stderr).toBe(0);
    const predicted = [...python.stdout.matchAll(/'([^']*)'/g)].map((m) => m[1]);
    const expected = ours.probabilities.map((p) => ours.classNames![argmax(p)]);
    expect(predicted).toHaveLength(40);
    // Not a model that says one class whatever it sees: agreeing with it would prove little.
    expect(new Set(expected).size).toBeGreaterThan(1);
    expect(predicted).toEqual(expected);
  });

  it('names the arrays by layer, kind and role, and describes the CNN in model.json', () => {
    const out = join(ws.dir, 'cnn.npz');
    const exported = exportModel(cnnId, 'npz', out, ['--epoch', 'last']);
    expect(exported.epoch).toBe(2);
    const entries = unzipSync(readFileSync(out));
    const shapes = Object.fromEntries(
      Object.entries(entries)
        .filter(([name]) => name.endsWith('.npy'))
        .map(([name, bytes]) => [name.slice(0, -4), parseNpy(bytes, name).shape]),
    );
    expect(shapes).toEqual({
      '0.conv2d.kernel': [3, 3, 1, 2],
      '0.conv2d.bias': [2],
      '1.batchnorm.gamma': [2],
      '1.batchnorm.beta': [2],
      '1.batchnorm.movingMean': [2],
      '1.batchnorm.movingVariance': [2],
      '2.dense.kernel': [14 * 14 * 2, 8],
      '2.dense.bias': [8],
      '3.dense.kernel': [8, 10],
      '3.dense.bias': [10],
      'normalization.mean': [784],
      'normalization.scale': [784],
    });
    expect(Object.keys(entries).slice(0, 2)).toEqual(['0.conv2d.kernel.npy', '0.conv2d.bias.npy']);
    const meta = JSON.parse(new TextDecoder().decode(entries['model.json']));
    expect(meta).toMatchObject({
      runId: cnnId,
      epoch: 2,
      inputShape: [28, 28, 1],
      dataset: { id: 'mnist' },
      normalization: { method: 'scale' },
      classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
    });
    expect(meta.layers.map((l: { kind: string }) => l.kind)).toEqual([
      'conv2d',
      'activation',
      'batchNorm',
      'maxPool',
      'flatten',
      'dense',
      'activation',
      'dropout',
      'dense',
    ]);
    expect(meta.layers[0]).toMatchObject({ filters: 2, kernelSize: [3, 3], stride: 1, padding: 'same' });
    expect(meta.layers[2]).toMatchObject({
      epsilon: 0.001,
      weights: [
        '1.batchnorm.gamma',
        '1.batchnorm.beta',
        '1.batchnorm.movingMean',
        '1.batchnorm.movingVariance',
      ],
    });
    expect(meta.layers[7]).toMatchObject({ keep: 0.8 });
    // MNIST's "scale": (x − 0) · 1/255.
    const scale = parseNpy(entries['normalization.scale.npy'], 'scale').data as Float32Array;
    expect(scale[0]).toBeCloseTo(1 / 255, 9);
  });
});

describe('workbench model export --format tfjs', () => {
  for (const which of ['mlp', 'cnn'] as const) {
    it(`loads in tfjs-layers and predicts what the workbench predicts (${which})`, async () => {
      const runId = which === 'mlp' ? irisId : cnnId;
      const out = join(ws.dir, `${which}-tfjs`);
      const exported = exportModel(runId, 'tfjs', out);
      expect(readdirSync(out).sort()).toEqual(['model.json', 'normalization.json', 'weights.bin']);
      const ours = workbenchPredictions(runId, exported.epoch);
      const model = await tfl.loadLayersModel(folderHandler(out));
      try {
        const n = ours.data.test.count;
        const theirs = tf.tidy(() => {
          const x = tf.tensor(ours.data.test.x, [n, ...ours.inputShape]);
          return (model.predict(x) as tf.Tensor).arraySync() as number[][];
        });
        expect(theirs.map(argmax)).toEqual(ours.probabilities.map(argmax));
        expect(new Set(theirs.map(argmax)).size).toBeGreaterThan(1);
        for (let i = 0; i < n; i++) {
          for (let c = 0; c < theirs[i].length; c++) {
            expect(Math.abs(theirs[i][c] - ours.probabilities[i][c])).toBeLessThan(1e-5);
          }
        }
        // The README's normalisation from the metadata, on raw inputs, gives the same classes.
        const { mean, scale } = (
          model.getUserDefinedMetadata() as {
            workbench: { normalization: { mean: number[]; scale: number[] } };
          }
        ).workbench.normalization;
        const fromRaw = tf.tidy(() => {
          const input = tf
            .tensor2d(ours.raw, [n, mean.length])
            .sub(mean)
            .mul(scale)
            .reshape([n, ...(model.inputs[0].shape.slice(1) as number[])]);
          return (model.predict(input) as tf.Tensor).argMax(1).arraySync() as number[];
        });
        expect(fromRaw).toEqual(ours.probabilities.map(argmax));
        const normalization = JSON.parse(readFileSync(join(out, 'normalization.json'), 'utf8'));
        expect(normalization.mean).toEqual(mean);
        expect(model.layers.at(-1)?.getConfig()).toMatchObject({ activation: 'softmax' });
      } finally {
        model.dispose();
      }
    });
  }

  it('refuses a folder that exists and is not empty, writing nothing', () => {
    const out = join(ws.dir, 'busy');
    mkdirSync(out);
    writeFileSync(join(out, 'keep.txt'), 'mine');
    const result = workbench(['--db', ws.db, 'model', 'export', irisId, '--format', 'tfjs', '--out', out]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(`workbench: --out: the folder ${out} exists and is not empty`);
    expect(readdirSync(out)).toEqual(['keep.txt']);
  });
});

describe('models.export over the API', () => {
  const transfers = new TransferStore();
  afterAll(() => transfers.dispose());

  it('writes the .npz or the zipped folder to a transfer named after the run and epoch', async () => {
    const store = RunStore.open(ws.db);
    try {
      const handlers = createModelExportHandlers({ store, transfers, cacheDir: CACHE_DIR });
      const npz = await handlers['models.export']({ runId: irisId, format: 'npz' });
      const run = store.getRun(irisId)!;
      const best = run.checkpoints.find((c) => c.kinds.includes('best'))!.epoch;
      expect(npz).toMatchObject({ fileName: `E7 Iris Nesterov-epoch${best}.npz` });
      const transfer = transfers.get(npz.transferId)!;
      expect(readFileSync(transfer.path).byteLength).toBe(npz.bytes);
      expect(Object.keys(unzipSync(readFileSync(transfer.path)))).toContain('model.json');

      const zipped = await handlers['models.export']({ runId: cnnId, epoch: 'last', format: 'tfjs' });
      expect(zipped.fileName).toBe('tiny cnn-epoch2-tfjs.zip');
      const files = unzipSync(readFileSync(transfers.get(zipped.transferId)!.path));
      expect(Object.keys(files).sort()).toEqual(['model.json', 'normalization.json', 'weights.bin']);

      await expect(
        Promise.resolve().then(() => handlers['models.export']({ runId: 'ffffffff', format: 'npz' })),
      ).rejects.toThrow(NotFoundError);
    } finally {
      store.close();
    }
  });
});

describe('workbench model export: bad input, one line, nothing written', () => {
  const fails = (args: string[], message: string | RegExp) => {
    const before = listing(ws.dir);
    const result = workbench(['--db', ws.db, 'model', 'export', ...args]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(message);
    expect(listing(ws.dir)).toEqual(before);
  };

  it('an epoch without a checkpoint names the kept epochs', () => {
    const out = join(ws.dir, 'e5.npz');
    fails(
      [irisId, '--epoch', '5', '--format', 'npz', '--out', out],
      /epoch 5; kept epochs: (.* )?20 \([^)]*last[^)]*\)$/,
    );
    expect(existsSync(out)).toBe(false);
  });

  it('an unknown run, a bad format, a bad epoch, an --out whose folder does not exist', () => {
    fails(
      ['ffffffff', '--format', 'npz', '--out', join(ws.dir, 'x.npz')],
      /^workbench: no run with id ffffffff/,
    );
    fails(
      [irisId, '--format', 'onnx', '--out', join(ws.dir, 'x.onnx')],
      /--format: expected "npz" or "tfjs", got "onnx"/,
    );
    fails(
      [irisId, '--format', 'npz', '--epoch', 'first', '--out', join(ws.dir, 'x.npz')],
      /--epoch: expected best, last/,
    );
    fails(
      [irisId, '--format', 'npz', '--out', join(ws.dir, 'missing', 'x.npz')],
      `workbench: --out: the folder ${join(ws.dir, 'missing')} does not exist`,
    );
    fails(
      [irisId, '--format', 'tfjs', '--out', join(ws.dir, 'missing', 'tfjs')],
      `workbench: --out: the folder ${join(ws.dir, 'missing')} does not exist`,
    );
  });

  it('a damaged checkpoint is refused by its hash', () => {
    // On a copy of the store, so the other tests keep their checkpoints.
    const damaged = join(ws.dir, 'damaged.db');
    const source = new Database(ws.db, { readonly: true });
    source.exec(`VACUUM INTO '${damaged.replaceAll("'", "''")}'`);
    source.close();
    const db = new Database(damaged);
    db.prepare(
      `UPDATE checkpoint_blobs SET data = zeroblob(length(data)) WHERE run_id = ? AND part = 'weights'`,
    ).run(irisId);
    db.close();
    const out = join(ws.dir, 'damaged.npz');
    const result = workbench(['--db', damaged, 'model', 'export', irisId, '--format', 'npz', '--out', out]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toMatch(
      /^workbench: the checkpoint of run .* is damaged: .*nothing was loaded from it$/,
    );
    expect(existsSync(out)).toBe(false);
  });
});
