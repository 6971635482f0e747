import { mkdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempWorkspace, workbench, type CliResult } from '../support/cli';

/**
 * A Slurm job folder written where no Slurm is (a laptop that cannot reach the cluster): nothing is submitted,
 * the folder carries the imported dataset its cells train on, its tasks run by hand as Slurm would run them,
 * and collect, resubmit --failed and a retried task bring every cell home, all without any Slurm command.
 */

/** A small 3-class CSV: 60 rows of 4 features, each class around its own value. */
function miniCsv(): string {
  let seed = 1;
  const next = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const rows = ['a,b,c,d,label'];
  for (let i = 0; i < 60; i++) {
    const k = i % 3;
    rows.push(
      [0, 1, 2, 3]
        .map(() => (k + next()).toFixed(3))
        .concat(String(k))
        .join(','),
    );
  }
  return rows.join('\n') + '\n';
}

describe('a Slurm job folder without Slurm', () => {
  it('is written for another machine, its tasks train by hand, and collect and resubmit --failed bring it home', () => {
    const ws = tempWorkspace('workbench-slurm-folder-');
    // No sbatch, sacct or scontrol on this PATH (node runs by its full path).
    const noSlurm = join(ws.dir, 'empty-path');
    mkdirSync(noSlurm);
    const wb = (args: string[], env: NodeJS.ProcessEnv = {}): CliResult =>
      workbench(['--db', ws.db, ...args], { env: { PATH: noSlurm, ...env } });
    expect(
      wb(['import', ws.write('mini.csv', miniCsv()), '--name', 'mini', '--label-column', 'label']).status,
    ).toBe(0);
    const spec = ws.write('grid.json', {
      name: 'mini on a laptop',
      base: 'e7-iris-nesterov',
      override: {
        dataset: { id: 'mini', split: { train: 40, validation: 0, test: 20 } },
        training: { epochs: 5 },
      },
      axes: [{ path: 'training.learningRate', values: [0.05, 0.2] }],
    });
    const jobDir = join(ws.dir, 'for the cluster');

    const text = wb(['grid', spec, '--slurm', '--out', jobDir]);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(
      "sbatch is not on this machine's PATH: copy the folder to the cluster and submit it there",
    );
    expect(text.stdout).toContain(`submit:  sbatch '${jobDir}/job.sh'`);
    const grids = JSON.parse(wb(['grids', '--json']).stdout) as { id: string; status: string }[];
    expect(grids).toHaveLength(1);
    const gridId = grids[0].id;
    expect(text.stdout).toContain(`grid ${gridId} (mini on a laptop): 2 cells, job folder ${jobDir}`);
    const manifest = JSON.parse(readFileSync(join(jobDir, 'grid.json'), 'utf8')) as {
      gridId: string;
      datasets: string[];
      cells: unknown[];
    };
    expect(manifest).toMatchObject({ gridId, datasets: ['mini'] });
    expect(manifest.cells).toHaveLength(2);
    // Not yet submitted anywhere: collect says so and changes nothing.
    const before = JSON.parse(wb(['grid', 'collect', jobDir, '--json']).stdout) as {
      counts: Record<string, number>;
    };
    expect(before.counts['never-ran']).toBe(2);
    expect(wb(['grid', 'resubmit', jobDir]).stdout).toContain(
      `on the cluster, submit cell(s) 0, 1 with:\n  sbatch --array=0-1 '${jobDir}/job.sh'`,
    );

    // A task whose node lacks the folder's dataset file fails; the other trains on the dataset it carries.
    const datasets = join(jobDir, 'datasets.db');
    renameSync(datasets, `${datasets}.away`);
    const failed = wb(['grid', 'task', jobDir, '--cell', '0']);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toMatch(/datasets\.db is missing: the imported dataset\(s\) mini cannot be loaded/);
    expect(failed.stdout).toMatch(/cell 0: failed: unknown dataset "mini"/);
    renameSync(`${datasets}.away`, datasets);
    const trained = wb(['grid', 'task', jobDir], { SLURM_ARRAY_TASK_ID: '1' });
    expect(trained.status).toBe(0);
    expect(trained.stdout).toMatch(/epoch 5\/5 .*\ncell 1: completed/);

    const collected = JSON.parse(wb(['grid', 'collect', jobDir, '--json']).stdout) as {
      imported: number;
      slurm: { reachable: boolean };
      cells: { status: string; error: string | null; epochs: number }[];
    };
    expect(collected.imported).toBe(2);
    expect(collected.slurm.reachable).toBe(false);
    expect(collected.cells.map((c) => c.status)).toEqual(['failed', 'completed']);
    expect(collected.cells[0].error).toMatch(/unknown dataset "mini"/);

    // A failed cell is final, as in a local grid, unless resubmitted with --failed.
    expect(wb(['grid', 'resubmit', jobDir]).stdout).toContain('nothing to resubmit');
    const retry = JSON.parse(wb(['grid', 'resubmit', jobDir, '--failed', '--json']).stdout) as {
      cells: number[];
      command: string;
    };
    expect(retry).toMatchObject({
      cells: [0],
      command: `sbatch --array=0 --export=ALL,WORKBENCH_SLURM_RETRY_FAILED=1 '${jobDir}/job.sh'`,
    });
    const again = wb(['grid', 'task', jobDir, '--cell', '0']);
    expect(again.status).toBe(1);
    expect(again.stdout).toMatch(/cell 0: already failed .*: nothing to train/);
    expect(wb(['grid', 'task', jobDir, '--cell', '0'], { WORKBENCH_SLURM_RETRY_FAILED: '1' }).status).toBe(0);

    const done = JSON.parse(wb(['grid', 'collect', jobDir, '--json']).stdout) as {
      status: string;
      imported: number;
      cells: { status: string; epochs: number }[];
    };
    expect(done).toMatchObject({ status: 'completed', imported: 1 });
    expect(done.cells.map((c) => [c.status, c.epochs])).toEqual([
      ['completed', 5],
      ['completed', 5],
    ]);
    // The failed attempt stays as the cell's history; the grid shows the completed one.
    const conn = new Database(ws.db, { readonly: true });
    try {
      const runs = conn
        .prepare(
          'SELECT grid_cell AS cell, status FROM runs WHERE grid_id = ? ORDER BY grid_cell, created_at',
        )
        .all(gridId);
      expect(runs).toEqual([
        { cell: 0, status: 'failed' },
        { cell: 0, status: 'completed' },
        { cell: 1, status: 'completed' },
      ]);
    } finally {
      conn.close();
    }
  });
});
