import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runConfigSchema } from '../../common/config/run-config';
import type { EpochMetrics } from '../../common/types';
import { smallMnistMlp } from '../../tests/support/configs';
import { tempWorkspace } from '../../tests/support/cli';
import { RunStore } from '../store/run-store';
import { preflightRun } from './run-preflight';
import { TrainingService } from './training-service';

// The pool runs the built worker bundle, exactly as the app and the CLI do (`npm test` builds first).
const workerFile = join(import.meta.dirname, '..', '..', 'out', 'main', 'training-worker.js');
const cacheDir = join(tmpdir(), 'workbench-test-cache');

describe('TrainingService (worker pool, real training, real SQLite file)', () => {
  let service: TrainingService | undefined;
  let store: RunStore | undefined;

  beforeAll(() => {
    if (!existsSync(workerFile)) throw new Error(`${workerFile} is missing: run \`npm run build\` first`);
  });
  afterEach(async () => {
    await service?.close();
    store?.close();
  });

  function setUp(maxWorkers: number) {
    const ws = tempWorkspace();
    store = RunStore.open(ws.db);
    service = new TrainingService({
      store,
      dbPath: ws.db,
      cacheDir,
      workerFile,
      appVersion: 'test',
      maxWorkers,
    });
    return { store, service };
  }

  it('trains two runs at once in workers while the calling thread stays free, and cancels a third', async () => {
    const { store, service } = setUp(2);
    const epochs = new Map<string, EpochMetrics[]>();
    const statuses: Array<[string, string]> = [];
    // How many epoch events a run had delivered when its final status arrived: all of them, always (the
    // worker's result must not overtake its last epoch event).
    const epochsAtFinish = new Map<string, number>();
    service.subscribe({
      epoch: (id, m) => epochs.set(id, [...(epochs.get(id) ?? []), m]),
      status: (id, s) => {
        statuses.push([id, s]);
        if (s === 'completed') epochsAtFinish.set(id, epochs.get(id)?.length ?? 0);
      },
    });
    const parse = (raw: unknown) => runConfigSchema.parse(raw);
    const a = parse(smallMnistMlp({ name: 'a', epochs: 2 }));
    const b = parse(smallMnistMlp({ name: 'b', epochs: 2, seed: 9 }));
    const c = parse(smallMnistMlp({ name: 'c', epochs: 50 }));
    const fingerprint = preflightRun(a, store, cacheDir).fingerprint;

    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 10);
    const runA = service.start(a, fingerprint);
    const runB = service.start(b, fingerprint);
    const runC = service.start(c, fingerprint);
    // Queued behind a and b (two workers): cancelled before it ever trains.
    expect(service.cancel(runC.runId)).toBe(true);
    const results = await Promise.all([runA.done, runB.done, runC.done]);
    clearInterval(timer);

    expect(results.map((r) => r.status)).toEqual(['completed', 'completed', 'cancelled']);
    expect(ticks).toBeGreaterThan(10);
    for (const run of [runA, runB]) {
      const logged = store.getEpochs(run.runId);
      expect(logged.map((e) => e.epoch)).toEqual([1, 2]);
      expect(logged).toEqual(epochs.get(run.runId));
      expect(epochsAtFinish.get(run.runId)).toBe(2);
      expect(store.getRun(run.runId)?.status).toBe('completed');
    }
    expect(store.getEpochs(runC.runId)).toEqual([]);
    expect(store.getRun(runC.runId)?.status).toBe('cancelled');
    expect(statuses).toContainEqual([runA.runId, 'running']);
    expect(statuses).toContainEqual([runC.runId, 'cancelled']);
  });

  it('cancels a running run within a batch, keeping its finished epochs', async () => {
    const { store, service } = setUp(1);
    const config = runConfigSchema.parse(smallMnistMlp({ name: 'long', epochs: 100 }));
    const fingerprint = preflightRun(config, store, cacheDir).fingerprint;
    const run = service.start(config, fingerprint);
    await new Promise<void>((resolve) => {
      const off = service.subscribe({
        epoch: () => {
          off();
          resolve();
        },
      });
    });
    service.cancel(run.runId);
    const result = await run.done;
    expect(result.status).toBe('cancelled');
    const logged = store.getEpochs(run.runId);
    expect(logged.length).toBeGreaterThanOrEqual(1);
    expect(logged.length).toBeLessThan(100);
    expect(store.getRun(run.runId)?.status).toBe('cancelled');
  });
});
