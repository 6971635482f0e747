import type { Migration } from './migration';

/**
 * Per-layer statistics (common/layers/layer-stats.ts): one row per layer with weights per logged epoch,
 * written in the same transaction as its epoch and going with it (a foreign key on epoch_metrics). The
 * histogram ({edges, counts, below, above}) and the percentiles are JSON: read whole, never queried inside.
 */
export const layerStatsMigration: Migration = {
  version: 5,
  name: 'layer-stats',
  up(db) {
    db.exec(`
      CREATE TABLE layer_stats (
        run_id TEXT NOT NULL,
        epoch INTEGER NOT NULL CHECK (epoch >= 1),
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
        PRIMARY KEY (run_id, epoch, layer),
        FOREIGN KEY (run_id, epoch) REFERENCES epoch_metrics (run_id, epoch) ON DELETE CASCADE
      ) STRICT, WITHOUT ROWID;
    `);
  },
};
