import type Database from 'better-sqlite3';
import { openDatabase } from '../database';
import { MIGRATIONS } from '../migrations';

/**
 * What an archive file holds besides the store's own tables: its manifest and one content hash per run.
 * An archive of store schema version v must contain exactly the objects of a fresh store at v plus these,
 * with the same SQL; anything else (a trigger, a view, an extra table) is refused before it is read.
 */
export const ARCHIVE_TABLES_SQL = `
  CREATE TABLE archive_manifest (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    manifest TEXT NOT NULL CHECK (json_valid(manifest))
  ) STRICT;
  CREATE TABLE archive_runs (
    run_id TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    core_hash TEXT NOT NULL
  ) STRICT, WITHOUT ROWID;
`;

export interface SchemaObject {
  type: string;
  name: string;
  tblName: string;
  sql: string | null;
}

export function schemaObjects(db: Database.Database, schema = 'main'): SchemaObject[] {
  return (
    db
      .prepare(`SELECT type, name, tbl_name AS tblName, sql FROM ${schema}.sqlite_schema ORDER BY type, name`)
      .all() as SchemaObject[]
  ).map((o) => ({ ...o, sql: o.sql === null ? null : o.sql.replace(/\s+/g, ' ').trim() }));
}

const expected = new Map<number, SchemaObject[]>();

/** The schema objects an honest archive of store schema `version` has. */
export function expectedArchiveSchema(version: number): SchemaObject[] {
  let objects = expected.get(version);
  if (!objects) {
    const db = openDatabase(':memory:', MIGRATIONS.slice(0, version));
    try {
      db.exec(ARCHIVE_TABLES_SQL);
      objects = schemaObjects(db);
    } finally {
      db.close();
    }
    expected.set(version, objects);
  }
  return objects;
}
