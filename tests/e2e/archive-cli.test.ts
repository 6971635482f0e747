import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ApiResponse } from '../../common/api/contract';
import { tempWorkspace, workbench, workbenchJson } from '../support/cli';
import { serveWorkbench } from '../support/serve';

/**
 * Moving results between machines as a user does: a grid and two tagged runs trained for real, exported from
 * one store, inspected and imported into another twice without a duplicate, and looked at read-only.
 */

interface Counts {
  runs: number;
  new: number;
  identical: number;
  conflicting: number;
  grids: number;
  imported?: number;
}

function sha(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

describe('workbench archive', () => {
  it('exports a grid and tagged runs, imports them into a fresh store twice without duplicates, and shows them read-only', async () => {
    const lab = tempWorkspace('workbench-lab-');
    const laptop = tempWorkspace('workbench-laptop-');
    const grid = lab.write('grid.json', {
      name: 'iris sweep',
      base: 'e7-iris-nesterov',
      override: { training: { epochs: 20 } },
      axes: [{ path: 'training.learningRate', values: [0.01, 0.1] }],
    });
    expect(workbench(['--db', lab.db, 'grid', grid]).status).toBe(0);
    for (const seed of ['1', '2']) {
      const run = workbench([
        '--db',
        lab.db,
        'run',
        'e7-iris-gd',
        '--epochs',
        '10',
        '--seed',
        seed,
        '--json',
      ]);
      expect(run.status).toBe(0);
      const { runId } = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { runId: string };
      expect(workbench(['--db', lab.db, 'show', runId]).status).toBe(0);
    }
    const runs = workbenchJson<{ id: string; gridId: string | null }[]>(['--db', lab.db, 'runs']);
    const singles = runs.filter((r) => r.gridId === null).map((r) => r.id);
    const gridId = runs.find((r) => r.gridId)!.gridId!;

    const gridArchive = join(lab.dir, 'grid.wbx');
    const runsArchive = join(lab.dir, 'runs.wbx');
    const exported = workbenchJson<{ runs: number; grids: number }>([
      '--db',
      lab.db,
      'archive',
      'export',
      '--grid',
      gridId.slice(0, 8),
      '--out',
      gridArchive,
    ]);
    expect(exported).toMatchObject({ runs: 2, grids: 1 });
    expect(
      workbenchJson<{ runs: number }>([
        '--db',
        lab.db,
        'archive',
        'export',
        '--runs',
        ...singles,
        '--out',
        runsArchive,
      ]),
    ).toMatchObject({ runs: 2 });
    const archiveBytes = sha(gridArchive);

    const inspected = workbenchJson<Counts>(['--db', laptop.db, 'archive', 'inspect', gridArchive]);
    expect(inspected).toMatchObject({ runs: 2, new: 2, identical: 0, conflicting: 0, grids: 1 });
    // Inspecting stores nothing.
    expect(workbenchJson<unknown[]>(['--db', laptop.db, 'runs'])).toEqual([]);

    for (const file of [gridArchive, runsArchive]) {
      expect(workbenchJson<Counts>(['--db', laptop.db, 'archive', 'import', file])).toMatchObject({
        runs: 2,
        new: 2,
        imported: 2,
      });
    }
    expect(workbenchJson<Counts>(['--db', laptop.db, 'archive', 'import', gridArchive])).toMatchObject({
      runs: 2,
      new: 0,
      identical: 2,
      conflicting: 0,
      grids: 1,
      imported: 0,
    });
    expect(sha(gridArchive)).toBe(archiveBytes);

    const there = workbenchJson<{ id: string }[]>(['--db', laptop.db, 'runs'])
      .map((r) => r.id)
      .sort();
    expect(there).toEqual(runs.map((r) => r.id).sort());
    // Same curves, same grid view on both sides.
    for (const id of there) {
      const a = workbenchJson<{ epochs: unknown[] }>(['--db', lab.db, 'show', id]);
      const b = workbenchJson<{ epochs: unknown[] }>(['--db', laptop.db, 'show', id]);
      expect(b.epochs).toEqual(a.epochs);
    }
    const gridHere = workbenchJson<{ cells: unknown[] }>(['--db', lab.db, 'grid', 'show', gridId]);
    const gridThere = workbenchJson<{ cells: unknown[] }>(['--db', laptop.db, 'grid', 'show', gridId]);
    expect(gridThere.cells).toEqual(gridHere.cells);

    // A read-only look at the archive itself: the usual API, nothing changes.
    const served = await serveWorkbench(gridArchive, ['--read-only']);
    try {
      const call = async (method: string, params: unknown) => {
        const response = await fetch(`${served.origin}/api/${method}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-workbench-token': served.token },
          body: JSON.stringify(params),
        });
        return { status: response.status, body: (await response.json()) as ApiResponse };
      };
      const info = await call('app.info', {});
      expect(info.body).toMatchObject({ ok: true, result: { readOnly: true } });
      const listed = await call('runs.list', {});
      expect(listed.body.ok && (listed.body.result as unknown[]).length).toBe(2);
      const refused = await call('runs.delete', { runIds: [there[0]] });
      expect(refused.status).toBe(409);
      expect(refused.body).toMatchObject({
        ok: false,
        error: { code: 'conflict', message: expect.stringContaining('read-only') },
      });
      expect((await call('grids.start', { spec: { name: 'x' } })).status).toBe(409);
    } finally {
      await served.stop();
    }
    expect(sha(gridArchive)).toBe(archiveBytes);
  });

  it('refuses bad input with one line and changes nothing', () => {
    const ws = tempWorkspace();
    const notArchive = join(ws.dir, 'notes.txt');
    writeFileSync(notArchive, 'not an archive at all, just text '.repeat(100));
    const inspect = workbench(['--db', ws.db, 'archive', 'import', notArchive]);
    expect(inspect.status).toBe(1);
    expect(inspect.stderr.trim()).toBe(
      `workbench: ${notArchive}: not an Experiment Workbench archive (not an SQLite database file)`,
    );
    const both = workbench([
      '--db',
      ws.db,
      'archive',
      'export',
      '--all',
      '--tag',
      'x',
      '--out',
      join(ws.dir, 'a.wbx'),
    ]);
    expect(both.stderr).toMatch(
      /choose exactly one of --runs ID\.\.\., --grid ID, --tag T, --all \(got --tag, --all\)/,
    );
    const empty = workbench(['--db', ws.db, 'archive', 'export', '--all', '--out', join(ws.dir, 'a.wbx')]);
    expect(empty.stderr).toMatch(/nothing to export: --all selects no runs/);
    const conflict = workbench(['--db', ws.db, 'archive', 'import', notArchive, '--on-conflict', 'merge']);
    expect(conflict.stderr).toMatch(/--on-conflict: expected skip or replace \(got "merge"\)/);
    expect(workbenchJson<unknown[]>(['--db', ws.db, 'runs'])).toEqual([]);
  });
});
