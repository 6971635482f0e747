import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AmbiguousRunPrefixError, RunNotFoundError, RunStateError } from './errors';
import { currentProcessOwner, isProcessAliveOnThisHost } from './liveness';
import { RunStore } from './run-store';
import { CPU_BACKEND, makeEpoch, makeRunConfig } from './testing/fixtures';

const HOST = os.hostname();
let dir: string;
let dbPath: string;
let store: RunStore;
let clock: number;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workbench-store-'));
  dbPath = path.join(dir, 'store.db');
  clock = Date.parse('2025-01-01T00:00:00.000Z');
  store = RunStore.open(dbPath, { now: () => new Date(clock) });
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function createRun(overrides: Parameters<typeof makeRunConfig>[0] = {}) {
  return store.createRun({
    config: makeRunConfig(overrides),
    datasetFingerprint: 'sha256:abc',
    appVersion: '0.1.0',
  });
}

function startedRun(overrides: Parameters<typeof makeRunConfig>[0] = {}) {
  const run = createRun(overrides);
  store.startRun(run.id, { backend: CPU_BACKEND, pid: process.pid, host: HOST });
  return run;
}

/** A second, raw connection: what another process (or a SQL user) sees in the file. */
function rawQuery<T>(sql: string, ...params: unknown[]): T[] {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare<unknown[], T>(sql).all(...params);
  } finally {
    db.close();
  }
}

describe('RunStore runs', () => {
  it('round-trips a run from queued through running to completed', () => {
    const config = makeRunConfig({ tags: ['baseline'] });
    const created = store.createRun({ config, datasetFingerprint: 'sha256:abc', appVersion: '0.1.0' });
    expect(created).toMatchObject({
      name: 'mlp-1000',
      experiment: 'MNIST baselines',
      status: 'queued',
      seed: 42,
      datasetId: 'mnist',
      datasetFingerprint: 'sha256:abc',
      appVersion: '0.1.0',
      epochsPlanned: 20,
      createdAt: '2025-01-01T00:00:00.000Z',
      startedAt: null,
      ownerPid: process.pid,
      ownerHost: HOST,
      tags: ['baseline'],
    });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.config).toEqual(config);

    clock += 1000;
    store.startRun(created.id, { backend: CPU_BACKEND, pid: 4242, host: 'trainer' });
    const epochs = [1, 2, 3].map((n) => makeEpoch(n, { valAcc: [0.9, 0.95, 0.93][n - 1] }));
    for (const epoch of epochs) {
      clock += 2500;
      store.appendEpoch(created.id, epoch);
    }
    clock += 1000;
    expect(store.finishRun(created.id, 'completed')).toBe(true);

    const detail = store.getRun(created.id);
    expect(detail).toMatchObject({
      status: 'completed',
      backend: 'cpu',
      backendReport: CPU_BACKEND,
      startedAt: '2025-01-01T00:00:01.000Z',
      finishedAt: '2025-01-01T00:00:09.500Z',
      ownerPid: 4242,
      ownerHost: 'trainer',
      error: null,
      epochs: 3,
    });
    expect(detail?.summaries.find((s) => s.metric === 'valAcc')).toEqual({
      metric: 'valAcc',
      bestValue: 0.95,
      bestEpoch: 2,
      min: 0.9,
      max: 0.95,
      lastValue: 0.93,
      lastEpoch: 3,
    });
    expect(store.getEpochs(created.id)).toEqual(epochs);
    expect(
      rawQuery<{ elapsed_seconds: number }>(`SELECT elapsed_seconds FROM epoch_metrics ORDER BY epoch`),
    ).toEqual([{ elapsed_seconds: 2.5 }, { elapsed_seconds: 5 }, { elapsed_seconds: 7.5 }]);

    expect(store.listRuns()).toEqual([
      {
        id: created.id,
        name: 'mlp-1000',
        experiment: 'MNIST baselines',
        status: 'completed',
        epochs: 3,
        epochsPlanned: 20,
        createdAt: '2025-01-01T00:00:00.000Z',
        finishedAt: '2025-01-01T00:00:09.500Z',
        datasetId: 'mnist',
        backend: 'cpu',
        bestValAcc: 0.95,
        bestValAccEpoch: 2,
        tags: ['baseline'],
        gridId: null,
        gridCell: null,
        parent: null,
      },
    ]);
  });

  it('keeps the data after closing and re-opening the file', () => {
    const run = startedRun();
    store.appendEpoch(run.id, makeEpoch(1));
    store.close();
    store = RunStore.open(dbPath);
    expect(store.getEpochs(run.id)).toEqual([makeEpoch(1)]);
  });

  it('shares experiments by name and lists runs newest first', () => {
    const a = createRun({ name: 'a' });
    clock += 1;
    const b = createRun({ name: 'b' });
    clock += 1;
    const c = createRun({ name: 'c', experiment: 'Other' });
    expect(store.listRuns().map((r) => r.id)).toEqual([c.id, b.id, a.id]);
    expect(rawQuery<{ n: number }>(`SELECT COUNT(*) AS n FROM experiments`)).toEqual([{ n: 2 }]);
    expect(store.listRuns()[2]).toMatchObject({
      epochs: 0,
      bestValAcc: null,
      bestValAccEpoch: null,
      backend: null,
    });
  });

  it('stores params so that numeric values can be queried as numbers', () => {
    const low = createRun({ name: 'low', regularization: { l2: 0.01 } });
    const high = createRun({ name: 'high', regularization: { l2: 0.06 } });
    const matches = rawQuery<{ run_id: string }>(
      `SELECT run_id FROM params WHERE key = 'regularization.l2' AND value_num > 0.05`,
    );
    expect(matches.map((m) => m.run_id)).toEqual([high.id]);
    expect(
      rawQuery(
        `SELECT value_text, value_num FROM params WHERE run_id = ? AND key LIKE 'model.hiddenUnits%' ORDER BY key`,
        low.id,
      ),
    ).toEqual([
      { value_text: '[1000]', value_num: null },
      { value_text: '1000', value_num: 1000 },
    ]);
  });

  it('enforces the status lifecycle', () => {
    const run = createRun();
    expect(() => store.appendEpoch(run.id, makeEpoch(1))).toThrow(RunStateError);
    store.startRun(run.id, { backend: CPU_BACKEND, pid: process.pid, host: HOST });
    expect(() => store.startRun(run.id, { backend: CPU_BACKEND, pid: 1, host: HOST })).toThrow(/is running/);
    store.appendEpoch(run.id, makeEpoch(1));
    expect(() => store.appendEpoch(run.id, makeEpoch(1))).toThrow(/epoch 1 .* already logged/);
    expect(store.finishRun(run.id, 'diverged', 'loss became NaN at epoch 2')).toBe(true);
    // Already final: the first outcome stands.
    expect(store.finishRun(run.id, 'completed')).toBe(false);
    expect(store.getRun(run.id)).toMatchObject({ status: 'diverged', error: 'loss became NaN at epoch 2' });
    expect(() => store.appendEpoch(run.id, makeEpoch(2))).toThrow(/cannot log epoch 2: run .* is diverged/);
    expect(() => store.finishRun('no-such-run', 'failed')).toThrow(RunNotFoundError);
    expect(() => store.startRun('no-such-run', { backend: CPU_BACKEND, pid: 1, host: HOST })).toThrow(
      RunNotFoundError,
    );
  });

  it('stores a NaN training loss (a diverged epoch) and reads it back as NaN', () => {
    const run = startedRun();
    store.appendEpoch(run.id, makeEpoch(1));
    store.appendEpoch(run.id, makeEpoch(2, { trainLoss: Number.NaN, valLoss: Number.NaN }));
    const [, diverged] = store.getEpochs(run.id);
    expect(diverged.trainLoss).toBeNaN();
    expect(diverged.valLoss).toBeNull();
    expect(store.getRun(run.id)?.summaries.find((s) => s.metric === 'trainLoss')).toMatchObject({
      lastEpoch: 1,
    });
  });

  it('rolls back the epoch when the summaries cannot be written', () => {
    const run = startedRun();
    const db = new Database(dbPath);
    // Any failure after the epoch insert must leave no half-logged epoch behind.
    db.exec(
      `CREATE TRIGGER fail_summary BEFORE INSERT ON metric_summaries BEGIN SELECT RAISE(ABORT, 'no'); END`,
    );
    db.close();
    expect(() => store.appendEpoch(run.id, makeEpoch(1))).toThrow('no');
    expect(store.getEpochs(run.id)).toEqual([]);
  });

  it('finds a run by a unique id prefix and refuses an ambiguous one', () => {
    const runs = Array.from({ length: 40 }, (_, i) => createRun({ name: `r${i}` }));
    const target = runs[0];
    const uniquePrefix = shortestUniquePrefix(
      target.id,
      runs.map((r) => r.id),
    );
    expect(store.getRun(uniquePrefix)?.id).toBe(target.id);
    expect(store.getRun(target.id.toUpperCase())?.id).toBe(target.id);

    const shared = sharedFirstChar(runs.map((r) => r.id));
    expect(() => store.getRun(shared)).toThrow(AmbiguousRunPrefixError);
    expect(() => store.getRun(shared)).toThrow(/matches several runs/);
    expect(store.getRun('zzz')).toBeUndefined();
    expect(store.getRun('*')).toBeUndefined();
    expect(store.getRun('')).toBeUndefined();
  });

  it('deletes a run with its params, epochs and summaries', () => {
    const doomed = startedRun({ name: 'doomed' });
    const kept = startedRun({ name: 'kept' });
    for (const run of [doomed, kept]) store.appendEpoch(run.id, makeEpoch(1));
    expect(store.deleteRun(doomed.id)).toBe(true);
    expect(store.deleteRun(doomed.id)).toBe(false);
    expect(store.getRun(doomed.id)).toBeUndefined();
    for (const table of ['params', 'epoch_metrics', 'metric_summaries']) {
      const rows = rawQuery<{ run_id: string; n: number }>(
        `SELECT run_id, COUNT(*) AS n FROM ${table} GROUP BY run_id`,
      );
      expect(rows.map((r) => r.run_id)).toEqual([kept.id]);
    }
  });

  it('replaces tags, trimmed and without duplicates, leaving the stored config alone', () => {
    const run = createRun({ tags: ['a'] });
    store.setTags(run.id, [' best ', 'best', 'lr-sweep', '']);
    expect(store.getRun(run.id)).toMatchObject({ tags: ['best', 'lr-sweep'], config: { tags: ['a'] } });
    expect(() => store.setTags('missing', ['x'])).toThrow(RunNotFoundError);
  });

  it('rejects an epoch whose lr or seconds is not a number', () => {
    const run = startedRun();
    expect(() => store.appendEpoch(run.id, makeEpoch(1, { seconds: Number.NaN }))).toThrow(
      /seconds must be a number/,
    );
    expect(() => store.appendEpoch(run.id, makeEpoch(-1))).toThrow(/integer ≥ 0/);
  });
});

describe('RunStore.markOrphanedRunsInterrupted', () => {
  it("interrupts runs whose owner is dead, keeps their epochs, and leaves live owners' runs alone", () => {
    const deadPid = 999_999_999;
    const orphan = createRun({ name: 'orphan' });
    store.startRun(orphan.id, { backend: CPU_BACKEND, pid: deadPid, host: HOST });
    store.appendEpoch(orphan.id, makeEpoch(1));
    store.appendEpoch(orphan.id, makeEpoch(2));
    const queuedOrphan = store.createRun({
      config: makeRunConfig({ name: 'queued-orphan' }),
      datasetFingerprint: 'f',
      appVersion: '0.1.0',
      owner: { pid: deadPid, host: HOST },
    });
    const live = startedRun({ name: 'live' });
    const queuedLive = createRun({ name: 'queued-live' });
    const remote = createRun({ name: 'remote' });
    store.startRun(remote.id, { backend: CPU_BACKEND, pid: deadPid, host: 'some-other-host' });
    const finished = createRun({ name: 'finished' });
    store.finishRun(finished.id, 'failed', 'backend did not load');

    // Well within the heartbeat's grace: only the quick pid check on this host can tell.
    clock += 10_000;
    // The default check: process.kill(pid, 0) here, other hosts assumed alive until their heartbeat goes stale.
    const interrupted = store.markOrphanedRunsInterrupted();
    expect(interrupted.sort()).toEqual([orphan.id, queuedOrphan.id].sort());

    expect(store.getRun(orphan.id)).toMatchObject({
      status: 'interrupted',
      finishedAt: '2025-01-01T00:00:10.000Z',
      epochs: 2,
    });
    expect(store.getRun(orphan.id)?.error).toMatch(/pid 999999999 .* 2 logged epochs are kept/);
    expect(store.getEpochs(orphan.id)).toEqual([makeEpoch(1), makeEpoch(2)]);
    expect(store.getRun(queuedOrphan.id)?.error).toMatch(/ended before it started/);
    expect(store.getRun(live.id)?.status).toBe('running');
    expect(store.getRun(queuedLive.id)?.status).toBe('queued');
    expect(store.getRun(remote.id)?.status).toBe('running');
    expect(store.getRun(finished.id)).toMatchObject({ status: 'failed', error: 'backend did not load' });

    // Idempotent, and the interrupted run cannot be written to by a process that was wrongly presumed dead.
    expect(store.markOrphanedRunsInterrupted()).toEqual([]);
    expect(() => store.appendEpoch(orphan.id, makeEpoch(3))).toThrow(/is interrupted/);
  });

  it('interrupts a run whose owner stopped sending heartbeats, on any host and under any pid', () => {
    const owner = currentProcessOwner();
    // A renamed host: its own killed run now reads as "another host's", which pid checks can never settle.
    const renamedHost = createRun({ name: 'renamed-host' });
    store.startRun(renamedHost.id, { backend: CPU_BACKEND, pid: 4242, host: 'old-container-name' });
    // A dead owner whose pid was reused by a live process (this test's own pid): reads as alive to kill(0).
    const reusedPid = store.createRun({
      config: makeRunConfig({ name: 'reused-pid' }),
      datasetFingerprint: 'f',
      appVersion: '0.1.0',
      owner: { pid: process.pid, host: HOST, token: 'dead-process-token' },
    });
    // A healthy run of a live owner on another machine sharing the file keeps sending heartbeats.
    const remoteHealthy = store.createRun({
      config: makeRunConfig({ name: 'remote-healthy' }),
      datasetFingerprint: 'f',
      appVersion: '0.1.0',
      owner: { pid: 77, host: 'lab-machine', token: 'remote-live-token' },
    });
    for (let t = 0; t < 20; t++) {
      clock += 3_000;
      store.heartbeat('remote-live-token');
      expect(store.markOrphanedRunsInterrupted(isProcessAliveOnThisHost, 30_000)).toEqual(
        t < 10 ? [] : t === 10 ? expect.arrayContaining([renamedHost.id, reusedPid.id]) : [],
      );
    }
    expect(store.getRun(renamedHost.id)?.status).toBe('interrupted');
    expect(store.getRun(renamedHost.id)?.error).toMatch(/no heartbeat since 2025-01-01T00:00:00.000Z/);
    expect(store.getRun(reusedPid.id)?.status).toBe('interrupted');
    expect(store.getRun(remoteHealthy.id)?.status).toBe('queued');
    expect(owner.token).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('asks the given liveness check about each unfinished run', () => {
    const run = startedRun();
    const asked: Array<[number, string]> = [];
    const ids = store.markOrphanedRunsInterrupted((pid, host) => {
      asked.push([pid, host]);
      return false;
    });
    expect(asked).toEqual([[process.pid, HOST]]);
    expect(ids).toEqual([run.id]);
  });
});

function shortestUniquePrefix(id: string, ids: string[]): string {
  for (let n = 1; n <= id.length; n++) {
    const prefix = id.slice(0, n);
    if (ids.filter((other) => other.startsWith(prefix)).length === 1) return prefix;
  }
  return id;
}

/** A first character that at least two ids share (40 random UUIDs over 16 hex digits always have one). */
function sharedFirstChar(ids: string[]): string {
  const seen = new Set<string>();
  for (const id of ids) {
    if (seen.has(id[0])) return id[0];
    seen.add(id[0]);
  }
  throw new Error('no shared first character');
}

describe('RunStore evaluation points', () => {
  const point = (step: number, examples: number) => ({
    ...makeEpoch(1),
    step,
    examples,
    epoch: examples / 1000,
    seconds: 0.5,
  });

  it('keeps a run’s points and schedule, and a resume drops the points after its checkpoint’s epoch', () => {
    const run = startedRun();
    const schedule = { trainExamples: 1000, stepsPerEpoch: 10, evaluateEvery: { examples: 500 } };
    store.recordSchedule(run.id, schedule);
    store.appendPoint(run.id, point(5, 500));
    store.appendEpoch(run.id, makeEpoch(1));
    store.appendPoint(run.id, point(15, 1500));
    // What another process sees in the file: each point is committed on its own.
    expect(rawQuery<{ step: number }>('SELECT step FROM eval_points ORDER BY step')).toEqual([
      { step: 5 },
      { step: 15 },
    ]);
    expect(store.getSchedule(run.id)).toEqual(schedule);
    expect(store.getPoints(run.id).map((p) => [p.step, p.examples, p.epoch])).toEqual([
      [5, 500, 0.5],
      [15, 1500, 1.5],
    ]);
    // The same step twice is refused: a point is logged once.
    expect(() => store.appendPoint(run.id, point(15, 1500))).toThrow(/UNIQUE|PRIMARY KEY/);

    store.finishRun(run.id, 'interrupted', 'killed');
    store.requeueRun(run.id, { owner: currentProcessOwner(), config: makeRunConfig(), fromEpoch: 1 });
    expect(store.getPoints(run.id).map((p) => p.step)).toEqual([5]);
    expect(store.getSchedule(createRun().id)).toBeNull();
    store.deleteRun(run.id);
    expect(rawQuery('SELECT * FROM eval_points')).toEqual([]);
    expect(rawQuery('SELECT * FROM run_schedules')).toEqual([]);
  });
});
