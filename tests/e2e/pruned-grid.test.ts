import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { GridPruneReplay, PruningSpec } from '../../common/grid/pruning';
import { spawnWorkbench, tempWorkspace, workbench, workbenchAsync } from '../support/cli';

/**
 * Live pruned grids through the CLI on real SQLite files, as a user runs them: `workbench grid` with
 * `pruning` in the spec. Every cell's logged epochs equal the same cell's in the unpruned grid, the decisions
 * equal `grid prune-replay` on that full grid, a kill -9 between rungs and `grid resume` change nothing, and
 * two processes driving one pruned grid decide the same rungs and never train an epoch twice.
 */

const SHA: PruningSpec = { kind: 'successive-halving', monitor: 'valLoss', minEpochs: 1, reductionFactor: 3 };

function irisGrid(epochs: number, pruning?: PruningSpec) {
  return {
    name: 'iris lr × hidden',
    base: 'e7-iris-nesterov',
    override: {
      training: { epochs, learningRate: 0.05 },
      dataset: { split: { train: 100, validation: 25, test: 25 } },
    },
    axes: [
      { path: 'training.learningRate', values: [0.02, 0.1, 0.3] },
      { path: 'model.hiddenUnits', values: [[4], [16]] },
    ],
    ...(pruning ? { pruning } : {}),
  };
}

interface Rung {
  bracket: number;
  epoch: number;
  kept: number[];
  pruned: number[];
  endedBefore: number[];
}

interface ShownGrid {
  gridId: string;
  status: string;
  pruning: { rungs: Rung[]; epochsTrained: number; epochsFull: number } | null;
  cells: { index: number; runId: string; status: string; epochs: number }[];
}

function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

function runGrid(db: string, file: string, extra: string[] = []): string {
  const ran = workbench(['--db', db, 'grid', file, '--json', ...extra]);
  expect(ran.status, ran.stderr).toBe(0);
  const last = jsonLines(ran.stdout).at(-1) as { gridId: string; status: string };
  expect(last.status).toBe('completed');
  return last.gridId;
}

function show(db: string, gridId: string): ShownGrid {
  const out = workbench(['--db', db, 'grid', 'show', gridId, '--json']);
  expect(out.status, out.stderr).toBe(0);
  return JSON.parse(out.stdout) as ShownGrid;
}

/** Each cell's logged epochs (every metric but the seconds it took), by cell index, from the file. */
function cellCurves(db: string, gridId: string): Map<number, unknown[]> {
  const conn = new Database(db, { readonly: true });
  try {
    const rows = conn
      .prepare(
        `SELECT c.idx, e.epoch, e.train_loss, e.train_acc, e.val_loss, e.val_acc, e.test_loss, e.test_acc, e.lr
         FROM grid_cells c JOIN epoch_metrics e ON e.run_id = c.run_id
         WHERE c.grid_id = ? ORDER BY c.idx, e.epoch`,
      )
      .all(gridId) as ({ idx: number } & Record<string, number>)[];
    const out = new Map<number, unknown[]>();
    for (const { idx, ...row } of rows) out.set(idx, [...(out.get(idx) ?? []), row]);
    return out;
  } finally {
    conn.close();
  }
}

/** Every run any attempt of the grid's cells made, with its owner and logged epoch numbers. */
function gridRuns(db: string, gridId: string) {
  const conn = new Database(db, { readonly: true });
  try {
    const runs = conn
      .prepare(`SELECT id, grid_cell AS cell, status, owner_pid AS pid, resumes FROM runs WHERE grid_id = ?`)
      .all(gridId) as { id: string; cell: number; status: string; pid: number; resumes: string }[];
    const epochs = conn.prepare(`SELECT epoch FROM epoch_metrics WHERE run_id = ? ORDER BY epoch`);
    return runs.map((r) => ({ ...r, epochs: (epochs.all(r.id) as { epoch: number }[]).map((e) => e.epoch) }));
  } finally {
    conn.close();
  }
}

/**
 * SIGSTOP at a moment when `child` holds no write lock on `db`: stopped inside a transaction it would block
 * every other writer of the file until it goes on.
 */
async function stopOutsideWrite(child: { kill(signal: NodeJS.Signals): boolean }, db: string) {
  for (;;) {
    child.kill('SIGSTOP');
    const conn = new Database(db, { timeout: 0 });
    try {
      conn.exec('BEGIN IMMEDIATE; ROLLBACK;');
      return;
    } catch {
      child.kill('SIGCONT');
    } finally {
      conn.close();
    }
    await sleep(5);
  }
}

function expectEveryEpochOnce(db: string, gridId: string, cells: number) {
  const runs = gridRuns(db, gridId);
  // One run per cell: a promoted cell goes on in the same run, never a second attempt.
  expect(runs.map((r) => r.cell).sort((a, b) => a - b)).toEqual(Array.from({ length: cells }, (_, i) => i));
  for (const run of runs) {
    expect(run.epochs).toEqual(Array.from({ length: run.epochs.length }, (_, i) => i + 1));
    expect(['completed', 'pruned']).toContain(run.status);
  }
}

describe('live pruned grids', () => {
  it('prunes as the replay on the full grid says, and every cell logs the full grid’s epochs', () => {
    const ws = tempWorkspace('workbench-pruned-');
    const fullId = runGrid(ws.db, ws.write('full.json', irisGrid(9)));
    const prunedId = runGrid(ws.db, ws.write('pruned.json', irisGrid(9, SHA)));

    const replayOut = workbench([
      '--db',
      ws.db,
      'grid',
      'prune-replay',
      fullId,
      '--pruning',
      JSON.stringify(SHA),
      '--json',
    ]);
    expect(replayOut.status, replayOut.stderr).toBe(0);
    const replay = JSON.parse(replayOut.stdout) as GridPruneReplay;
    const live = show(ws.db, prunedId);
    expect(live.status).toBe('completed');
    // 6 cells, η = 3: rung 1 keeps 2, rung 3 keeps 1; the same cells as the replay says.
    expect(live.pruning!.rungs.map((r) => [r.epoch, r.kept.length, r.pruned.length])).toEqual([
      [1, 2, 4],
      [3, 1, 1],
    ]);
    expect(
      live.pruning!.rungs.map(({ bracket, epoch, kept, pruned, endedBefore }) => ({
        bracket,
        epoch,
        kept,
        pruned,
        endedBefore,
      })),
    ).toEqual(replay.rungs);
    expect(live.pruning!.epochsTrained).toBe(replay.epochsTrained);
    expect(live.pruning!.epochsFull).toBe(replay.epochsFull);
    const winner = live.cells.find((c) => c.status === 'completed')!;
    expect(winner.index).toBe(replay.winner);
    expect(live.cells.filter((c) => c.status === 'pruned')).toHaveLength(5);

    // Each cell's epochs, pruned at a rung or not, are the first epochs of the same cell in the full grid.
    const full = cellCurves(ws.db, fullId);
    const pruned = cellCurves(ws.db, prunedId);
    for (const [index, curve] of pruned) {
      expect(curve.length).toBeGreaterThan(0);
      expect(curve).toEqual(full.get(index)!.slice(0, curve.length));
    }
    expect(pruned.get(winner.index)).toHaveLength(9);
    expectEveryEpochOnce(ws.db, prunedId, 6);
    // A pruned cell is not resumed behind its grid's back; a fork trains it on as a run of its own.
    const prunedRun = live.cells.find((c) => c.status === 'pruned')!;
    const resume = workbench(['--db', ws.db, 'resume', prunedRun.runId]);
    expect(resume.status).not.toBe(0);
    expect(resume.stderr).toMatch(
      /was pruned at a rung of its grid: resuming it would train past the decision/,
    );

    // Carried to another machine in an archive, the grid keeps its pruning, its rungs and its pruned cells.
    const file = join(ws.dir, 'pruned.wbx');
    const exported = workbench(['--db', ws.db, 'archive', 'export', '--grid', prunedId, '--out', file]);
    expect(exported.status, exported.stderr).toBe(0);
    const laptop = join(ws.dir, 'laptop.db');
    const imported = workbench(['--db', laptop, 'archive', 'import', file]);
    expect(imported.status, imported.stderr).toBe(0);
    const carried = show(laptop, prunedId);
    expect(carried.status).toBe('completed');
    expect(carried.pruning).toEqual(live.pruning);
    expect(carried.cells.map((c) => c.status)).toEqual(live.cells.map((c) => c.status));
  });

  it('runs Hyperband’s brackets live as the replay deals them', () => {
    const ws = tempWorkspace('workbench-hyperband-');
    const hyperband: PruningSpec = { ...SHA, kind: 'hyperband' };
    const fullId = runGrid(ws.db, ws.write('full.json', irisGrid(9)));
    const liveId = runGrid(ws.db, ws.write('hb.json', irisGrid(9, hyperband)));
    const replay = JSON.parse(
      workbench([
        '--db',
        ws.db,
        'grid',
        'prune-replay',
        fullId,
        '--pruning',
        JSON.stringify(hyperband),
        '--json',
      ]).stdout,
    ) as GridPruneReplay;
    const live = show(ws.db, liveId);
    const byKey = (rs: Rung[]) =>
      rs
        .map(({ bracket, epoch, kept, pruned, endedBefore }) => ({
          bracket,
          epoch,
          kept,
          pruned,
          endedBefore,
        }))
        .sort((a, b) => b.bracket - a.bracket || a.epoch - b.epoch);
    expect(replay.brackets.length).toBeGreaterThan(1);
    expect(byKey(live.pruning!.rungs)).toEqual(byKey(replay.rungs));
    expect(live.pruning!.epochsTrained).toBe(replay.epochsTrained);
    expectEveryEpochOnce(ws.db, liveId, 6);
  });

  it('survives kill -9 between rungs: grid resume decides the same rungs and trains every epoch once', async () => {
    const spec = { ...SHA, minEpochs: 10 };
    const ws = tempWorkspace('workbench-pruned-kill-');
    const file = ws.write('grid.json', irisGrid(120, spec));
    const first = spawnWorkbench(['--db', ws.db, 'grid', file, '--json', '--workers', '2']);
    // The first rung decided (its line), and a promoted cell on its way to the next: kill it there.
    let gridId = '';
    await expect
      .poll(
        () => {
          const rung = first.lines
            .map((l) => JSON.parse(l) as { gridId: string; rung?: Rung })
            .find((l) => l.rung);
          if (!rung) return false;
          gridId = rung.gridId;
          return gridRuns(ws.db, gridId).some((r) => r.status === 'running' && r.epochs.length > 10);
        },
        { timeout: 120_000, interval: 20 },
      )
      .toBe(true);
    first.child.kill('SIGKILL');
    await first.exited;
    const killed = show(ws.db, gridId);
    expect(killed.status).toBe('running');
    expect(killed.pruning!.rungs.map((r) => r.epoch)).toEqual([10]);

    const resumed = await workbenchAsync(['--db', ws.db, 'grid', 'resume', gridId.slice(0, 8), '--json']);
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(jsonLines(resumed.stdout).at(-1)).toMatchObject({ gridId, status: 'completed' });
    expectEveryEpochOnce(ws.db, gridId, 6);

    // The same spec never killed: the same rungs, the same curves.
    const twinDb = `${ws.db}.twin.db`;
    const twinId = runGrid(twinDb, file);
    const after = show(ws.db, gridId);
    const twin = show(twinDb, twinId);
    const decisions = (g: ShownGrid) =>
      g.pruning!.rungs.map(({ decidedAt: _d, ...r }: Rung & { decidedAt?: string }) => r);
    expect(decisions(after)).toEqual(decisions(twin));
    expect(after.pruning!.epochsTrained).toBe(twin.pruning!.epochsTrained);
    expect([...cellCurves(ws.db, gridId).values()]).toEqual([...cellCurves(twinDb, twinId).values()]);
  });

  it('two processes driving one pruned grid decide each rung once and train no epoch twice', async () => {
    const spec = { ...SHA, minEpochs: 50 };
    const ws = tempWorkspace('workbench-pruned-two-');
    const file = ws.write('grid.json', irisGrid(600, spec));
    // The first process is stopped while it trains a cell, so that it cannot finish the grid alone however
    // slowly the second starts. A long stale bound keeps the second from taking the stopped process's cell.
    const env = { WORKBENCH_STALE_AFTER_MS: '600000' };
    const first = spawnWorkbench(['--db', ws.db, 'grid', file, '--json', '--workers', '1'], env);
    let gridId = '';
    const trainingBy = (pid: number | undefined) =>
      gridRuns(ws.db, gridId).filter((r) => r.pid === pid && r.status === 'running' && r.epochs.length > 0);
    await expect
      .poll(
        () => {
          if (!existsSync(ws.db)) return 0;
          const conn = new Database(ws.db, { readonly: true, fileMustExist: true });
          try {
            gridId = (conn.prepare(`SELECT id FROM grids`).get() as { id: string } | undefined)?.id ?? '';
          } finally {
            conn.close();
          }
          return gridId === '' ? 0 : trainingBy(first.child.pid).length;
        },
        { timeout: 60_000, interval: 20 },
      )
      .toBe(1);
    await stopOutsideWrite(first.child, ws.db);
    const second = spawnWorkbench(['--db', ws.db, 'grid', 'resume', gridId, '--json', '--workers', '1'], env);
    try {
      await expect
        .poll(() => trainingBy(second.child.pid).length, { timeout: 120_000, interval: 20 })
        .toBe(1);
      // Both processes hold a cell of the grid at once.
      expect(trainingBy(first.child.pid)).toHaveLength(1);
    } finally {
      first.child.kill('SIGCONT');
    }
    const [a, b] = await Promise.all([first.exited, second.exited]);
    expect(a, first.stderr()).toBe(0);
    expect(b, second.stderr()).toBe(0);
    expect(show(ws.db, gridId).status).toBe('completed');
    expectEveryEpochOnce(ws.db, gridId, 6);

    const twinDb = `${ws.db}.twin.db`;
    const twinId = runGrid(twinDb, file);
    const decisions = (g: ShownGrid) =>
      g.pruning!.rungs.map(({ decidedAt: _d, ...r }: Rung & { decidedAt?: string }) => r);
    expect(decisions(show(ws.db, gridId))).toEqual(decisions(show(twinDb, twinId)));
    expect([...cellCurves(ws.db, gridId).values()]).toEqual([...cellCurves(twinDb, twinId).values()]);
  });

  it('goes to Slurm one array per rung: collect decides the rung, resubmit sends the next, as a local grid prunes', () => {
    const ws = tempWorkspace('workbench-pruned-slurm-');
    // No sbatch here: the tasks run by hand, as Slurm would run them on the cluster.
    const noSlurm = join(ws.dir, 'empty-path');
    mkdirSync(noSlurm);
    const wb = (args: string[]) => workbench(['--db', ws.db, ...args], { env: { PATH: noSlurm } });
    const file = ws.write('grid.json', irisGrid(9, SHA));
    const jobDir = join(ws.dir, 'job');
    expect(wb(['grid', file, '--slurm', '--out', jobDir]).status).toBe(0);
    const gridId = (JSON.parse(wb(['grids', '--json']).stdout) as { id: string }[])[0].id;
    const targets = () =>
      JSON.parse(readFileSync(join(jobDir, 'targets.json'), 'utf8')) as Record<string, number>;
    expect(targets()).toEqual({ 0: 1, 1: 1, 2: 1, 3: 1, 4: 1, 5: 1 });
    expect(readFileSync(join(jobDir, 'README.md'), 'utf8')).toContain(
      'This grid is pruned (successive halving, r = 1, η = 3, by valLoss, R = 9): it runs one array per rung.',
    );

    const arrays: number[][] = [];
    let cells = [0, 1, 2, 3, 4, 5];
    while (cells.length > 0) {
      arrays.push(cells);
      for (const cell of cells) {
        const task = wb(['grid', 'task', jobDir, '--cell', String(cell)]);
        expect(task.status, task.stdout + task.stderr).toBe(0);
      }
      const resubmit = wb(['grid', 'resubmit', jobDir, '--json']);
      expect(resubmit.status, resubmit.stderr).toBe(0);
      cells = (JSON.parse(resubmit.stdout) as { cells: number[] }).cells;
    }
    const atHome = show(ws.db, gridId);
    expect(atHome.status).toBe('completed');

    const localDb = join(ws.dir, 'local.db');
    const localId = runGrid(localDb, file);
    const local = show(localDb, localId);
    const decisions = (g: ShownGrid) =>
      g.pruning!.rungs.map(({ decidedAt: _d, ...r }: Rung & { decidedAt?: string }) => r);
    expect(decisions(atHome)).toEqual(decisions(local));
    // One array per rung: all six cells, the two kept at epoch 1, the one kept at epoch 3.
    expect(arrays).toEqual([[0, 1, 2, 3, 4, 5], local.pruning!.rungs[0].kept, local.pruning!.rungs[1].kept]);
    expect(atHome.cells.map((c) => [c.status, c.epochs])).toEqual(
      local.cells.map((c) => [c.status, c.epochs]),
    );
    expect([...cellCurves(ws.db, gridId).values()]).toEqual([...cellCurves(localDb, localId).values()]);
    expectEveryEpochOnce(ws.db, gridId, 6);
  });

  it('refuses a pruning the grid cannot run, one line naming the field, and stores nothing', () => {
    const ws = tempWorkspace('workbench-pruned-bad-');
    const cases: [object, RegExp][] = [
      [irisGrid(9, { ...SHA, minEpochs: 9 }), /pruning\.minEpochs: 9 is not below the grid's full 9 epochs/],
      [irisGrid(9, { ...SHA, reductionFactor: 1.5 }), /pruning\.reductionFactor: expected a number ≥ 2/],
      [irisGrid(9, { ...SHA, kind: 'asha' as 'hyperband' }), /pruning\.kind: unknown pruning kind "asha"/],
      [
        {
          ...irisGrid(9, SHA),
          override: { training: { epochs: 9 }, dataset: { split: { train: 100, validation: 0, test: 50 } } },
        },
        /pruning\.monitor: valLoss \(validation loss\) needs a validation split/,
      ],
      [
        { ...irisGrid(9, { ...SHA, reductionFactor: 4 }), sample: { count: 3 } },
        /pruning\.reductionFactor: 4 is more than the grid's 3 cells.*sampled/,
      ],
      [
        { ...irisGrid(9, SHA), axes: [...irisGrid(9).axes, { path: 'training.epochs', values: [6, 9] }] },
        /pruning: the cells train for 6, 9 epochs/,
      ],
    ];
    for (const [spec, message] of cases) {
      const out = workbench(['--db', ws.db, 'grid', ws.write('bad.json', spec)]);
      expect(out.status).not.toBe(0);
      expect(out.stderr).toMatch(message);
    }
    expect(JSON.parse(workbench(['--db', ws.db, 'grids', '--json']).stdout)).toEqual([]);
    expect(JSON.parse(workbench(['--db', ws.db, 'runs', '--json']).stdout)).toEqual([]);
  });
});
