import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { runConfigSchema } from '../../common/config/run-config';
import { gridSpecSchema } from '../../common/grid/spec';
import type { EpochMetrics } from '../../common/types';
import { smallMnistMlp } from '../../tests/support/configs';
import { tempWorkspace } from '../../tests/support/cli';
import { RunStore } from '../store/run-store';
import { planGrid } from './grid-planner';
import { preflightRun } from './run-preflight';
import { RunQueue } from './run-queue';
import { TrainingService } from './training-service';

// The pool runs the built worker bundle, exactly as the app and the CLI do (`npm test` builds first).
const workerFile = join(import.meta.dirname, '..', '..', 'out', 'main', 'training-worker.js');
const cacheDir = join(tmpdir(), 'workbench-test-cache');

describe('RunQueue (worker pool, real training, real SQLite file)', () => {
  let queue: RunQueue | undefined;
  let training: TrainingService | undefined;
  let store: RunStore | undefined;

  beforeAll(() => {
    if (!existsSync(workerFile)) throw new Error(`${workerFile} is missing: run \`npm run build\` first`);
  });
  afterEach(async () => {
    await queue?.stopAll(10_000);
    queue?.dispose();
    await training?.close();
    store?.close();
  });

  function setUp(maxWorkers: number, heartbeatMs?: number) {
    const ws = tempWorkspace();
    store = RunStore.open(ws.db);
    training = new TrainingService({ store, dbPath: ws.db, cacheDir, workerFile, maxWorkers });
    queue = new RunQueue({ store, training, appVersion: 'test', heartbeatMs });
    return { store, queue, db: ws.db };
  }

  it('trains two runs at once in workers while the calling thread stays free, and cancels a third', async () => {
    const { store, queue } = setUp(2);
    const epochs = new Map<string, EpochMetrics[]>();
    const statuses: Array<[string, string]> = [];
    // How many epoch events a run had delivered when its final status arrived: all of them, always (the
    // worker's result must not overtake its last epoch event).
    const epochsAtFinish = new Map<string, number>();
    queue.subscribe({
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
    const runA = queue.submit(a, fingerprint);
    const runB = queue.submit(b, fingerprint);
    const runC = queue.submit(c, fingerprint);
    // Waiting behind a and b (two workers): cancelled before it ever trains.
    expect(store.getRun(runC.runId)?.status).toBe('queued');
    expect(queue.cancel(runC.runId)).toBe(true);
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
    const { store, queue } = setUp(1);
    const config = runConfigSchema.parse(smallMnistMlp({ name: 'long', epochs: 100 }));
    const fingerprint = preflightRun(config, store, cacheDir).fingerprint;
    const run = queue.submit(config, fingerprint);
    await new Promise<void>((resolve) => {
      const off = queue.subscribe({
        epoch: () => {
          off();
          resolve();
        },
      });
    });
    queue.cancel(run.runId);
    const result = await run.done;
    expect(result.status).toBe('cancelled');
    const logged = store.getEpochs(run.runId);
    expect(logged.length).toBeGreaterThanOrEqual(1);
    expect(logged.length).toBeLessThan(100);
    expect(store.getRun(run.runId)?.status).toBe('cancelled');
  });

  it('fills every worker with grid cells, lets a single run in at the next free worker, and trains each cell once', async () => {
    const { store, queue } = setUp(2);
    const checks = { datasets: store, cacheDir, availableBackends: ['wasm' as const], candidates: [] };
    const spec = gridSpecSchema.parse({
      name: 'iris queue',
      base: 'e7-iris-nesterov',
      override: { training: { epochs: 40 } },
      axes: [
        { path: 'training.learningRate', values: [0.01, 0.05, 0.1] },
        { path: 'model.hiddenUnits', values: [[4], [16]] },
      ],
    });
    const plan = planGrid(spec, { checks, store, workers: 2 });
    if (!('grid' in plan)) throw new Error(JSON.stringify(plan.check.issues));
    const runningAtOnce: number[] = [];
    let running = 0;
    queue.subscribe({
      status: (_id, status) => {
        if (status === 'running') {
          running += 1;
          runningAtOnce.push(running);
        } else if (status !== 'queued') running -= 1;
      },
    });
    // The order runs are handed to the workers (when each reports "running" depends on how fast a fresh
    // worker thread loads, which is the machine's business, not the queue's).
    const handedOver: string[] = [];
    const train = training!.train.bind(training);
    vi.spyOn(training!, 'train').mockImplementation((runId, config) => {
      handedOver.push(runId);
      return train(runId, config);
    });
    const gridId = queue.startGrid(plan.grid);
    // Both workers took a cell; the single run waits for the first free one, ahead of the four other cells.
    const single = queue.submit(plan.grid.cells[0].config, plan.grid.cells[0].datasetFingerprint);
    await single.done;
    await queue.gridIdle(gridId);

    const cells = store.grids.cells(gridId);
    expect(cells.map((c) => c.status)).toEqual(Array(6).fill('completed'));
    expect(cells.map((c) => c.attempts)).toEqual(Array(6).fill(1));
    expect(new Set(cells.map((c) => c.runId)).size).toBe(6);
    expect(store.grids.getGrid(gridId)?.status).toBe('completed');
    expect(Math.max(...runningAtOnce)).toBe(2);
    // Handed over third: after the two cells that were running when it was submitted, before the other four.
    expect(handedOver).toHaveLength(7);
    expect(handedOver.indexOf(single.runId)).toBe(2);
    for (const cell of cells) {
      expect(store.getEpochs(cell.runId!).map((e) => e.epoch)).toEqual(
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
      expect(store.getRun(cell.runId!)).toMatchObject({ gridId, gridCell: cell.index });
    }
  });

  it('cancels a run at the request of another process, at its next heartbeat', async () => {
    const { store, queue, db } = setUp(1, 200);
    const config = runConfigSchema.parse(smallMnistMlp({ name: 'remote-cancel', epochs: 100 }));
    const fingerprint = preflightRun(config, store, cacheDir).fingerprint;
    const run = queue.submit(config, fingerprint);
    await new Promise<void>((resolve) => {
      const off = queue.subscribe({
        epoch: () => {
          off();
          resolve();
        },
      });
    });
    // Another process (a second connection to the same file) asks; this one holds the worker.
    const other = RunStore.open(db);
    expect(other.requestCancel(run.runId)).toBe(true);
    other.close();
    const result = await run.done;
    expect(result.status).toBe('cancelled');
    expect(store.getRun(run.runId)?.status).toBe('cancelled');
    expect(store.getEpochs(run.runId).length).toBeGreaterThanOrEqual(1);
  });
});
