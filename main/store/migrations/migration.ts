import type Database from 'better-sqlite3';

/** One schema step. `version` is what `PRAGMA user_version` holds once it has been applied. */
export interface Migration {
  version: number;
  name: string;
  /** Runs inside the migration transaction; must not change PRAGMAs that cannot run in one (foreign_keys). */
  up(db: Database.Database): void;
}
