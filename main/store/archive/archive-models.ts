import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { ArchiveError } from './archive-errors';

/**
 * The models an archive carries (`--with-models`): the exported runs' rows of `checkpoints` and their bytes in
 * `checkpoint_blobs`, exactly as the store keeps them (migration 004). Every checkpoint row already records
 * the size and SHA-256 of each part; the manifest adds a digest of all the rows, so a changed row is refused
 * like a changed blob. Nothing here is part of a run's content hash: a run is the same run with or without
 * its models, which is what lets an import add the models to a run this store already has.
 */

/** Whether this schema (a store or an archive, at whatever version) has the checkpoint tables. */
export function hasCheckpointTables(db: Database.Database, schema = 'main'): boolean {
  return (
    db
      .prepare(`SELECT 1 FROM ${schema}.sqlite_schema WHERE type = 'table' AND name = 'checkpoint_blobs'`)
      .get() !== undefined
  );
}

/** Checkpoints and their bytes (weights and optimizer parts, as the rows record them) in `where`. */
export function checkpointTotals(
  db: Database.Database,
  schema = 'main',
  where = 'true',
): { checkpoints: number; bytes: number } {
  if (!hasCheckpointTables(db, schema)) return { checkpoints: 0, bytes: 0 };
  const row = db
    .prepare(
      `SELECT COUNT(*) AS n, COALESCE(SUM(weights_bytes + COALESCE(optimizer_bytes, 0)), 0) AS bytes
       FROM ${schema}.checkpoints WHERE ${where}`,
    )
    .get() as { n: number; bytes: number };
  return { checkpoints: row.n, bytes: row.bytes };
}

const ROW_COLUMNS = `run_id, epoch, is_best, is_last, is_periodic, weights_bytes, weights_sha256, optimizer_bytes,
                     optimizer_sha256, created_at`;

/** SHA-256 over every checkpoint row in (run, epoch) order; null when there is none. */
export function checkpointRowsDigest(db: Database.Database, schema = 'main'): string | null {
  if (!hasCheckpointTables(db, schema)) return null;
  const rows = db
    .prepare(`SELECT ${ROW_COLUMNS} FROM ${schema}.checkpoints ORDER BY run_id, epoch`)
    .raw(true)
    .all() as unknown[][];
  if (rows.length === 0) return null;
  const hash = createHash('sha256');
  for (const row of rows) hash.update(`${JSON.stringify(row)}\n`);
  return hash.digest('hex');
}

interface ExpectedPart {
  run_id: string;
  epoch: number;
  weights_bytes: number;
  weights_sha256: string;
  optimizer_bytes: number | null;
  optimizer_sha256: string | null;
}

const PART_TEXT = { weights: 'weights were', optimizer: 'optimizer state was' } as const;

/**
 * Every checkpoint of the archive is whole: it belongs to a logged epoch of an archived run, has exactly the
 * parts its row records, and each part has the recorded size and SHA-256. One blob at a time, so an archive of
 * gigabytes is checked in little memory. Throws an ArchiveError naming the run and epoch.
 */
export function verifyCheckpointBlobs(name: string, db: Database.Database): void {
  if (!hasCheckpointTables(db)) return;
  const orphan = db
    .prepare(
      `SELECT c.run_id, c.epoch FROM checkpoints c
       WHERE NOT EXISTS (SELECT 1 FROM epoch_metrics e WHERE e.run_id = c.run_id AND e.epoch = c.epoch)
       LIMIT 1`,
    )
    .get() as { run_id: string; epoch: number } | undefined;
  if (orphan) {
    throw new ArchiveError(
      name,
      `refused: the checkpoint of run ${orphan.run_id} at epoch ${orphan.epoch} has no logged epoch in the archive`,
    );
  }
  const stray = db
    .prepare(
      `SELECT b.run_id, b.epoch, b.part FROM checkpoint_blobs b
       LEFT JOIN checkpoints c ON c.run_id = b.run_id AND c.epoch = b.epoch
       WHERE c.run_id IS NULL OR (b.part = 'optimizer' AND c.optimizer_sha256 IS NULL)
       LIMIT 1`,
    )
    .get() as { run_id: string; epoch: number; part: string } | undefined;
  if (stray) {
    throw new ArchiveError(
      name,
      `refused: the archive holds ${stray.part} data of run ${stray.run_id} at epoch ${stray.epoch} that no checkpoint records`,
    );
  }
  const rows = db
    .prepare(
      `SELECT run_id, epoch, weights_bytes, weights_sha256, optimizer_bytes, optimizer_sha256
       FROM checkpoints ORDER BY run_id, epoch`,
    )
    .all() as ExpectedPart[];
  const blob = db.prepare<[string, number, string], { data: Buffer }>(
    'SELECT data FROM checkpoint_blobs WHERE run_id = ? AND epoch = ? AND part = ?',
  );
  const check = (row: ExpectedPart, part: 'weights' | 'optimizer', bytes: number, sha256: string) => {
    const found = blob.get(row.run_id, row.epoch, part);
    const where = `the checkpoint of run ${row.run_id} at epoch ${row.epoch}`;
    if (!found) throw new ArchiveError(name, `refused: ${where} lacks its ${part} data`);
    if (found.data.byteLength !== bytes || createHash('sha256').update(found.data).digest('hex') !== sha256) {
      throw new ArchiveError(
        name,
        `refused: ${where} does not match its SHA-256 (its ${PART_TEXT[part]} modified or damaged)`,
      );
    }
  };
  for (const row of rows) {
    check(row, 'weights', row.weights_bytes, row.weights_sha256);
    if (row.optimizer_sha256 !== null)
      check(row, 'optimizer', row.optimizer_bytes ?? -1, row.optimizer_sha256);
  }
}
