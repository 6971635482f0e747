import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempWorkspace } from '../../tests/support/cli';
import { openDatabase } from './database';
import type { NewGrid } from './grids';
import { MIGRATIONS } from './migrations';
import { RunStore } from './run-store';
import { CPU_BACKEND, makeEpoch, makeRunConfig } from './testing/fixtures';

/** Grids a Slurm array trains: stored like any grid, with what only they need, on a real SQLite file. */

const OWNER = { pid: process.pid, host: 'laptop', token: 'tok' };

function twoCells(): NewGrid {
  return {
    name: 'E5 L2',
    spec: { name: 'E5 L2', base: 'e5', axes: [{ path: 'regularization.l2', values: [0.01, 0.1] }] },
    axes: [{ path: 'regularization.l2', label: 'λ', values: [0.01, 0.1], scale: 'linear' }],
    cells: [0.01, 0.1].map((l2, i) => ({
      index: i,
      point: i,
      repeat: 0,
      position: i,
      values: { 'regularization.l2': l2 },
      config: makeRunConfig({ name: `E5 L2 · λ=${l2}`, regularization: { l2 } }),
      datasetFingerprint: 'fp-mnist',
    })),
  };
}

/** Claims the grid's next cell and ends its run as `status`, with a few epochs. */
function attempt(store: RunStore, gridId: string, status: 'completed' | 'failed' | 'interrupted'): string {
  const cell = store.grids.claimNextCell(gridId, OWNER, '0.1.0')!;
  store.startRun(cell.runId, { backend: CPU_BACKEND, pid: process.pid, host: 'node7' });
  for (let e = 1; e <= 3; e++) store.appendEpoch(cell.runId, makeEpoch(e));
  store.finishRun(cell.runId, status, status === 'completed' ? undefined : `${status} on node7`);
  return cell.runId;
}

describe('Slurm grids in the store', () => {
  it('upgrades a store of schema 2: its grids stay local, new columns empty', () => {
    const ws = tempWorkspace();
    const old = openDatabase(ws.db, MIGRATIONS.slice(0, 2));
    old
      .prepare(
        `INSERT INTO grids (id, name, spec, axes, status, cells, created_at) VALUES ('g1', 'old', '{}', '[]', 'completed', 1, 'now')`,
      )
      .run();
    old.close();
    const store = RunStore.open(ws.db);
    try {
      expect(store.grids.getGrid('g1')).toMatchObject({ runner: 'local', slurmJobId: null, jobDir: null });
    } finally {
      store.close();
    }
    const raw = new Database(ws.db);
    try {
      expect(() => raw.prepare(`UPDATE grids SET runner = 'cloud' WHERE id = 'g1'`).run()).toThrow(
        /CHECK constraint/,
      );
    } finally {
      raw.close();
    }
  });

  it('keeps the id and runner it is given, records its job and reopens', () => {
    const store = RunStore.open(':memory:');
    try {
      const id = store.grids.createGrid(twoCells(), OWNER, {
        id: '11111111-2222-4333-8444-555555555555',
        runner: 'slurm',
        jobDir: '/jobs/e5',
      });
      expect(id).toBe('11111111-2222-4333-8444-555555555555');
      store.grids.setSlurmJob(id, '4711');
      expect(store.grids.getGrid(id)).toMatchObject({
        runner: 'slurm',
        slurmJobId: '4711',
        jobDir: '/jobs/e5',
        status: 'running',
        // Never a heartbeat: no process here drives it, not even the one that wrote it.
        owner: { pid: process.pid, host: 'laptop', token: 'tok', heartbeatAt: null },
      });
      store.heartbeat('tok');
      expect(store.grids.getGrid(id)?.owner?.heartbeatAt).toBeNull();
      // A local grid's owner is alive from the start.
      expect(
        store.grids.getGrid(store.grids.createGrid(twoCells(), OWNER))?.owner?.heartbeatAt,
      ).not.toBeNull();
      store.grids.setCancelled(id);
      store.grids.reopen(id);
      expect(store.grids.getGrid(id)).toMatchObject({ status: 'running', finishedAt: null });
      expect(() => store.grids.createGrid(twoCells(), OWNER, { id })).toThrow(/UNIQUE/);
    } finally {
      store.close();
    }
  });

  it('a later attempt of a cell supersedes a failed one, never a completed one nor another cell', () => {
    const store = RunStore.open(':memory:');
    try {
      const gridId = store.grids.createGrid(twoCells(), OWNER);
      const failed = attempt(store, gridId, 'failed');
      const other = attempt(store, gridId, 'completed');
      // A failed cell is final: nothing is left to claim until it is released.
      expect(store.grids.claimNextCell(gridId, OWNER, '0.1.0')).toBeNull();
      expect(store.grids.releaseFailedCell(gridId, 1)).toBe(false);
      expect(store.grids.releaseFailedCell(gridId, 0)).toBe(true);
      const retried = attempt(store, gridId, 'completed');
      expect(store.grids.cells(gridId).map((c) => [c.runId, c.status, c.attempts])).toEqual([
        [retried, 'completed', 2],
        [other, 'completed', 1],
      ]);
      // Pointing back at the failed attempt, or at another cell's run, changes nothing.
      expect(store.grids.adoptCellRun(gridId, 0, failed, 1)).toBe(false);
      expect(store.grids.adoptCellRun(gridId, 1, retried, 1)).toBe(false);
      expect(store.getRun(failed)?.status).toBe('failed');
    } finally {
      store.close();
    }
  });

  it('adopts a merged attempt over a failed cell, keeping the larger attempt count', () => {
    const store = RunStore.open(':memory:');
    try {
      const gridId = store.grids.createGrid(twoCells(), OWNER);
      const failed = attempt(store, gridId, 'failed');
      // An attempt that trained elsewhere (a resubmitted task's store, merged in): the cell's run, not yet its current one.
      const elsewhere = store.createRun({
        config: twoCells().cells[0].config,
        datasetFingerprint: 'fp-mnist',
        appVersion: '0.1.0',
        owner: OWNER,
        grid: { gridId, cell: 0 },
      });
      store.startRun(elsewhere.id, { backend: CPU_BACKEND, pid: 1, host: 'node9' });
      store.finishRun(elsewhere.id, 'completed');
      expect(store.grids.adoptCellRun(gridId, 0, elsewhere.id, 3)).toBe(true);
      expect(store.grids.cells(gridId)[0]).toMatchObject({
        runId: elsewhere.id,
        status: 'completed',
        attempts: 3,
      });
      expect(store.grids.adoptCellRun(gridId, 0, failed, 1)).toBe(false);
    } finally {
      store.close();
    }
  });
});
