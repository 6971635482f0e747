import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_TOKEN_HEADER, type ApiResponse } from '../../common/api/contract';
import type { SlurmGridResult } from '../../common/grid/slurm';
import { tempWorkspace, workbench, workbenchAsync, type CliResult } from '../support/cli';
import { launchChromium } from '../support/browser';
import { serveWorkbench, type ServedWorkbench } from '../support/serve';
import { startSlurm, type LocalSlurm } from '../support/slurm';

/**
 * Grids on a real one-node Slurm cluster (munged, slurmctld and slurmd started by tests/support/slurm.ts):
 * `workbench grid --slurm` submits an array job, each task trains its cell into its own store, and `grid
 * collect` brings them home, as a user does it, against a local run of the same grid; a task killed with
 * scancel, reported with Slurm's reason and resubmitted alone; and a grid handed over from the New grid view in
 * the browser, in a `serve` that must never train it itself.
 */

interface CollectJson {
  gridId: string;
  status: string;
  imported: number;
  slurm: { jobIds: string[]; reachable: boolean; sources: string[] };
  counts: Record<string, number>;
  cells: {
    index: number;
    status: string;
    runId: string | null;
    node: string | null;
    backend: string | null;
    epochs: number;
    error: string | null;
    slurm: { task: string; state: string; reason: string | null } | null;
    log: string | null;
  }[];
}

let slurm: LocalSlurm;

beforeAll(async () => {
  slurm = await startSlurm();
}, 60_000);

afterAll(async () => {
  await slurm?.stop();
}, 60_000);

function wb(args: string[]): CliResult {
  return workbench(args, { env: slurm.env });
}

function json<T>(result: CliResult, what: string): T {
  if (result.status !== 0) throw new Error(`${what} failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}

/** Every logged epoch of a grid's current cell runs, by cell, without the wall-clock columns. */
function cellEpochs(db: string, gridId: string) {
  const conn = new Database(db, { readonly: true });
  try {
    return conn
      .prepare(
        `SELECT c.idx, e.epoch, e.train_loss, e.train_acc, e.val_loss, e.val_acc, e.test_loss, e.test_acc, e.lr
         FROM grid_cells c JOIN epoch_metrics e ON e.run_id = c.run_id
         WHERE c.grid_id = ? ORDER BY c.idx, e.epoch`,
      )
      .all(gridId) as { idx: number; epoch: number }[];
  } finally {
    conn.close();
  }
}

function gridRuns(db: string, gridId: string) {
  const conn = new Database(db, { readonly: true });
  try {
    return conn
      .prepare(
        `SELECT r.id, r.grid_cell AS cell, r.status, r.owner_host AS host, r.backend, r.error, r.config,
                (SELECT COUNT(*) FROM epoch_metrics e WHERE e.run_id = r.id) AS epochs,
                (SELECT attempts FROM grid_cells c WHERE c.grid_id = r.grid_id AND c.idx = r.grid_cell) AS attempts
         FROM runs r WHERE r.grid_id = ? ORDER BY r.grid_cell, r.created_at`,
      )
      .all(gridId) as {
      id: string;
      cell: number;
      status: string;
      host: string;
      backend: string;
      error: string | null;
      config: string;
      epochs: number;
      attempts: number;
    }[];
  } finally {
    conn.close();
  }
}

function epochsIn(storeFile: string): number {
  try {
    const conn = new Database(storeFile, { readonly: true });
    try {
      return (conn.prepare('SELECT COUNT(*) AS n FROM epoch_metrics').get() as { n: number }).n;
    } finally {
      conn.close();
    }
  } catch {
    return 0; // not created yet
  }
}

async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('grids on a Slurm cluster', () => {
  it('runs a 4-cell Iris grid through sbatch, collects it twice, and reads exactly like the same grid run locally', async () => {
    const ws = tempWorkspace('workbench-slurm-grid-');
    const spec = ws.write('grid.json', {
      name: 'iris on slurm',
      base: 'e7-iris-nesterov',
      override: { training: { epochs: 30 } },
      axes: [
        { path: 'training.learningRate', values: [0.01, 0.1] },
        { path: 'model.hiddenUnits', values: [[4], [16]] },
      ],
    });
    const clusterDb = join(ws.dir, 'cluster.db');
    const localDb = join(ws.dir, 'local.db');
    const jobDir = join(ws.dir, 'job');

    const written = json<SlurmGridResult>(
      wb(['--db', clusterDb, 'grid', spec, '--slurm', '--out', jobDir, '--time', '00:10:00', '--json']),
      'grid --slurm',
    );
    expect(written).toMatchObject({ name: 'iris on slurm', cells: 4, dir: jobDir, submitError: null });
    expect(written.jobId).toMatch(/^\d+$/);
    expect(written.commands).toEqual({
      submit: `sbatch ${jobDir}/job.sh`,
      collect: `workbench --db ${clusterDb} grid collect ${jobDir}`,
    });
    const script = readFileSync(join(jobDir, 'job.sh'), 'utf8');
    expect(script).toContain('#SBATCH --array=0-3');
    expect(script).toContain('#SBATCH --time=00:10:00');
    expect(readFileSync(join(jobDir, 'README.md'), 'utf8')).toContain(written.commands.collect);
    // Listed here at once, as Slurm's: the array trains it, not this store's queue.
    const listed = json<{ id: string; status: string; cells: number }[]>(
      wb(['--db', clusterDb, 'grids', '--json']),
      'grids',
    );
    expect(listed).toEqual([expect.objectContaining({ id: written.gridId, status: 'running', cells: 4 })]);
    const resume = wb(['--db', clusterDb, 'grid', 'resume', written.gridId]);
    expect(resume.status).toBe(1);
    expect(resume.stderr).toContain(`runs on Slurm: collect it with \`workbench grid collect ${jobDir}\``);
    const cancel = wb(['--db', clusterDb, 'grid', 'cancel', written.gridId]);
    expect(cancel.status).toBe(1);
    expect(cancel.stderr).toContain(`cancel its array job there (\`scancel ${written.jobId}\`)`);

    // The same grid trained here, in another store, while the cluster trains it.
    const local = workbenchAsync(['--db', localDb, 'grid', spec, '--json']);
    await slurm.waitForJob(written.jobId!);
    expect(Object.values(slurm.taskStates(written.jobId!))).toEqual(Array(4).fill('COMPLETED'));
    const localDone = await local;
    expect(localDone.status).toBe(0);
    const localGridId = (JSON.parse(localDone.stdout.trim().split('\n').at(-1)!) as { gridId: string })
      .gridId;

    const first = json<CollectJson>(wb(['--db', clusterDb, 'grid', 'collect', jobDir, '--json']), 'collect');
    expect(first).toMatchObject({ gridId: written.gridId, status: 'completed', imported: 4 });
    expect(first.slurm).toMatchObject({ jobIds: [written.jobId], reachable: true });
    expect(first.counts).toMatchObject({
      completed: 4,
      failed: 0,
      interrupted: 0,
      running: 0,
      'never-ran': 0,
    });
    for (const cell of first.cells) {
      expect(cell).toMatchObject({ status: 'completed', node: hostname(), epochs: 30, error: null });
      expect(cell.slurm).toEqual({
        task: `${written.jobId}_${cell.index}`,
        state: 'COMPLETED',
        reason: null,
      });
      expect(readFileSync(join(jobDir, cell.log!), 'utf8')).toContain(`cell ${cell.index}: completed`);
    }

    // Again: nothing new, nothing twice.
    const second = json<CollectJson>(
      wb(['--db', clusterDb, 'grid', 'collect', jobDir, '--json']),
      'collect again',
    );
    expect(second.imported).toBe(0);
    expect(second.counts).toEqual(first.counts);
    expect(second.cells).toEqual(first.cells);
    const runs = gridRuns(clusterDb, written.gridId);
    expect(runs.map((r) => r.cell)).toEqual([0, 1, 2, 3]);
    expect(json<unknown[]>(wb(['--db', clusterDb, 'runs', '--json']), 'runs')).toHaveLength(4);

    // Exactly the local grid: the same configs, and every epoch's every metric bit for bit.
    const localRuns = gridRuns(localDb, localGridId);
    expect(runs.map((r) => JSON.parse(r.config) as unknown)).toEqual(
      localRuns.map((r) => JSON.parse(r.config) as unknown),
    );
    const clusterEpochs = cellEpochs(clusterDb, written.gridId);
    expect(clusterEpochs).toHaveLength(4 * 30);
    expect(clusterEpochs).toEqual(cellEpochs(localDb, localGridId));
    // Each cell records the node it trained on and the backend it chose there (the one a local run picks here).
    for (const [i, run] of runs.entries()) {
      expect(run).toMatchObject({ status: 'completed', host: hostname(), epochs: 30 });
      expect(run.backend).toBe(localRuns[i].backend);
      expect(first.cells[i].backend).toBe(run.backend);
    }
    const show = json<{ status: string; cells: { index: number; status: string; runId: string }[] }>(
      wb(['--db', clusterDb, 'grid', 'show', written.gridId, '--json']),
      'grid show',
    );
    expect(show.status).toBe('completed');
    expect(show.cells.map((c) => [c.index, c.status, c.runId])).toEqual(
      runs.map((r) => [r.cell, 'completed', r.id]),
    );
  });

  it("a killed array task leaves its cell interrupted with Slurm's reason; resubmit trains only that cell", async () => {
    const ws = tempWorkspace('workbench-slurm-kill-');
    // Cell 0 trains long enough to be cancelled mid-run; cells 1 and 2 finish in moments.
    const spec = ws.write('grid.json', {
      name: 'iris kill',
      base: 'e7-iris-nesterov',
      axes: [{ path: 'training.epochs', values: [10_000, 20, 25] }],
    });
    const jobDir = join(ws.dir, 'job');
    const written = json<SlurmGridResult>(
      wb(['--db', ws.db, 'grid', spec, '--slurm', '--out', jobDir, '--json']),
      'grid --slurm',
    );
    const job = written.jobId!;
    await until(() => epochsIn(join(jobDir, 'stores', 'cell-0.db')) > 0, 60_000, 'cell 0 to log an epoch');
    slurm.run('scancel', [`${job}_0`]);
    await slurm.waitForJob(job);
    expect(slurm.taskStates(job)).toEqual({ '0': 'CANCELLED', '1': 'COMPLETED', '2': 'COMPLETED' });

    const collected = json<CollectJson>(wb(['--db', ws.db, 'grid', 'collect', jobDir, '--json']), 'collect');
    expect(collected.counts).toMatchObject({ completed: 2, interrupted: 1 });
    const [killed, ...others] = collected.cells;
    expect(killed).toMatchObject({ index: 0, status: 'interrupted', node: hostname() });
    expect(killed.slurm).toEqual({ task: `${job}_0`, state: 'CANCELLED', reason: null });
    expect(killed.error).toMatch(
      new RegExp(`^interrupted by Slurm: task ${job}_0 on ${hostname()} ended CANCELLED`),
    );
    expect(killed.epochs).toBeGreaterThan(0);
    expect(killed.epochs).toBeLessThan(10_000);
    expect(others.map((c) => c.status)).toEqual(['completed', 'completed']);
    const interrupted = gridRuns(ws.db, written.gridId)[0];
    expect(interrupted).toMatchObject({ cell: 0, status: 'interrupted', epochs: killed.epochs });
    expect(interrupted.error).toBe(killed.error);
    // The text report says the same.
    expect(wb(['--db', ws.db, 'grid', 'collect', jobDir]).stdout).toMatch(
      /1 interrupted.*\n[\s\S]*ended CANCELLED/,
    );

    const resubmitted = json<{ cells: number[]; jobId: string }>(
      wb(['--db', ws.db, 'grid', 'resubmit', jobDir, '--json']),
      'resubmit',
    );
    expect(resubmitted.cells).toEqual([0]);
    expect(resubmitted.jobId).not.toBe(job);
    expect(Object.keys(slurm.taskStates(resubmitted.jobId))).toEqual(['0']);
    const submissions = JSON.parse(readFileSync(join(jobDir, 'submissions.json'), 'utf8')) as {
      jobId: string;
      cells: number[];
    }[];
    expect(submissions.map((s) => [s.jobId, s.cells])).toEqual([
      [job, [0, 1, 2]],
      [resubmitted.jobId, [0]],
    ]);
    // While it is on its way, a second resubmit sends nothing.
    expect(
      json<{ cells: number[] }>(wb(['--db', ws.db, 'grid', 'resubmit', jobDir, '--json']), 'resubmit again')
        .cells,
    ).toEqual([]);
    await slurm.waitForJob(resubmitted.jobId, 150_000);

    const done = json<CollectJson>(
      wb(['--db', ws.db, 'grid', 'collect', jobDir, '--json']),
      'collect after resubmit',
    );
    expect(done).toMatchObject({ status: 'completed', imported: 1 });
    expect(done.counts).toMatchObject({ completed: 3, interrupted: 0 });
    expect(done.cells[0]).toMatchObject({ status: 'completed', epochs: 10_000, error: null });
    expect(done.cells[0].slurm?.task).toBe(`${resubmitted.jobId}_0`);
    // The interrupted run went on from its checkpoint in the same run: one attempt, every epoch once.
    expect(done.cells[0].runId).toBe(killed.runId);
    const runs = gridRuns(ws.db, written.gridId);
    expect(runs.map((r) => [r.cell, r.status, r.attempts])).toEqual([
      [0, 'completed', 1],
      [1, 'completed', 1],
      [2, 'completed', 1],
    ]);
    for (const cell of [1, 2]) {
      const attempt = JSON.parse(readFileSync(join(jobDir, 'stores', `cell-${cell}.slurm.json`), 'utf8')) as {
        arrayJobId: string;
      };
      expect(attempt.arrayJobId).toBe(job);
    }
    expect(existsSync(join(jobDir, 'logs', `cell-1-job-${resubmitted.jobId}.out`))).toBe(false);
  });

  it('goes to Slurm from the New grid view; serve lists it, never trains it, and shows it once collected', async () => {
    const ws = tempWorkspace('workbench-slurm-ui-');
    const api = (served: ServedWorkbench) => async (method: string, params: unknown) => {
      const res = await fetch(`${served.origin}/api/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', [HTTP_TOKEN_HEADER]: served.token },
        body: JSON.stringify(params),
      });
      return (await res.json()) as ApiResponse;
    };
    const result = <T>(response: ApiResponse): T => {
      if (!response.ok) throw new Error(response.error.message);
      return response.result as T;
    };
    const spec = {
      name: 'iris from the ui',
      base: 'e7-iris-nesterov',
      override: { training: { epochs: 15 } },
      axes: [{ path: 'training.learningRate', values: [0.05, 0.2] }],
    };
    const jobDir = join(ws.dir, 'from the ui');
    const { browser, context } = await launchChromium();
    let served = await serveWorkbench(ws.db, [], slurm.env);
    try {
      const page = await context.newPage();
      await page.goto(served.url);
      await page.getByTestId('nav-grids').click();
      await page.getByTestId('new-grid').click();
      await page.getByTestId('grid-spec-json').fill(JSON.stringify(spec));
      await expect.poll(() => page.getByTestId('start-grid').isEnabled(), { timeout: 30_000 }).toBe(true);

      // A time limit Slurm would not read is refused, with the field named.
      await page.getByTestId('slurm-time').fill('soon');
      await page.getByTestId('slurm-write').click();
      expect(await page.getByTestId('slurm-error').innerText()).toMatch(/time/);
      await page.getByTestId('slurm-time').fill('00:05:00');
      await page.getByTestId('slurm-partition').fill('debug');
      await page.getByTestId('slurm-cpusPerTask').fill('1');
      await page.getByTestId('slurm-outDir').fill(jobDir);
      await page.getByTestId('slurm-write').click();
      await page.getByTestId('slurm-result').waitFor();
      expect(await page.getByTestId('slurm-dir').innerText()).toBe(jobDir);
      const submitted = /^Submitted as Slurm job (\d+)\.$/.exec(
        await page.getByTestId('slurm-job').innerText(),
      );
      expect(submitted).not.toBeNull();
      const jobId = submitted![1];
      expect(await page.getByTestId('slurm-submit').innerText()).toBe(`sbatch '${jobDir}/job.sh'`);
      expect(await page.getByTestId('slurm-collect').innerText()).toBe(
        `workbench --db ${ws.db} grid collect '${jobDir}'`,
      );
      const script = readFileSync(join(jobDir, 'job.sh'), 'utf8');
      expect(script).toContain('#SBATCH --partition=debug\n#SBATCH --time=00:05:00\n');

      // Listed as running, but no process here drives it (the view offers no Cancel for it).
      const grids = result<{ id: string; status: string }[]>(await api(served)('grids.list', {}));
      expect(grids).toEqual([
        expect.objectContaining({ status: 'running', owner: expect.objectContaining({ alive: false }) }),
      ]);
      const gridId = grids[0].id;
      const resume = await api(served)('grids.resume', { gridId });
      expect(!resume.ok && resume.error).toMatchObject({
        code: 'conflict',
        message: expect.stringMatching(/runs on Slurm/),
      });
      await served.stop();

      // Started again, serve resumes the grids their dead owners left running, but not this one: Slurm has it.
      served = await serveWorkbench(ws.db, [], slurm.env);
      await slurm.waitForJob(jobId);
      expect(result<unknown[]>(await api(served)('runs.list', {}))).toEqual([]);
      const collected = json<CollectJson>(
        wb(['--db', ws.db, 'grid', 'collect', jobDir, '--json']),
        'collect',
      );
      expect(collected.counts.completed).toBe(2);

      // The grid view reads it like a local grid.
      await page.goto(served.url);
      await page.getByTestId('nav-grids').click();
      await page.locator(`[data-testid="grid-row"][data-grid-id="${gridId}"] a`).first().click();
      await page.locator('[data-testid="grid-status"]', { hasText: 'completed' }).waitFor();
      await expect
        .poll(() => page.locator('[data-testid="grid-result-row"][data-status="completed"]').count())
        .toBe(2);
    } finally {
      await browser.close();
      await served.stop();
    }
  });
});
