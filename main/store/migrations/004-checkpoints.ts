import type { Migration } from './migration';

/**
 * Models the store keeps: checkpoints, forks and resumes.
 *
 * - `checkpoints` lists a run's kept epochs and why each is kept (best, last, every K-th; one row can be
 *   several). Each row belongs to its logged epoch (a foreign key on epoch_metrics): it is written in the same
 *   transaction as that epoch, so there is never a checkpoint without its epoch, nor, for a run that keeps
 *   checkpoints, a last epoch without its checkpoint. Sizes and SHA-256s live here so listing never reads a blob.
 * - `checkpoint_blobs` holds the bytes (common/checkpoints/codec.ts): the weights, and where kept the optimizer
 *   state, as separate parts, so dropping the optimizer state of an epoch that stops being last is one delete.
 *   A rowid table: blobs of megabytes belong in overflow pages, not in a clustered index.
 * - `runs.parent_run_id` / `parent_epoch`: a fork's parent and the epoch it continued from. Plain text, no
 *   foreign key: a fork keeps saying where it came from after its parent is deleted.
 * - `runs.resumes`: every resume of the run ([{at, fromEpoch, epochs}]), for its reproducibility record.
 */
export const checkpointsMigration: Migration = {
  version: 4,
  name: 'checkpoints',
  up(db) {
    db.exec(`
      CREATE TABLE checkpoints (
        run_id TEXT NOT NULL,
        epoch INTEGER NOT NULL CHECK (epoch >= 1),
        is_best INTEGER NOT NULL DEFAULT 0 CHECK (is_best IN (0, 1)),
        is_last INTEGER NOT NULL DEFAULT 0 CHECK (is_last IN (0, 1)),
        is_periodic INTEGER NOT NULL DEFAULT 0 CHECK (is_periodic IN (0, 1)),
        weights_bytes INTEGER NOT NULL CHECK (weights_bytes > 0),
        weights_sha256 TEXT NOT NULL CHECK (length(weights_sha256) = 64),
        optimizer_bytes INTEGER,
        optimizer_sha256 TEXT CHECK (optimizer_sha256 IS NULL OR length(optimizer_sha256) = 64),
        created_at TEXT NOT NULL,
        PRIMARY KEY (run_id, epoch),
        FOREIGN KEY (run_id, epoch) REFERENCES epoch_metrics (run_id, epoch) ON DELETE CASCADE,
        CHECK ((optimizer_bytes IS NULL) = (optimizer_sha256 IS NULL))
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE checkpoint_blobs (
        run_id TEXT NOT NULL,
        epoch INTEGER NOT NULL,
        part TEXT NOT NULL CHECK (part IN ('weights', 'optimizer')),
        data BLOB NOT NULL,
        UNIQUE (run_id, epoch, part),
        FOREIGN KEY (run_id, epoch) REFERENCES checkpoints (run_id, epoch) ON DELETE CASCADE
      ) STRICT;

      ALTER TABLE runs ADD COLUMN parent_run_id TEXT;
      ALTER TABLE runs ADD COLUMN parent_epoch INTEGER CHECK (parent_epoch IS NULL OR parent_epoch >= 1);
      ALTER TABLE runs ADD COLUMN resumes TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(resumes));
      CREATE INDEX runs_by_parent ON runs (parent_run_id) WHERE parent_run_id IS NOT NULL;
    `);
  },
};
