import type { Migration } from './migration';

/**
 * Evaluation points inside an epoch (with their layer statistics) (`training.evaluateEvery`, common/metrics/eval-points.ts) and each
 * run's schedule: how many training examples and steps make its epoch, which puts any run's curves on a
 * step or examples axis. A point on an epoch's end is that epoch's row and is not stored here.
 */
export const evalPointsMigration: Migration = {
  version: 6,
  name: 'eval-points',
  up(db) {
    db.exec(`
      CREATE TABLE run_schedules (
        run_id TEXT PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
        train_examples INTEGER NOT NULL CHECK (train_examples >= 1),
        steps_per_epoch INTEGER NOT NULL CHECK (steps_per_epoch >= 1),
        evaluate_every TEXT CHECK (evaluate_every IS NULL OR json_valid(evaluate_every))
      ) STRICT;
      CREATE TABLE eval_points (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        step INTEGER NOT NULL CHECK (step >= 1),
        examples INTEGER NOT NULL CHECK (examples >= 1),
        epoch REAL NOT NULL CHECK (epoch > 0),
        train_loss REAL NOT NULL,
        train_acc REAL NOT NULL,
        val_loss REAL,
        val_acc REAL,
        test_loss REAL,
        test_acc REAL,
        lr REAL NOT NULL,
        seconds REAL NOT NULL,
        PRIMARY KEY (run_id, step)
      ) STRICT, WITHOUT ROWID;
      -- Layer statistics at the points, as layer_stats has them at epoch ends; written with their point.
      CREATE TABLE point_layer_stats (
        run_id TEXT NOT NULL,
        step INTEGER NOT NULL CHECK (step >= 1),
        epoch REAL NOT NULL CHECK (epoch > 0),
        layer INTEGER NOT NULL CHECK (layer >= 0),
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('dense', 'conv2d')),
        params INTEGER NOT NULL CHECK (params > 0),
        activation TEXT,
        probe_examples INTEGER NOT NULL CHECK (probe_examples > 0),
        weight_norm REAL NOT NULL,
        grad_norm REAL,
        update_ratio REAL,
        dead_fraction REAL CHECK (dead_fraction IS NULL OR (dead_fraction >= 0 AND dead_fraction <= 1)),
        histogram TEXT NOT NULL CHECK (json_valid(histogram)),
        percentiles TEXT NOT NULL CHECK (json_valid(percentiles)),
        PRIMARY KEY (run_id, step, layer),
        FOREIGN KEY (run_id, step) REFERENCES eval_points (run_id, step) ON DELETE CASCADE
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
