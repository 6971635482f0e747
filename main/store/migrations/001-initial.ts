import type { Migration } from './migration';

/**
 * The first schema, after MLflow's data model: experiments own runs; a run has flattened params,
 * one row per logged epoch and per-metric summaries kept up to date as epochs arrive.
 *
 * STRICT tables so that a bad bind (a string where a number belongs) fails instead of being stored.
 * Timestamps are ISO-8601 UTC text. JSON columns are checked with json_valid.
 */
export const initialMigration: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE experiments (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL
      ) STRICT;

      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        experiment_id INTEGER NOT NULL REFERENCES experiments (id),
        name TEXT NOT NULL,
        status TEXT NOT NULL
          CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled', 'diverged', 'interrupted')),
        config TEXT NOT NULL CHECK (json_valid(config)),
        seed INTEGER NOT NULL,
        dataset_id TEXT NOT NULL,
        dataset_fingerprint TEXT NOT NULL,
        backend TEXT,
        backend_report TEXT CHECK (backend_report IS NULL OR json_valid(backend_report)),
        app_version TEXT NOT NULL,
        error TEXT,
        created_at TEXT NOT NULL,
        started_at TEXT,
        finished_at TEXT,
        epochs_planned INTEGER,
        owner_pid INTEGER,
        owner_host TEXT,
        tags TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(tags))
      ) STRICT;
      CREATE INDEX runs_by_created_at ON runs (created_at);
      CREATE INDEX runs_by_experiment ON runs (experiment_id, created_at);
      CREATE INDEX runs_by_dataset ON runs (dataset_id);
      -- Orphan recovery runs at every start; it only ever looks at unfinished runs.
      CREATE INDEX runs_unfinished ON runs (status) WHERE status IN ('queued', 'running');

      CREATE TABLE params (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        key TEXT NOT NULL,
        value_text TEXT NOT NULL,
        value_num REAL,
        PRIMARY KEY (run_id, key)
      ) STRICT, WITHOUT ROWID;
      -- "Which runs had key K with value in a range" across all runs.
      CREATE INDEX params_by_key_num ON params (key, value_num);
      CREATE INDEX params_by_key_text ON params (key, value_text);

      -- elapsed_seconds: wall-clock time from the run's started_at to the commit of this epoch, so that
      -- curves can be plotted against time including evaluation and logging, not just training steps.
      -- SQLite stores NaN as NULL, so train_loss / train_acc are nullable: NULL there reads back as NaN
      -- (a diverged epoch). In the val/test columns NULL means the split was empty.
      CREATE TABLE epoch_metrics (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        epoch INTEGER NOT NULL,
        train_loss REAL,
        train_acc REAL,
        val_loss REAL,
        val_acc REAL,
        test_loss REAL,
        test_acc REAL,
        lr REAL NOT NULL,
        seconds REAL NOT NULL,
        elapsed_seconds REAL NOT NULL,
        logged_at TEXT NOT NULL,
        PRIMARY KEY (run_id, epoch)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE metric_summaries (
        run_id TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
        metric TEXT NOT NULL
          CHECK (metric IN ('trainLoss', 'trainAcc', 'valLoss', 'valAcc', 'testLoss', 'testAcc')),
        best_value REAL NOT NULL,
        best_epoch INTEGER NOT NULL,
        min REAL NOT NULL,
        max REAL NOT NULL,
        last_value REAL NOT NULL,
        last_epoch INTEGER NOT NULL,
        PRIMARY KEY (run_id, metric)
      ) STRICT, WITHOUT ROWID;
      -- "Best runs by validation accuracy" without touching every run's epochs.
      CREATE INDEX metric_summaries_by_best ON metric_summaries (metric, best_value);

      CREATE TABLE datasets (
        id TEXT PRIMARY KEY CHECK (id <> '' AND id NOT GLOB '*[^a-z0-9-]*'),
        name TEXT NOT NULL,
        source_file TEXT NOT NULL,
        format TEXT NOT NULL CHECK (format IN ('npz', 'idx', 'csv')),
        dtype TEXT NOT NULL CHECK (dtype IN ('uint8', 'float32')),
        shape TEXT NOT NULL CHECK (json_valid(shape)),
        classes INTEGER NOT NULL CHECK (classes >= 1),
        class_names TEXT CHECK (class_names IS NULL OR json_valid(class_names)),
        examples INTEGER NOT NULL,
        fingerprint TEXT NOT NULL,
        scale_max REAL NOT NULL,
        -- Examples stored last that form the file's own test part (an .npz with x_test/y_test), else 0.
        official_test INTEGER NOT NULL DEFAULT 0 CHECK (official_test >= 0),
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX datasets_by_fingerprint ON datasets (fingerprint);

      -- The arrays live apart from the metadata so that listing datasets never reads megabytes of blob pages.
      -- x is little-endian in the dataset's dtype, row-major per example; y is little-endian Int32.
      CREATE TABLE dataset_arrays (
        dataset_id TEXT PRIMARY KEY REFERENCES datasets (id) ON DELETE CASCADE,
        x BLOB NOT NULL,
        y BLOB NOT NULL
      ) STRICT;
    `);
  },
};
