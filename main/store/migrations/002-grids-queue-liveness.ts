import type { Migration } from './migration';

/**
 * Hyperparameter grids and the persisted run queue, heartbeats, and early stopping.
 *
 * - `grids` holds a grid as it was defined (its spec, the resolved axes) and whether it still has work.
 *   `grid_cells` holds every cell, expanded and checked before anything was stored: the resolved run config
 *   a cell trains, its axis values, the order it runs in, and the run that is (or was last) its attempt.
 *   A cell is claimed by setting `run_id` in one IMMEDIATE transaction, so two processes resuming the same
 *   grid never train one cell twice; a cell whose attempt was interrupted is claimed again from scratch.
 * - `runs.owner_token` names the process that owns a queued or running run (unique per process start, unlike
 *   a pid, and independent of the host name); `heartbeat_at` is refreshed by that process every few seconds,
 *   so that a run whose owner stopped becomes `interrupted` within a bounded time on any host.
 * - `runs.cancel_requested` lets any process (the CLI, another window) cancel a run another process trains.
 * - `runs.early_stop` records where a live early-stopping rule ended a run, and why.
 */
export const gridsQueueLivenessMigration: Migration = {
  version: 2,
  name: 'grids-queue-liveness',
  up(db) {
    db.exec(`
      CREATE TABLE grids (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        -- The grid spec as the user gave it (base as a preset name, run id or config).
        spec TEXT NOT NULL CHECK (json_valid(spec)),
        -- The resolved axes: [{"path", "values", "scale"}], in the spec's order.
        axes TEXT NOT NULL CHECK (json_valid(axes)),
        status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'cancelled')),
        cells INTEGER NOT NULL CHECK (cells >= 1),
        created_at TEXT NOT NULL,
        finished_at TEXT,
        -- The process driving the grid now (any process may join a resume; see grid_cells).
        owner_token TEXT,
        owner_pid INTEGER,
        owner_host TEXT,
        heartbeat_at TEXT
      ) STRICT;
      CREATE INDEX grids_unfinished ON grids (status) WHERE status = 'running';

      CREATE TABLE grid_cells (
        grid_id TEXT NOT NULL REFERENCES grids (id) ON DELETE CASCADE,
        -- Expansion order (axis combinations in the spec's order, repeats innermost); stable forever.
        idx INTEGER NOT NULL CHECK (idx >= 0),
        -- The axis combination this cell is a repeat of; repeats of one point share it.
        point INTEGER NOT NULL CHECK (point >= 0),
        repeat INTEGER NOT NULL CHECK (repeat >= 0),
        -- Run order: idx for "as listed", a seeded permutation for "shuffled".
        position INTEGER NOT NULL,
        axis_values TEXT NOT NULL CHECK (json_valid(axis_values)),
        config TEXT NOT NULL CHECK (json_valid(config)),
        dataset_fingerprint TEXT NOT NULL,
        run_id TEXT REFERENCES runs (id) ON DELETE SET NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (grid_id, idx)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX grid_cells_by_position ON grid_cells (grid_id, position);
      CREATE INDEX grid_cells_by_run ON grid_cells (run_id);

      ALTER TABLE runs ADD COLUMN grid_id TEXT REFERENCES grids (id) ON DELETE SET NULL;
      ALTER TABLE runs ADD COLUMN grid_cell INTEGER;
      ALTER TABLE runs ADD COLUMN owner_token TEXT;
      ALTER TABLE runs ADD COLUMN heartbeat_at TEXT;
      ALTER TABLE runs ADD COLUMN cancel_requested INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE runs ADD COLUMN early_stop TEXT CHECK (early_stop IS NULL OR json_valid(early_stop));
      CREATE INDEX runs_by_grid ON runs (grid_id, grid_cell);
    `);
  },
};
