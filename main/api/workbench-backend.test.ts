import { fromEpochColumns } from '../../common/api/epoch-columns';
import { existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiEvent, ApiMethodName, ApiParams, ApiResponse, ApiResult } from '../../common/api/contract';
import { runConfigSchema } from '../../common/config/run-config';
import type { EpochMetrics } from '../../common/types';
import { tempWorkspace } from '../../tests/support/cli';
import { smallMnistMlp } from '../../tests/support/configs';
import { trainingWorkerFile } from '../build-info';
import { RunStore } from '../store/run-store';
import type { ApiBackend } from './backend-types';
import { dispatchApiCall } from './dispatch';
import { createWorkbenchBackend } from './workbench-backend';

// Real everything: a temp SQLite file, the built training worker, real MNIST (from the shared test cache).
const cacheDir = join(tmpdir(), 'workbench-test-cache');
const DEAD_PID = 999_999_999;

let backend: ApiBackend;
let dbPath: string;
let orphanId: string;
const events: ApiEvent[] = [];

async function call<M extends ApiMethodName>(method: M, params: ApiParams<M>): Promise<ApiResponse<M>> {
  return (await dispatchApiCall(backend.handlers, method, params)) as ApiResponse<M>;
}

async function ok<M extends ApiMethodName>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
  const response = await call(method, params);
  if (!response.ok) throw new Error(`${method}: ${response.error.code}: ${response.error.message}`);
  return response.result;
}

/** Resolves with the first event (from now on) that matches. */
function nextEvent<E extends ApiEvent>(match: (e: ApiEvent) => e is E, timeoutMs = 120_000): Promise<E> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for an event'));
    }, timeoutMs);
    const off = backend.subscribe((event) => {
      if (!match(event)) return;
      clearTimeout(timer);
      off();
      resolve(event);
    });
  });
}

const finalStatusOf =
  (runId: string) =>
  (e: ApiEvent): e is Extract<ApiEvent, { type: 'run.status' }> =>
    e.type === 'run.status' && e.runId === runId && !['queued', 'running'].includes(e.status);

const eventsOf = (runId: string) => events.filter((e) => 'runId' in e && e.runId === runId);

beforeAll(async () => {
  if (!existsSync(trainingWorkerFile())) {
    throw new Error(`${trainingWorkerFile()} is missing: run \`npm run build\` first`);
  }
  const ws = tempWorkspace();
  dbPath = ws.db;
  // A run left "running" by a process that died: opening the backend must mark it interrupted.
  const store = RunStore.open(dbPath);
  const config = runConfigSchema.parse(smallMnistMlp({ name: 'orphan' }));
  orphanId = store.createRun({ config, datasetFingerprint: 'f', appVersion: 'old' }).id;
  store.startRun(orphanId, {
    backend: { chosen: 'cpu', tfjsBackend: 'cpu', version: '4.22.0', candidates: [] },
    pid: DEAD_PID,
    host: hostname(),
  });
  store.close();

  backend = await createWorkbenchBackend({ dbPath, cacheDir, transport: 'http', maxWorkers: 1 });
  backend.subscribe((event) => events.push(event));
});

afterAll(async () => {
  await backend?.close();
});

describe('workbench backend: reads', () => {
  it('marked the dead process’s run interrupted when it opened the store', async () => {
    const run = await ok('runs.get', { runId: orphanId });
    expect(run.status).toBe('interrupted');
    expect(run.error).toMatch(/interrupted/);
  });

  it('reports the app, backend, workers and versions', async () => {
    const info = await ok('app.info', {});
    expect(info).toMatchObject({ transport: 'http', dbPath, trainingWorkers: 1 });
    expect(info.availableBackends[0]).toBe(info.backend.chosen);
    expect(info.availableBackends).toContain('cpu');
    expect(info.versions).toMatchObject({
      node: process.versions.node,
      '@tensorflow/tfjs-core': expect.stringMatching(/^\d+\.\d+/),
      'better-sqlite3': expect.stringMatching(/^\d+\.\d+/),
      sqlite: expect.stringMatching(/^3\./),
    });
  });

  it('lists the built-in datasets and the bundled presets as written', async () => {
    const datasets = await ok('datasets.list', {});
    expect(datasets.map((d) => d.id)).toEqual(expect.arrayContaining(['mnist', 'fashion-mnist', 'iris']));
    const presets = await ok('presets.list', {});
    const gd = presets.find((p) => p.id === 'e7-iris-gd');
    expect(gd).toMatchObject({ name: 'E7 Iris GD', description: expect.stringMatching(/^E7:/) });
    // As written: no defaults filled in.
    expect((gd?.config as { training: object }).training).not.toHaveProperty('shuffle');
    expect(presets.length).toBeGreaterThanOrEqual(9);
    // Numbers in names sort as numbers: E3 with 100, 500, then 2000 hidden units.
    expect(presets.map((p) => p.id).filter((id) => id.startsWith('e3-'))).toEqual([
      'e3-mlp-hidden-100',
      'e3-mlp-hidden-500',
      'e3-mlp-hidden-2000',
    ]);
  });

  it('checks a good config: the resolved config, its dataset and the model summary', async () => {
    const check = await ok('config.check', { config: smallMnistMlp() });
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.config.training.shuffle).toBe(true);
    expect(check.dataset.id).toBe('mnist');
    expect(check.model.totalParams).toBe(784 * 32 + 32 + 32 * 10 + 10);
    expect(check.model.layers.map((l) => l.kind)).toEqual([
      'flatten',
      'dense',
      'activation',
      'dropout',
      'dense',
    ]);
  });

  it.each([
    ['training.batchSize', { training: { ...smallMnistMlp().training, batchSize: 0 } }, /integer ≥ 1/],
    ['dataset.id', { dataset: { ...smallMnistMlp().dataset, id: 'nope' } }, /unknown dataset "nope"/],
    ['dataset.split', { dataset: { id: 'iris', split: { train: 1000, validation: 0, test: 0 } } }, /150/],
    ['model.outputSize', { model: { kind: 'mlp', hiddenUnits: [8], outputSize: 4 } }, /10 classes/],
    ['name', { name: undefined }, /required field is missing/],
  ])('checks a bad config without throwing: an issue at %s', async (path, change, message) => {
    const check = await ok('config.check', { config: { ...smallMnistMlp(), ...change } });
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.issues[0].path).toBe(path);
    expect(check.issues[0].message).toMatch(message);
  });

  it('flags a backend this machine cannot load, next to the dataset problem', async () => {
    const { availableBackends } = await ok('app.info', {});
    const missing = (['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const).find(
      (b) => !availableBackends.includes(b),
    );
    if (!missing) return; // every backend loads here: nothing to flag
    const config = {
      ...smallMnistMlp(),
      backend: missing,
      dataset: { ...smallMnistMlp().dataset, id: 'nope' },
    };
    const check = await ok('config.check', { config });
    expect(!check.ok && check.issues.map((i) => i.path)).toEqual(['dataset.id', 'backend']);
    expect(!check.ok && check.issues[1].message).toMatch(new RegExp(`^"${missing}" is not available here`));
  });

  it('refuses to start a bad config with invalid-input and its issues, writing nothing', async () => {
    const before = (await ok('runs.list', {})).length;
    const bad = { ...smallMnistMlp(), seed: -1, training: { ...smallMnistMlp().training, batchSize: 0 } };
    const response = await call('runs.start', { config: bad });
    expect(response.ok).toBe(false);
    if (response.ok) return;
    expect(response.error.code).toBe('invalid-input');
    expect(response.error.message).toMatch(/^seed: .*; training\.batchSize: /);
    expect(response.error.issues?.map((i) => i.path)).toEqual(['seed', 'training.batchSize']);
    expect(await ok('runs.list', {})).toHaveLength(before);
  });

  it('answers not-found for unknown runs, naming them', async () => {
    for (const [method, params] of [
      ['runs.get', { runId: 'no-such-run' }],
      ['runs.rerun', { runId: 'no-such-run' }],
      ['runs.cancel', { runId: 'no-such-run' }],
      ['runs.setTags', { runId: 'no-such-run', tags: ['x'] }],
      ['runs.epochs', { runIds: [orphanId, 'no-such-run'] }],
      ['runs.epochColumns', { runIds: [orphanId, 'no-such-run'] }],
      ['runs.delete', { runIds: [orphanId, 'no-such-run'] }],
    ] as const) {
      const response = await dispatchApiCall(backend.handlers, method, params);
      expect(response).toEqual({
        ok: false,
        error: { code: 'not-found', message: 'no run with id no-such-run' },
      });
    }
    // The refused delete changed nothing.
    expect((await ok('runs.get', { runId: orphanId })).id).toBe(orphanId);
  });

  it('sets tags, deduplicated in their order, and tells clients the runs changed', async () => {
    const changed = nextEvent((e): e is ApiEvent => e.type === 'runs.changed');
    const result = await ok('runs.setTags', { runId: orphanId, tags: ['b', ' a ', 'b', 'c'] });
    expect(result).toEqual({ tags: ['b', 'a', 'c'] });
    await changed;
    expect((await ok('runs.get', { runId: orphanId })).tags).toEqual(['b', 'a', 'c']);
  });
});

describe('workbench backend: training', () => {
  let firstRunId: string;
  let firstEpochs: EpochMetrics[];

  it('starts a run and streams queued → running → epochs 1..3 → completed', async () => {
    const { runId } = await ok('runs.start', { config: smallMnistMlp({ name: 'api-run', epochs: 3 }) });
    firstRunId = runId;
    const final = await nextEvent(finalStatusOf(runId));
    expect(final.status).toBe('completed');

    const mine = eventsOf(runId);
    const statuses = mine.flatMap((e) => (e.type === 'run.status' ? [e.status] : []));
    expect(statuses).toEqual(['queued', 'running', 'completed']);
    const started = mine.find((e) => e.type === 'run.started');
    expect(started).toMatchObject({ trainExamples: 1000 });
    const kinds = mine.map((e) => e.type);
    expect(kinds.indexOf('run.started')).toBeLessThan(kinds.indexOf('run.epoch'));
    firstEpochs = mine.flatMap((e) => (e.type === 'run.epoch' ? [e.metrics] : []));
    expect(firstEpochs.map((m) => m.epoch)).toEqual([1, 2, 3]);
    // Every epoch's last batch is reported, before that epoch's metrics.
    for (const epoch of [1, 2, 3]) {
      const last = mine.findIndex((e) => e.type === 'run.progress' && e.epoch === epoch && e.batch === 10);
      const metrics = mine.findIndex((e) => e.type === 'run.epoch' && e.metrics.epoch === epoch);
      expect(last).toBeGreaterThanOrEqual(0);
      expect(last).toBeLessThan(metrics);
    }
    expect(events.some((e) => e.type === 'runs.changed')).toBe(true);
  });

  it('shows the run in runs.list, runs.get and runs.epochs', async () => {
    const row = (await ok('runs.list', {})).find((r) => r.id === firstRunId);
    const valLosses = firstEpochs.map((m) => m.valLoss!);
    const best = Math.min(...valLosses);
    expect(row).toMatchObject({
      name: 'api-run',
      status: 'completed',
      epochs: 3,
      modelKind: 'mlp',
      hyper: {
        hidden: '32',
        optimizer: 'momentum',
        lr: '0.05',
        batch: '100',
        l2: '1e-4',
        keep: '0.9',
        epochs: '3',
      },
      bestValLoss: best,
      bestValLossEpoch: valLosses.indexOf(best) + 1,
      hasValidation: true,
      // What the run has besides validation: its test accuracy at the last epoch.
      lastTestAcc: firstEpochs[2].testAcc,
    });
    expect(row?.durationSeconds).toBeGreaterThan(0);

    const detail = await ok('runs.get', { runId: firstRunId.slice(0, 8) });
    expect(detail).toMatchObject({ id: firstRunId, status: 'completed', epochs: 3, seed: 1 });
    expect(detail.backendReport?.chosen).toBe(detail.backend);
    expect(detail.versions).toMatchObject({ app: expect.any(String), sqlite: expect.stringMatching(/^3\./) });

    const [logged] = await ok('runs.epochs', { runIds: [firstRunId] });
    expect(logged).toEqual({ runId: firstRunId, epochs: firstEpochs });
    // The compact form: the same epochs, a column per field, once each however often the run is asked for.
    const columns = await ok('runs.epochColumns', { runIds: [firstRunId, firstRunId, orphanId] });
    expect(columns.map((c) => c.runId)).toEqual([firstRunId, orphanId]);
    expect(columns[0].columns.epoch).toEqual([1, 2, 3]);
    expect(columns[0].columns.valLoss).toEqual(firstEpochs.map((e) => e.valLoss));
    expect(fromEpochColumns(columns[0].columns)).toEqual(firstEpochs);
    expect(fromEpochColumns(columns[1].columns)).toEqual(
      (await ok('runs.epochs', { runIds: [orphanId] }))[0].epochs,
    );
  });

  it('re-runs a run identically: same seed, same losses every epoch', async () => {
    const { runId } = await ok('runs.rerun', { runId: firstRunId });
    expect(runId).not.toBe(firstRunId);
    expect((await nextEvent(finalStatusOf(runId))).status).toBe('completed');
    const [first, again] = await ok('runs.epochs', { runIds: [firstRunId, runId] });
    const losses = (epochs: EpochMetrics[]) => epochs.map(({ seconds: _seconds, ...rest }) => rest);
    expect(losses(again.epochs)).toEqual(losses(first.epochs));
    const rerun = await ok('runs.get', { runId });
    expect(rerun.config).toEqual((await ok('runs.get', { runId: firstRunId })).config);
  });

  it('refuses to delete a running run (changing nothing), cancels it, then deletes it', async () => {
    const { runId } = await ok('runs.start', { config: smallMnistMlp({ name: 'long', epochs: 200 }) });
    await nextEvent((e): e is ApiEvent => e.type === 'run.epoch' && e.runId === runId);

    const refused = await call('runs.delete', { runIds: [firstRunId, runId] });
    expect(refused.ok).toBe(false);
    if (!refused.ok) {
      expect(refused.error.code).toBe('conflict');
      // Named as the user knows it, with the short id; no raw UUID.
      expect(refused.error.message).toContain(`"long" (running, ${runId.slice(0, 8)})`);
      expect(refused.error.message).not.toContain(runId);
      expect(refused.error.message).not.toContain(firstRunId);
    }
    expect((await ok('runs.get', { runId: firstRunId })).status).toBe('completed');
    expect((await ok('runs.get', { runId })).status).toBe('running');

    const ended = nextEvent(finalStatusOf(runId));
    expect(await ok('runs.cancel', { runId })).toEqual({ cancelled: true });
    expect((await ended).status).toBe('cancelled');
    const cancelled = await ok('runs.get', { runId });
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.epochs).toBeGreaterThanOrEqual(1);
    expect(cancelled.epochs).toBeLessThan(200);
    expect(await ok('runs.cancel', { runId })).toEqual({ cancelled: false });

    expect(await ok('runs.delete', { runIds: [runId, runId] })).toEqual({ deleted: [runId] });
    const gone = await call('runs.get', { runId });
    expect(!gone.ok && gone.error.code).toBe('not-found');
  });

  it('close() cancels a running run, waits for it to end and closes the store', async () => {
    const { runId } = await ok('runs.start', { config: smallMnistMlp({ name: 'closing', epochs: 200 }) });
    await nextEvent((e): e is ApiEvent => e.type === 'run.started' && e.runId === runId);
    await backend.close();
    expect(eventsOf(runId).at(-1)).toMatchObject({ type: 'run.status', status: 'cancelled' });
    // Closing twice is harmless.
    await backend.close();
    const store = RunStore.open(dbPath);
    try {
      expect(store.getRun(runId)?.status).toBe('cancelled');
    } finally {
      store.close();
    }
  });
});
