import Database from 'better-sqlite3';
import { parse as parseCsv } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { spawnWorkbench, tempWorkspace, workbench, workbenchAsync } from '../support/cli';

/**
 * `workbench grid` as a user and a script use it: real Iris and MNIST training through the CLI, a kill -9 in
 * the middle of a grid and its resume, and two resumers racing for the same cells, all on real SQLite files.
 */

interface CellLine {
  gridId: string;
  index: number;
  values: Record<string, unknown>;
  runId: string;
  status: string;
  bestEpoch: number | null;
  valLoss: number | null;
  valAcc: number | null;
  testAcc: number | null;
}

function irisGrid(epochs: number, extra: object = {}) {
  return {
    name: 'iris lr × hidden',
    base: 'e7-iris-nesterov',
    override: { training: { epochs } },
    axes: [
      { path: 'training.learningRate', values: [0.01, 0.05, 0.1] },
      { path: 'model.hiddenUnits', values: [[4], [16]] },
    ],
    ...extra,
  };
}

function jsonLines(stdout: string): unknown[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as unknown);
}

/** Every cell of the grid with its current run and how many attempts it took, straight from the file. */
function cellRows(db: string, gridId: string) {
  const conn = new Database(db, { readonly: true });
  try {
    return conn
      .prepare(
        `SELECT c.idx, c.attempts, c.run_id, r.status FROM grid_cells c LEFT JOIN runs r ON r.id = c.run_id
         WHERE c.grid_id = ? ORDER BY c.idx`,
      )
      .all(gridId) as { idx: number; attempts: number; run_id: string | null; status: string | null }[];
  } finally {
    conn.close();
  }
}

function gridRuns(db: string, gridId: string) {
  const conn = new Database(db, { readonly: true });
  try {
    return conn
      .prepare(
        `SELECT r.id, r.grid_cell AS cell, r.status, (SELECT COUNT(*) FROM epoch_metrics e WHERE e.run_id = r.id) AS epochs
         FROM runs r WHERE r.grid_id = ?`,
      )
      .all(gridId) as { id: string; cell: number; status: string; epochs: number }[];
  } finally {
    conn.close();
  }
}

function epochRows(db: string, runId: string) {
  const conn = new Database(db, { readonly: true });
  try {
    return conn
      .prepare(
        `SELECT epoch, train_loss, train_acc, val_loss, val_acc, test_loss, test_acc, lr, seconds
         FROM epoch_metrics WHERE run_id = ? ORDER BY epoch`,
      )
      .all(runId) as { epoch: number; seconds: number }[];
  } finally {
    conn.close();
  }
}

function withoutSeconds(rows: { seconds: number }[]) {
  return rows.map(({ seconds: _s, ...rest }) => rest);
}

function cellConfig(db: string, gridId: string, cell: number): unknown {
  const conn = new Database(db, { readonly: true });
  try {
    const row = conn
      .prepare(`SELECT config FROM grid_cells WHERE grid_id = ? AND idx = ?`)
      .get(gridId, cell) as {
      config: string;
    };
    return JSON.parse(row.config);
  } finally {
    conn.close();
  }
}

describe('workbench grid', () => {
  it('runs a 2 × 3 Iris grid on both workers, one JSON line per finished cell, then reads it back', () => {
    const ws = tempWorkspace();
    const file = ws.write('grid.json', irisGrid(25));
    const result = workbench(['--db', ws.db, 'grid', file, '--json']);
    expect(result.stderr).not.toMatch(/Error/);
    expect(result.status).toBe(0);
    const lines = jsonLines(result.stdout);
    const cells = lines.slice(0, -1) as CellLine[];
    const last = lines.at(-1) as { gridId: string; status: string };
    expect(last).toMatchObject({ status: 'completed' });
    expect(cells).toHaveLength(6);
    expect(cells.map((c) => c.index).sort()).toEqual([0, 1, 2, 3, 4, 5]);
    for (const cell of cells) {
      expect(cell).toMatchObject({ gridId: last.gridId, status: 'completed' });
      // No validation split: ranked by training loss at its best epoch, with test accuracy there.
      expect(cell.bestEpoch).toBeGreaterThanOrEqual(1);
      expect(cell.testAcc).toBeGreaterThanOrEqual(0);
    }

    const show = JSON.parse(
      workbench(['--db', ws.db, 'grid', 'show', last.gridId.slice(0, 8), '--json']).stdout,
    ) as {
      gridId: string;
      status: string;
      monitor: string;
      cells: (CellLine & { final: { trainLoss: number } })[];
    };
    expect(show).toMatchObject({ gridId: last.gridId, status: 'completed', monitor: 'trainLoss' });
    expect(show.cells.map((c) => c.values)).toEqual([
      { 'training.learningRate': 0.01, 'model.hiddenUnits': [4] },
      { 'training.learningRate': 0.01, 'model.hiddenUnits': [16] },
      { 'training.learningRate': 0.05, 'model.hiddenUnits': [4] },
      { 'training.learningRate': 0.05, 'model.hiddenUnits': [16] },
      { 'training.learningRate': 0.1, 'model.hiddenUnits': [4] },
      { 'training.learningRate': 0.1, 'model.hiddenUnits': [16] },
    ]);
    // The grid's runs are ordinary runs, named by what differs, each with its 25 epochs.
    const runs = JSON.parse(workbench(['--db', ws.db, 'runs', '--json']).stdout) as {
      id: string;
      name: string;
      epochs: number;
      gridId: string;
    }[];
    expect(runs).toHaveLength(6);
    expect(runs.map((r) => r.name).sort()).toContain('iris lr × hidden · lr=0.05 · hidden=16');
    expect(runs.every((r) => r.epochs === 25 && r.gridId === last.gridId)).toBe(true);
    // Best, not last: a cell's best epoch has the lowest training loss of its run.
    for (const cell of show.cells) {
      const epochs = (
        JSON.parse(workbench(['--db', ws.db, 'show', cell.runId, '--json']).stdout) as {
          epochs: { trainLoss: number }[];
        }
      ).epochs;
      const min = Math.min(...epochs.map((e) => e.trainLoss));
      expect(epochs[cell.bestEpoch! - 1].trainLoss).toBe(min);
    }

    const csv = parseCsv(workbench(['--db', ws.db, 'grid', 'show', last.gridId, '--csv']).stdout, {
      columns: true,
    }) as Record<string, string>[];
    expect(csv).toHaveLength(6);
    expect(Object.keys(csv[0])).toEqual(
      expect.arrayContaining([
        'cell',
        'training.learningRate',
        'model.hiddenUnits',
        'best_epoch',
        'test_acc_at_best',
        'final_train_loss',
      ]),
    );
    expect(csv[3]['model.hiddenUnits']).toBe('[16]');

    const grids = JSON.parse(workbench(['--db', ws.db, 'grids', '--json']).stdout) as {
      id: string;
      counts: { completed: number };
    }[];
    expect(grids).toEqual([
      expect.objectContaining({
        id: last.gridId,
        cells: 6,
        counts: expect.objectContaining({ completed: 6 }),
      }),
    ]);
  });

  it('runs a small MNIST grid with repeats, names the seeds, and ranks by validation loss', () => {
    const ws = tempWorkspace();
    const file = ws.write('mnist.json', {
      name: 'mnist hidden',
      base: 'e3-mlp-hidden-100',
      override: {
        dataset: { split: { train: 500, validation: 200, test: 200 } },
        training: { epochs: 2, learningRate: 0.0005 },
      },
      axes: [{ path: 'model.hiddenUnits', values: [[16], [64]] }],
      repeats: 2,
    });
    const result = workbench(['--db', ws.db, 'grid', file, '--json']);
    expect(result.status).toBe(0);
    const cells = jsonLines(result.stdout).slice(0, -1) as (CellLine & { seed: number; repeat: number })[];
    expect(cells).toHaveLength(4);
    expect(cells.map((c) => [c.values['model.hiddenUnits'], c.seed]).sort()).toEqual([
      [[16], 1],
      [[16], 2],
      [[64], 1],
      [[64], 2],
    ]);
    for (const c of cells) expect(c.valLoss).toBeGreaterThan(0);
    const show = JSON.parse(workbench(['--db', ws.db, 'grid', 'show', cells[0].gridId, '--json']).stdout) as {
      monitor: string;
    };
    expect(show.monitor).toBe('valLoss');
  });

  it('refuses a grid with a bad cell, naming the cell by its values and the field, and stores nothing', () => {
    const ws = tempWorkspace();
    const file = ws.write('bad.json', {
      name: 'bad',
      base: 'e7-iris-gd',
      axes: [{ path: 'training.learningRate', values: [0.1, -1] }],
    });
    const result = workbench(['--db', ws.db, 'grid', file]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(
      'bad.json: grid refused: cells.1: cell 1 (lr=-1): training.learningRate: expected a number > 0',
    );
    expect(JSON.parse(workbench(['--db', ws.db, 'grids', '--json']).stdout)).toEqual([]);
    expect(JSON.parse(workbench(['--db', ws.db, 'runs', '--json']).stdout)).toEqual([]);

    const split = ws.write('split.json', {
      name: 'too big a split',
      base: 'e7-iris-gd',
      axes: [{ path: 'dataset.split.train', values: [100, 1000] }],
    });
    const tooBig = workbench(['--db', ws.db, 'grid', split]);
    expect(tooBig.status).toBe(1);
    expect(tooBig.stderr).toMatch(/cell 1 \(train=1000\): dataset\.split: /);

    const huge = ws.write('huge.json', {
      name: 'huge',
      base: 'e7-iris-gd',
      axes: [
        { path: 'training.learningRate', range: { min: 0.001, max: 1, count: 200, scale: 'log' } },
        { path: 'seed', range: { min: 0, max: 199, count: 200, integer: true } },
      ],
    });
    const absurd = workbench(['--db', ws.db, 'grid', huge]);
    expect(absurd.status).toBe(1);
    expect(absurd.stderr).toMatch(/the grid has 40,000 cells \(200 × 200\); at most 10,000 are allowed/);

    const unknownBase = workbench([
      '--db',
      ws.db,
      'grid',
      ws.write('base.json', { ...irisGrid(2), base: 'nope' }),
    ]);
    expect(unknownBase.stderr).toMatch(/base: "nope" is neither a preset/);
    const noFile = workbench(['--db', ws.db, 'grid', 'no-such-grid.json']);
    expect(noFile.stderr).toMatch(
      /no such file, and no grid preset of that name \(grid presets: e3-grid-hidden/,
    );
    expect(JSON.parse(workbench(['--db', ws.db, 'runs', '--json']).stdout)).toEqual([]);
  });

  it('survives kill -9 mid-grid: resume continues each interrupted cell from its checkpoint, every epoch trained once', async () => {
    const ws = tempWorkspace();
    const file = ws.write('grid.json', irisGrid(600));
    const first = spawnWorkbench(['--db', ws.db, 'grid', file, '--json', '--workers', '2']);
    // Two cells finished (each line is a finished cell), and a started one has logged an epoch: kill the process
    // with the next two mid-training. Waits for that epoch rather than assume it: on a busy machine the kill
    // could otherwise land before any started cell has a checkpoint to continue from.
    const finishedLines = await first.waitForLines(2);
    const gridOf = (JSON.parse(finishedLines[0]) as CellLine).gridId;
    await expect
      .poll(() => gridRuns(ws.db, gridOf).some((r) => r.status === 'running' && r.epochs > 0), {
        timeout: 60_000,
        interval: 50,
      })
      .toBe(true);
    first.child.kill('SIGKILL');
    await first.exited;
    const before = finishedLines.map((l) => JSON.parse(l) as CellLine);
    const gridId = before[0].gridId;
    const finishedRuns = new Map(before.map((c) => [c.index, c.runId]));
    const partial = gridRuns(ws.db, gridId).filter((r) => r.status === 'running' || r.status === 'queued');
    expect(partial.length).toBeGreaterThanOrEqual(1);
    const epochsBefore = new Map(partial.map((p) => [p.id, epochRows(ws.db, p.id)]));

    const resumed = await workbenchAsync(['--db', ws.db, 'grid', 'resume', gridId.slice(0, 8), '--json']);
    expect(resumed.status).toBe(0);
    expect(jsonLines(resumed.stdout).at(-1)).toMatchObject({ gridId, status: 'completed' });

    const cells = cellRows(ws.db, gridId);
    expect(cells.map((c) => c.status)).toEqual(Array(6).fill('completed'));
    for (const [index, runId] of finishedRuns) {
      // A finished cell is never re-run: same run, one attempt.
      expect(cells[index]).toMatchObject({ run_id: runId, attempts: 1 });
    }
    const runs = gridRuns(ws.db, gridId);
    for (const cell of cells) {
      expect(runs.filter((r) => r.cell === cell.idx && r.status === 'completed')).toHaveLength(1);
      expect(runs.find((r) => r.id === cell.run_id)?.epochs).toBe(600);
    }
    let continued = 0;
    for (const p of partial) {
      const kept = epochsBefore.get(p.id)!;
      if (kept.length === 0) continue; // killed before its first epoch: no checkpoint, a fresh attempt
      continued += 1;
      // The same run went on: one attempt, its epochs before the kill unchanged, 1…600 each once.
      expect(cells[p.cell]).toMatchObject({ run_id: p.id, attempts: 1 });
      const after = epochRows(ws.db, p.id);
      expect(after.map((e) => e.epoch)).toEqual(Array.from({ length: 600 }, (_, i) => i + 1));
      expect(after.slice(0, kept.length)).toEqual(kept);
    }
    expect(continued).toBeGreaterThanOrEqual(1);
    // And the curves equal an uninterrupted training of the same cell's config.
    const sample = partial.find((p) => epochsBefore.get(p.id)!.length > 0)!;
    const twin = workbench([
      '--db',
      ws.db,
      'run',
      ws.write('twin.json', cellConfig(ws.db, gridId, sample.cell)),
      '--json',
    ]);
    expect(twin.status).toBe(0);
    const twinId = (jsonLines(twin.stdout).at(-1) as { runId: string }).runId;
    expect(withoutSeconds(epochRows(ws.db, sample.id))).toEqual(withoutSeconds(epochRows(ws.db, twinId)));
    expect(runs).toHaveLength(6 + partial.filter((p) => epochsBefore.get(p.id)!.length === 0).length);
  });

  it('two processes resuming the same grid at once never train a cell twice', async () => {
    const ws = tempWorkspace();
    const file = ws.write(
      'grid.json',
      irisGrid(1500, { axes: [...irisGrid(0).axes, { path: 'seed', values: [1, 2] }] }),
    );
    // Start the grid and kill it early: most of its twelve cells left, two of them interrupted.
    const first = spawnWorkbench(['--db', ws.db, 'grid', file, '--workers', '2']);
    await first.waitForLines(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    first.child.kill('SIGKILL');
    await first.exited;
    const gridId = (JSON.parse(workbench(['--db', ws.db, 'grids', '--json']).stdout) as { id: string }[])[0]
      .id;
    const doneBefore = cellRows(ws.db, gridId).filter((c) => c.status === 'completed');

    const [a, b] = await Promise.all([
      workbenchAsync(['--db', ws.db, 'grid', 'resume', gridId, '--json', '--workers', '1']),
      workbenchAsync(['--db', ws.db, 'grid', 'resume', gridId, '--json', '--workers', '1']),
    ]);
    expect([a.status, b.status]).toEqual([0, 0]);
    const trainedByA = (jsonLines(a.stdout).slice(0, -1) as CellLine[]).map((c) => c.runId);
    const trainedByB = (jsonLines(b.stdout).slice(0, -1) as CellLine[]).map((c) => c.runId);
    const cells = cellRows(ws.db, gridId);
    expect(cells.map((c) => c.status)).toEqual(Array(12).fill('completed'));
    const runs = gridRuns(ws.db, gridId);
    for (const cell of cells) {
      expect(runs.filter((r) => r.cell === cell.idx && r.status === 'completed')).toHaveLength(1);
    }
    // Between them they trained exactly the cells that were left, each once, and both took part.
    const left = cells.filter((c) => !doneBefore.some((d) => d.idx === c.idx)).map((c) => c.run_id);
    expect([...trainedByA, ...trainedByB].sort()).toEqual([...left].sort());
    expect(trainedByA.filter((id) => trainedByB.includes(id))).toEqual([]);
    expect(trainedByA.length).toBeGreaterThan(0);
    expect(trainedByB.length).toBeGreaterThan(0);
  });
});
