import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
import {
  ARCHIVE_FORMAT,
  ARCHIVE_FORMAT_VERSION,
  MAX_ARCHIVE_BYTES,
  type ArchiveManifest,
} from '../../../common/archive/manifest';
import { openDatabase, schemaVersion } from '../database';
import { ArchiveError } from './archive-errors';
import { checkpointRowsDigest, checkpointTotals } from './archive-models';
import { ARCHIVE_TABLES_SQL } from './archive-schema';
import { hashRun, runContentReader } from './run-content';

export interface ArchiveWriteInput {
  /** The store file the runs come from (attached read-only for one consistent snapshot). */
  storePath: string;
  /** Finished runs to export, by exact id. */
  runIds: readonly string[];
  /** Grids that go with them (every cell; cells whose run is not exported keep no run). */
  gridIds: readonly string[];
  out: string;
  withDatasets: boolean;
  /** The runs' checkpoints (rows and blobs) too. Without, the archive holds none, and the manifest says so. */
  withModels?: boolean;
  appVersion: string;
  selection: string;
  now: Date;
}

/**
 * Writes the archive to a temporary file beside `out` and renames it into place, so that `out` is either
 * the complete archive or untouched. One transaction reads the store, so the archive is a consistent
 * snapshot even while runs are training.
 */
export function writeArchive(input: ArchiveWriteInput): ArchiveManifest {
  const tmp = `${input.out}.${randomBytes(6).toString('hex')}.tmp`;
  let db: Database.Database | undefined;
  try {
    db = openDatabase(tmp);
    db.exec(ARCHIVE_TABLES_SQL);
    const manifest = fill(db, input);
    // One self-contained file: no -wal beside it, pages compacted.
    db.pragma('journal_mode = DELETE');
    db.exec('VACUUM');
    db.close();
    db = undefined;
    const size = statSync(tmp).size;
    if (size > MAX_ARCHIVE_BYTES) throw tooLarge(input.out, size);
    const fd = openSync(tmp, 'r');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, input.out);
    return manifest;
  } finally {
    if (db?.open) db.close();
    rmSync(tmp, { force: true });
    rmSync(`${tmp}-wal`, { force: true });
    rmSync(`${tmp}-shm`, { force: true });
  }
}

function fill(db: Database.Database, input: ArchiveWriteInput): ArchiveManifest {
  db.prepare('ATTACH DATABASE ? AS src').run(input.storePath);
  try {
    return db.transaction(() => {
      db.exec(
        `CREATE TEMP TABLE sel (run_id TEXT PRIMARY KEY); CREATE TEMP TABLE selg (grid_id TEXT PRIMARY KEY);`,
      );
      const addRun = db.prepare('INSERT OR IGNORE INTO temp.sel VALUES (?)');
      for (const id of input.runIds) addRun.run(id);
      const addGrid = db.prepare('INSERT OR IGNORE INTO temp.selg VALUES (?)');
      for (const id of input.gridIds) addGrid.run(id);
      // By name, every column the store has (a fork's parent and its resumes included): nothing is left behind
      // because a later migration added it.
      const RUN_COLUMNS = columnsOf(db, 'main', 'runs');
      db.exec(`
        INSERT INTO main.experiments SELECT * FROM src.experiments
          WHERE id IN (SELECT experiment_id FROM src.runs WHERE id IN (SELECT run_id FROM temp.sel));
        INSERT INTO main.grids SELECT * FROM src.grids WHERE id IN (SELECT grid_id FROM temp.selg);
        UPDATE main.grids SET owner_token = NULL, owner_pid = NULL, owner_host = NULL, heartbeat_at = NULL;
        INSERT INTO main.runs (${RUN_COLUMNS}) SELECT ${RUN_COLUMNS} FROM src.runs
          WHERE id IN (SELECT run_id FROM temp.sel);
        UPDATE main.runs SET owner_token = NULL, heartbeat_at = NULL, cancel_requested = 0;
        INSERT INTO main.grid_cells (grid_id, idx, point, repeat, position, axis_values, config, dataset_fingerprint,
                                     run_id, attempts)
          SELECT grid_id, idx, point, repeat, position, axis_values, config, dataset_fingerprint,
                 CASE WHEN run_id IN (SELECT run_id FROM temp.sel) THEN run_id END, attempts
          FROM src.grid_cells WHERE grid_id IN (SELECT grid_id FROM temp.selg);
        INSERT INTO main.grid_rungs SELECT * FROM src.grid_rungs WHERE grid_id IN (SELECT grid_id FROM temp.selg);
        INSERT INTO main.params SELECT * FROM src.params WHERE run_id IN (SELECT run_id FROM temp.sel);
        INSERT INTO main.epoch_metrics SELECT * FROM src.epoch_metrics WHERE run_id IN (SELECT run_id FROM temp.sel);
        INSERT INTO main.layer_stats SELECT * FROM src.layer_stats WHERE run_id IN (SELECT run_id FROM temp.sel);
        INSERT INTO main.run_schedules SELECT * FROM src.run_schedules WHERE run_id IN (SELECT run_id FROM temp.sel);
        INSERT INTO main.eval_points SELECT * FROM src.eval_points WHERE run_id IN (SELECT run_id FROM temp.sel);
        INSERT INTO main.point_layer_stats SELECT * FROM src.point_layer_stats
          WHERE run_id IN (SELECT run_id FROM temp.sel);
        INSERT INTO main.metric_summaries SELECT * FROM src.metric_summaries
          WHERE run_id IN (SELECT run_id FROM temp.sel);
        INSERT INTO main.datasets SELECT * FROM src.datasets
          WHERE id IN (SELECT dataset_id FROM src.runs WHERE id IN (SELECT run_id FROM temp.sel));
      `);
      const selected = 'run_id IN (SELECT run_id FROM temp.sel)';
      const atSource = checkpointTotals(db, 'src', selected);
      if (input.withModels) {
        // Refused before a byte is copied when the models alone are more than any archive may hold.
        if (atSource.bytes > MAX_ARCHIVE_BYTES) throw tooLarge(input.out, atSource.bytes);
        db.exec(`
          INSERT INTO main.checkpoints SELECT * FROM src.checkpoints WHERE ${selected} ORDER BY run_id, epoch;
          INSERT INTO main.checkpoint_blobs (run_id, epoch, part, data)
            SELECT run_id, epoch, part, data FROM src.checkpoint_blobs WHERE ${selected}
            ORDER BY run_id, epoch, part;
        `);
      }
      if (input.withDatasets) {
        db.exec(`INSERT INTO main.dataset_arrays SELECT * FROM src.dataset_arrays
                 WHERE dataset_id IN (SELECT id FROM main.datasets)`);
      }
      const reader = runContentReader(db);
      const insertHash = db.prepare(
        'INSERT INTO main.archive_runs (run_id, hash, core_hash) VALUES (?, ?, ?)',
      );
      for (const { id } of db.prepare('SELECT id FROM main.runs').all() as { id: string }[]) {
        const run = reader.read(id)!;
        const hashes = hashRun(run.content, run.tags);
        insertHash.run(id, hashes.hash, hashes.coreHash);
      }
      const manifest: ArchiveManifest = {
        format: ARCHIVE_FORMAT,
        formatVersion: ARCHIVE_FORMAT_VERSION,
        appVersion: input.appVersion,
        schemaVersion: schemaVersion(db),
        createdAt: input.now.toISOString(),
        sourceHost: hostname(),
        selection: input.selection,
        counts: countRows(db),
        models: {
          included: input.withModels === true,
          bytes: checkpointTotals(db).bytes,
          sha256: checkpointRowsDigest(db),
          leftOut: input.withModels ? { checkpoints: 0, bytes: 0 } : atSource,
        },
      };
      db.prepare('INSERT INTO main.archive_manifest (id, manifest) VALUES (1, ?)').run(
        JSON.stringify(manifest),
      );
      return manifest;
    })();
  } finally {
    db.exec('DETACH DATABASE src');
  }
}

export function countRows(db: Database.Database, schema = 'main'): ArchiveManifest['counts'] {
  const tables = new Set(
    (
      db.prepare(`SELECT name FROM ${schema}.sqlite_schema WHERE type = 'table'`).all() as { name: string }[]
    ).map((t) => t.name),
  );
  // Tables a store schema of that version does not have yet (an archive of schema 1 has no grids) hold 0 rows.
  const n = (table: string) =>
    tables.has(table)
      ? (db.prepare(`SELECT COUNT(*) AS n FROM ${schema}.${table}`).get() as { n: number }).n
      : 0;
  return {
    runs: n('runs'),
    epochs: n('epoch_metrics'),
    grids: n('grids'),
    gridCells: n('grid_cells'),
    experiments: n('experiments'),
    datasets: n('datasets'),
    datasetArrays: n('dataset_arrays'),
    checkpoints: n('checkpoints'),
  };
}

function columnsOf(db: Database.Database, schema: string, table: string): string {
  return (db.prepare(`PRAGMA ${schema}.table_info(${table})`).all() as { name: string }[])
    .map((c) => c.name)
    .join(', ');
}

function tooLarge(out: string, bytes: number): ArchiveError {
  return new ArchiveError(
    out,
    `the archive would be ${bytes} bytes, more than an archive may hold (${MAX_ARCHIVE_BYTES}): export fewer runs, ` +
      'or without models (or prune their checkpoints first)',
  );
}
