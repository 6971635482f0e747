import type { Migration } from './migration';

/**
 * Grids that run somewhere else: a grid handed to a Slurm cluster as an array job is stored here like any
 * grid (so `grid show` and the grid view list it), but no local process may claim its cells.
 *
 * - `grids.runner` says who trains the cells: `local` (this store's run queue) or `slurm` (array tasks, each
 *   into its own store file, merged back by `workbench grid collect`). The app, `serve` and `grid resume`
 *   never resume a `slurm` grid.
 * - `grids.slurm_job_id` is the job id of the latest submission (null until submitted); `grids.job_dir` the
 *   job folder the grid was written to.
 */
export const gridRunnerMigration: Migration = {
  version: 3,
  name: 'grid-runner',
  up(db) {
    db.exec(`
      ALTER TABLE grids ADD COLUMN runner TEXT NOT NULL DEFAULT 'local' CHECK (runner IN ('local', 'slurm'));
      ALTER TABLE grids ADD COLUMN slurm_job_id TEXT;
      ALTER TABLE grids ADD COLUMN job_dir TEXT;
    `);
  },
};
