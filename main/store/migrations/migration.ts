import type Database from 'better-sqlite3';

/** One schema step. `version` is what `PRAGMA user_version` holds once it has been applied. */
export interface Migration {
  version: number;
  name: string;
  /**
   * Runs inside the migration transaction, with foreign keys off (a table rebuild must not cascade); the
   * runner checks every foreign key before it commits. Must not change PRAGMAs that cannot run in one.
   */
  up(db: Database.Database): void;
}
