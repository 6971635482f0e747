import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseTooNewError, openDatabase, schemaVersion } from './database';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workbench-db-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

function tableNames(db: ReturnType<typeof openDatabase>): string[] {
  return db
    .prepare<[], { name: string }>(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`)
    .all()
    .map((t) => t.name);
}

describe('openDatabase', () => {
  it('lists migrations numbered 1..N', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_SCHEMA_VERSION).toBe(MIGRATIONS.length);
  });

  it('migrates an in-memory database to the latest version', () => {
    const db = openDatabase(':memory:');
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(tableNames(db)).toEqual([
      'checkpoint_blobs',
      'checkpoints',
      'dataset_arrays',
      'datasets',
      'epoch_metrics',
      'eval_points',
      'experiments',
      'grid_cells',
      'grid_rungs',
      'grids',
      'layer_stats',
      'metric_summaries',
      'params',
      'point_layer_stats',
      'run_schedules',
      'runs',
    ]);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('rebuilds the runs table for the pruning statuses without losing a row or a cascade', () => {
    const file = path.join(dir, 'v6.db');
    const v6 = openDatabase(file, MIGRATIONS.slice(0, 6));
    v6.exec(`
      INSERT INTO experiments (id, name, created_at) VALUES (1, 'default', 'now');
      INSERT INTO runs (id, experiment_id, name, status, config, seed, dataset_id, dataset_fingerprint,
                        app_version, created_at, resumes)
      VALUES ('r1', 1, 'kept run', 'completed', '{}', 7, 'd', 'fp', '1', 'now', '[{"fromEpoch":1}]');
      INSERT INTO epoch_metrics (run_id, epoch, train_loss, train_acc, lr, seconds, elapsed_seconds, logged_at)
      VALUES ('r1', 1, 0.5, 0.9, 0.1, 1, 1, 'now');`);
    v6.close();

    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(db.prepare(`SELECT name, seed, resumes FROM runs`).all()).toEqual([
      { name: 'kept run', seed: 7, resumes: '[{"fromEpoch":1}]' },
    ]);
    const indexes = db
      .prepare(
        `SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'runs' AND sql IS NOT NULL`,
      )
      .all()
      .map((r) => (r as { name: string }).name);
    expect(indexes).toEqual(
      expect.arrayContaining(['runs_by_created_at', 'runs_unfinished', 'runs_by_grid']),
    );
    db.prepare(`UPDATE runs SET status = 'pruned' WHERE id = 'r1'`).run();
    db.prepare(`UPDATE runs SET status = 'paused' WHERE id = 'r1'`).run();
    expect(() => db.prepare(`UPDATE runs SET status = 'sleeping' WHERE id = 'r1'`).run()).toThrow(/CHECK/);
    // The children still point at the rebuilt table: deleting the run takes its epochs along.
    db.prepare(`DELETE FROM runs WHERE id = 'r1'`).run();
    expect(db.prepare(`SELECT COUNT(*) AS n FROM epoch_metrics`).get()).toEqual({ n: 0 });
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    db.close();
  });

  it('creates the folder and file, sets WAL and the pragmas, and re-opens without migrating again', () => {
    const file = path.join(dir, 'nested', 'deeper', 'store.db');
    const first = openDatabase(file);
    expect(first.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(first.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
    expect(first.pragma('busy_timeout', { simple: true })).toBeGreaterThanOrEqual(5000);
    first.prepare(`INSERT INTO experiments (name, created_at) VALUES ('kept', 'now')`).run();
    first.close();

    const second = openDatabase(file);
    expect(schemaVersion(second)).toBe(LATEST_SCHEMA_VERSION);
    expect(second.prepare(`SELECT name FROM experiments`).pluck().all()).toEqual(['kept']);
    second.close();
  });

  it('applies only the pending migrations, each in the same transaction as its version bump', () => {
    const file = path.join(dir, 'store.db');
    openDatabase(file).close();
    const applied: number[] = [];
    const next: Migration = {
      version: LATEST_SCHEMA_VERSION + 1,
      name: 'extra',
      up(db) {
        applied.push(this.version);
        db.exec(`CREATE TABLE extra (id INTEGER PRIMARY KEY) STRICT`);
      },
    };
    const db = openDatabase(file, [...MIGRATIONS, next]);
    expect(applied).toEqual([LATEST_SCHEMA_VERSION + 1]);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION + 1);
    db.close();
  });

  it('rolls a failed migration back entirely', () => {
    const file = path.join(dir, 'store.db');
    openDatabase(file).close();
    const broken: Migration = {
      version: LATEST_SCHEMA_VERSION + 1,
      name: 'broken',
      up(db) {
        db.exec(`CREATE TABLE half_done (id INTEGER) STRICT`);
        throw new Error('boom');
      },
    };
    expect(() => openDatabase(file, [...MIGRATIONS, broken])).toThrow('boom');
    const db = openDatabase(file);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    expect(tableNames(db)).not.toContain('half_done');
    db.close();
  });

  it('refuses a database written by a newer app, with a message that says so', () => {
    const file = path.join(dir, 'store.db');
    const db = openDatabase(file);
    db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 5}`);
    db.close();
    expect(() => openDatabase(file)).toThrow(DatabaseTooNewError);
    expect(() => openDatabase(file)).toThrow(/newer Experiment Workbench/);
  });
});
