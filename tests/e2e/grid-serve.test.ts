import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { RunTableRow } from '../../common/api/contract';
import type { GridDetail } from '../../common/grid/types';
import { spawnWorkbench, tempWorkspace, workbenchJson } from '../support/cli';
import { callServed, serveWorkbench } from '../support/serve';

/**
 * The app's side of crashes: `workbench serve` killed with SIGKILL while a grid trains comes back and
 * finishes it (every cell exactly once), and a run whose owner died on a host that has since been renamed
 * ends `interrupted` within the heartbeat's bound, visible in a running server and in `workbench runs`.
 */

const call = callServed;

async function until<T>(
  what: string,
  read: () => Promise<T> | T,
  done: (value: T) => boolean,
  timeoutMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value).slice(0, 400)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('crash recovery through workbench serve', () => {
  it('a kill -9 of the app mid-grid: the next start finishes the grid, every cell trained exactly once', async () => {
    const ws = tempWorkspace('workbench-grid-serve-');
    const first = await serveWorkbench(ws.db);
    const spec = {
      name: 'E7 sweep',
      base: 'e7-iris-nesterov',
      override: { training: { epochs: 1500 } },
      axes: [
        { path: 'training.learningRate', values: [0.01, 0.05, 0.1] },
        { path: 'model.hiddenUnits', values: [[4], [16]] },
      ],
    };
    const { gridId, cells } = await call<{ gridId: string; cells: number }>(first, 'grids.start', { spec });
    expect(cells).toBe(6);
    const before = await until(
      'two finished cells',
      () => call<GridDetail>(first, 'grids.get', { gridId }),
      (g) => g.counts.completed >= 2 && g.counts.running >= 1,
    );
    // Two cells train on the two workers at once.
    expect(before.counts.running + before.counts.queued).toBeGreaterThanOrEqual(1);
    first.child.kill('SIGKILL');
    await first.stop();
    const finished = new Map(
      before.results.filter((r) => r.status === 'completed').map((r) => [r.index, r.runId]),
    );

    const second = await serveWorkbench(ws.db);
    try {
      const after = await until(
        'the resumed grid to complete',
        () => call<GridDetail>(second, 'grids.get', { gridId }),
        (g) => g.status === 'completed',
      );
      expect(after.results.map((r) => r.status)).toEqual(Array(6).fill('completed'));
      for (const [index, runId] of finished)
        expect(after.results[index]).toMatchObject({ runId, attempts: 1 });
      for (const r of after.results) expect(r.epochs).toBe(1500);
      const runs = await call<RunTableRow[]>(second, 'runs.list', {});
      const gridRuns = runs.filter((r) => r.gridId === gridId);
      for (const r of after.results) {
        expect(gridRuns.filter((run) => run.gridCell === r.index && run.status === 'completed')).toHaveLength(
          1,
        );
      }
      // What the kill cut off stays, marked interrupted, with the epochs it had.
      expect(gridRuns.filter((r) => r.status === 'interrupted').length).toBe(gridRuns.length - 6);
    } finally {
      await second.stop();
    }
  });

  it('a run whose owner was killed on a host since renamed ends interrupted within the heartbeat bound', async () => {
    const ws = tempWorkspace('workbench-liveness-');
    const staleMs = 3_000;
    const env = { WORKBENCH_STALE_AFTER_MS: String(staleMs) };
    const served = await serveWorkbench(ws.db, [], env);
    try {
      const config = ws.write('long.json', {
        name: 'to be killed',
        seed: 1,
        dataset: { id: 'iris', split: { train: 110, validation: 0, test: 40 }, shuffleSeed: 7 },
        model: { kind: 'mlp', hiddenUnits: [16] },
        training: { optimizer: 'sgd', learningRate: 0.01, batchSize: 1, epochs: 100000 },
      });
      const run = spawnWorkbench(['--db', ws.db, 'run', config, '--json'], env);
      const [line] = await run.waitForLines(1);
      const runId = (JSON.parse(line) as { runId: string }).runId;
      run.child.kill('SIGKILL');
      await run.exited;
      // The machine's name changes (a new container): the dead owner's pid check can no longer apply.
      const db = new Database(ws.db);
      db.prepare(`UPDATE runs SET owner_host = 'old-container-name' WHERE id = ?`).run(runId);
      db.close();
      const killedAt = Date.now();

      const row = await until(
        'the server to see the run interrupted',
        async () => (await call<RunTableRow[]>(served, 'runs.list', {})).find((r) => r.id === runId),
        (r) => r?.status === 'interrupted',
        staleMs * 5,
      );
      expect(row?.epochs).toBeGreaterThanOrEqual(1);
      // Not before its heartbeat went stale (it was alive a moment ago), and within the bound after.
      expect(Date.now() - killedAt).toBeLessThan(staleMs * 4);
      const show = workbenchJson<{ status: string; error: string }>(['--db', ws.db, 'show', runId]);
      expect(show.status).toBe('interrupted');
      expect(show.error).toMatch(/no heartbeat since/);
    } finally {
      await served.stop();
    }
  });

  it('never interrupts a healthy run trained by another process, however long it runs', async () => {
    const ws = tempWorkspace('workbench-liveness-healthy-');
    const env = { WORKBENCH_STALE_AFTER_MS: '3000' };
    const served = await serveWorkbench(ws.db, [], env);
    try {
      const config = ws.write('steady.json', {
        name: 'healthy',
        seed: 1,
        dataset: { id: 'iris', split: { train: 110, validation: 0, test: 40 }, shuffleSeed: 7 },
        model: { kind: 'mlp', hiddenUnits: [16] },
        training: { optimizer: 'sgd', learningRate: 0.01, batchSize: 1, epochs: 100000 },
      });
      const run = spawnWorkbench(['--db', ws.db, 'run', config, '--json'], env);
      const [line] = await run.waitForLines(1);
      const runId = (JSON.parse(line) as { runId: string }).runId;
      // Three times the stale bound: the owner's heartbeats keep it running in the server's eyes.
      await new Promise((resolve) => setTimeout(resolve, 9_000));
      const row = (await call<RunTableRow[]>(served, 'runs.list', {})).find((r) => r.id === runId);
      expect(row?.status).toBe('running');
      // Cancelled from the server, though another process trains it: at that process's next heartbeat.
      expect(await call<{ cancelled: boolean }>(served, 'runs.cancel', { runId })).toEqual({
        cancelled: true,
      });
      expect(await run.exited).toBe(130);
      expect((await call<RunTableRow[]>(served, 'runs.list', {})).find((r) => r.id === runId)?.status).toBe(
        'cancelled',
      );
    } finally {
      await served.stop();
    }
  });
});
