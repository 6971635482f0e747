import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations';
import { sqliteNativeBinding, type RuntimeVersions } from './native-binding';

/**
 * Opening the store's SQLite file, after Signal Desktop's sql layer: one connection per process,
 * WAL so readers never block the writer, a generous busy timeout so that several processes (two
 * trainings and a CLI listing) queue for the write lock instead of failing with "database is locked",
 * and numbered migrations tracked by `PRAGMA user_version`.
 */

/** Long enough to outlast any single write transaction here (one epoch, one dataset import). */
export const BUSY_TIMEOUT_MS = 10_000;

export class DatabaseTooNewError extends Error {
  constructor(
    readonly file: string,
    readonly fileVersion: number,
    readonly appVersion: number,
  ) {
    super(
      `${file} has schema version ${fileVersion}, but this version of Experiment Workbench only knows ` +
        `versions up to ${appVersion}. It was written by a newer Experiment Workbench: upgrade the app, ` +
        `or choose another database file.`,
    );
    this.name = 'DatabaseTooNewError';
  }
}

export interface OpenDatabaseOptions {
  /** Which runtime to load better-sqlite3 for (see native-binding.ts); default this process's. Tests simulate one. */
  runtime?: RuntimeVersions;
  /** Where better-sqlite3 and its Electron build are installed; default the node_modules this code runs from. */
  nodeModulesDir?: string;
}

export function openDatabase(
  file: string,
  migrations: readonly Migration[] = MIGRATIONS,
  options: OpenDatabaseOptions = {},
): Database.Database {
  // Before touching the file system: in Electron a missing build is the error to report, not a folder made.
  const nativeBinding = sqliteNativeBinding(options.runtime, options.nodeModulesDir);
  if (!isInMemory(file)) fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const db = new Database(file, nativeBinding === undefined ? {} : { nativeBinding });
  try {
    // busy_timeout first: switching to WAL takes a lock that another process may be holding.
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    // Before the first table exists this takes effect at once: pruned checkpoints give their pages back to
    // the file system with `PRAGMA incremental_vacuum` (store/checkpoints.ts). Older files keep their mode
    // until `workbench checkpoints prune` converts them with one VACUUM.
    if (!isInMemory(file) && schemaVersion(db) === 0) db.pragma('auto_vacuum = INCREMENTAL');
    enableWal(db);
    // In WAL mode a committed transaction is in the -wal file before COMMIT returns, so it survives the
    // process being killed (kill -9) with NORMAL; FULL would add an fsync per epoch, which only buys
    // survival of an OS crash or power cut and costs more than an epoch on a small dataset.
    db.pragma('synchronous = NORMAL');
    migrate(db, file, migrations);
    db.pragma('foreign_keys = ON');
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Switches the file to WAL once; later opens find it so and take no lock. The switch needs the file to
 * itself and SQLite does not run the busy handler for it, so two processes opening a fresh file at once (two
 * `workbench run`s on a new store) would see "database is locked" whatever busy_timeout says: it is retried,
 * with a short backoff, for as long as a write would wait, and another process having switched it meanwhile
 * is success.
 */
function enableWal(db: Database.Database): void {
  const mode = () => String(db.pragma('journal_mode', { simple: true })).toLowerCase();
  if (mode() === 'wal') return;
  const deadline = Date.now() + BUSY_TIMEOUT_MS;
  for (let wait = 5; ; wait = Math.min(wait * 2, 100)) {
    try {
      db.pragma('journal_mode = WAL');
      return;
    } catch (error) {
      const busy = (error as { code?: string }).code?.startsWith('SQLITE_BUSY') === true;
      if (!busy || Date.now() + wait > deadline) throw error;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
      if (mode() === 'wal') return;
    }
  }
}

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Database.Database, file: string, migrations: readonly Migration[]): void {
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
  assertConsecutive(migrations);
  const checkVersion = (): number => {
    const version = schemaVersion(db);
    if (version > latest) throw new DatabaseTooNewError(file, version, latest);
    return version;
  };
  if (checkVersion() === latest) return;
  // IMMEDIATE: two processes opening a fresh file at once must not both run migration 1. The version is
  // read again under the write lock, so the loser sees the winner's work and applies nothing.
  // Foreign keys off, as SQLite's table-rebuild procedure asks: a migration that rebuilds a table (007) must
  // not cascade its DROP into the child tables. Every key is checked before the commit instead.
  db.pragma('foreign_keys = OFF');
  db.transaction(() => {
    const current = checkVersion();
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }
    const broken = db.pragma('foreign_key_check') as unknown[];
    if (broken.length > 0) {
      throw new Error(
        `migrating ${file}: ${broken.length} rows would break a foreign key (${JSON.stringify(broken[0])})`,
      );
    }
  }).immediate();
}

function assertConsecutive(migrations: readonly Migration[]): void {
  migrations.forEach((migration, i) => {
    if (migration.version !== i + 1) {
      throw new Error(`migration "${migration.name}" has version ${migration.version}, expected ${i + 1}`);
    }
  });
}

function isInMemory(file: string): boolean {
  return file === ':memory:' || file === '' || file.startsWith('file::memory:');
}

export { LATEST_SCHEMA_VERSION };

/**
 * Opens a database file only to read it (an archive, a store shown with `serve --read-only`): no migration,
 * no journal change, nothing written. The caller checks what it holds.
 */
export function openReadOnlyDatabase(file: string): Database.Database {
  const nativeBinding = sqliteNativeBinding();
  return new Database(file, {
    readonly: true,
    fileMustExist: true,
    ...(nativeBinding === undefined ? {} : { nativeBinding }),
  });
}
