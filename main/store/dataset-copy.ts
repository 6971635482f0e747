import type Database from 'better-sqlite3';

/**
 * Copies imported datasets (metadata and arrays) from another store file into this one, keeping their ids;
 * datasets this store already has are left as they are. What a Slurm job folder carries its cells' imported
 * datasets in, and what each task's own store takes them from. One transaction.
 */
export function copyImportedDatasets(
  db: Database.Database,
  fromFile: string,
  ids: readonly string[],
): number {
  if (ids.length === 0) return 0;
  db.prepare('ATTACH DATABASE ? AS src').run(fromFile);
  try {
    return db.transaction(() => {
      const wanted = JSON.stringify([...new Set(ids)]);
      const copied = db
        .prepare(
          `INSERT INTO main.datasets SELECT * FROM src.datasets
           WHERE id IN (SELECT value FROM json_each(?)) ON CONFLICT (id) DO NOTHING`,
        )
        .run(wanted).changes;
      db.prepare(
        `INSERT INTO main.dataset_arrays SELECT * FROM src.dataset_arrays
         WHERE dataset_id IN (SELECT value FROM json_each(?)) ON CONFLICT (dataset_id) DO NOTHING`,
      ).run(wanted);
      return copied;
    })();
  } finally {
    db.exec('DETACH DATABASE src');
  }
}
