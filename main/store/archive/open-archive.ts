import { randomBytes } from 'node:crypto';
import { closeSync, copyFileSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import {
  ARCHIVE_FORMAT_VERSION,
  archiveManifestSchema,
  MAX_ARCHIVE_BYTES,
  type ArchiveManifest,
} from '../../../common/archive/manifest';
import { openDatabase, openReadOnlyDatabase, schemaVersion } from '../database';
import { LATEST_SCHEMA_VERSION } from '../migrations';
import { ArchiveError } from './archive-errors';
import { checkpointRowsDigest, checkpointTotals, verifyCheckpointBlobs } from './archive-models';
import { expectedArchiveSchema, schemaObjects } from './archive-schema';
import { runContentReader, hashRun } from './run-content';
import { countRows } from './write-archive';

/**
 * An archive checked from end to end before anything reads it for a merge: an SQLite file of an honest
 * size, intact, with exactly the schema an archive of its version has (no trigger or view can hide in it),
 * a manifest this version understands, counts that match, a content hash that matches every run's rows, and
 * (with models) every checkpoint blob matching the SHA-256 its row records.
 * Every check runs on a private temporary copy, which is also what a merge attaches: the user's file is never
 * written, and cannot change between being checked and being read. An archive of an older store schema is
 * upgraded in that copy with the store's own numbered migrations.
 */
export interface VerifiedArchive {
  /** The user's file. */
  file: string;
  /** The checked (and, if needed, upgraded) temporary copy: what a merge attaches. */
  path: string;
  manifest: ArchiveManifest;
  /** The store schema version the archive was written with, when reading upgraded it; else null. */
  upgradedFrom: number | null;
  /** Run id → its hashes, as verified. */
  hashes: Map<string, { hash: string; coreHash: string }>;
  /** Removes the temporary copy. */
  dispose(): void;
}

const SQLITE_HEADER = 'SQLite format 3\0';

export function openVerifiedArchive(file: string): VerifiedArchive {
  const name = file;
  let size: number;
  try {
    const stat = statSync(file);
    if (!stat.isFile()) throw new ArchiveError(name, 'not a file');
    size = stat.size;
  } catch (error) {
    if (error instanceof ArchiveError) throw error;
    throw new ArchiveError(
      name,
      `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  if (size > MAX_ARCHIVE_BYTES) {
    throw new ArchiveError(
      name,
      `${size} bytes is larger than any archive this version writes (at most ${MAX_ARCHIVE_BYTES})`,
    );
  }
  if (size < 512 || readHeader(file) !== SQLITE_HEADER) {
    throw new ArchiveError(name, 'not an Experiment Workbench archive (not an SQLite database file)');
  }

  const copy = join(tmpdir(), `workbench-archive-${randomBytes(6).toString('hex')}.db`);
  const dispose = () => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${copy}${suffix}`, { force: true });
  };
  try {
    copyFileSync(file, copy);
    return verifyCopy(name, file, copy, dispose);
  } catch (error) {
    dispose();
    throw error;
  }
}

function verifyCopy(name: string, file: string, copy: string, dispose: () => void): VerifiedArchive {
  let db: Database.Database | undefined;
  let version: number;
  let manifest: ArchiveManifest;
  const hashes = new Map<string, { hash: string; coreHash: string }>();
  try {
    db = openReadOnlyDatabase(copy);
    // Nothing in the file's schema may run functions with side effects while it is read.
    db.pragma('trusted_schema = OFF');
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok')
      throw new ArchiveError(name, `damaged: SQLite's integrity check says "${String(integrity)}"`);
    version = schemaVersion(db);
    if (version > LATEST_SCHEMA_VERSION) {
      throw new ArchiveError(
        name,
        `written by a newer Experiment Workbench (store schema ${version}; this version reads up to ${LATEST_SCHEMA_VERSION}): upgrade the workbench to import it`,
      );
    }
    if (version < 1)
      throw new ArchiveError(name, 'not an Experiment Workbench archive (no store schema inside)');
    checkSchema(name, db, version);
    manifest = readManifest(name, db);
    if (manifest.schemaVersion !== version) {
      throw new ArchiveError(
        name,
        `the manifest says store schema ${manifest.schemaVersion}, the file has ${version}`,
      );
    }
    const counts = countRows(db);
    for (const [key, value] of Object.entries(manifest.counts)) {
      const actual = counts[key as keyof typeof counts];
      if (actual !== value)
        throw new ArchiveError(name, `the manifest counts ${value} ${key}, the file holds ${actual}`);
    }
    verifyHashes(name, db, hashes);
    verifyModels(name, db, manifest);
  } catch (error) {
    if (error instanceof ArchiveError) throw error;
    const code = (error as { code?: string }).code;
    const reason =
      code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT' ? 'damaged or truncated' : 'cannot be read';
    throw new ArchiveError(name, `${reason} (${(error as Error).message})`);
  } finally {
    db?.close();
  }

  if (version === LATEST_SCHEMA_VERSION) {
    return { file, path: copy, manifest, upgradedFrom: null, hashes, dispose };
  }
  // The hashes cover what the old schema held; the migrations only add what later versions know.
  try {
    const upgraded = openDatabase(copy);
    upgraded.pragma('journal_mode = DELETE');
    upgraded.close();
  } catch (error) {
    throw new ArchiveError(
      name,
      `could not be upgraded from store schema ${version}: ${(error as Error).message}`,
    );
  }
  return { file, path: copy, manifest, upgradedFrom: version, hashes, dispose };
}

function readHeader(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(16);
    readSync(fd, buffer, 0, 16, 0);
    return buffer.toString('latin1');
  } finally {
    closeSync(fd);
  }
}

function checkSchema(name: string, db: Database.Database, version: number): void {
  const actual = schemaObjects(db);
  const wanted = expectedArchiveSchema(version);
  const key = (o: { type: string; name: string }) => `${o.type} ${o.name}`;
  const wantedByKey = new Map(wanted.map((o) => [key(o), o]));
  for (const object of actual) {
    const expected = wantedByKey.get(key(object));
    if (!expected)
      throw new ArchiveError(
        name,
        `refused: unexpected ${object.type} "${object.name}" in the archive's schema`,
      );
    if (expected.sql !== object.sql || expected.tblName !== object.tblName) {
      throw new ArchiveError(
        name,
        `refused: ${object.type} "${object.name}" differs from the archive schema`,
      );
    }
  }
  const present = new Set(actual.map(key));
  const missing = wanted.filter((o) => !present.has(key(o)));
  if (missing.length > 0)
    throw new ArchiveError(name, `refused: the archive lacks ${missing[0].type} "${missing[0].name}"`);
}

function readManifest(name: string, db: Database.Database): ArchiveManifest {
  const row = db.prepare('SELECT manifest FROM archive_manifest WHERE id = 1').get() as
    { manifest: string } | undefined;
  if (!row) throw new ArchiveError(name, 'refused: the archive has no manifest');
  let raw: unknown;
  try {
    raw = JSON.parse(row.manifest);
  } catch {
    throw new ArchiveError(name, 'refused: the manifest is not JSON');
  }
  const version = (raw as { formatVersion?: unknown })?.formatVersion;
  if (typeof version === 'number' && version > ARCHIVE_FORMAT_VERSION) {
    throw new ArchiveError(
      name,
      `written by a newer Experiment Workbench (archive format ${version}; this version reads up to ${ARCHIVE_FORMAT_VERSION}): upgrade the workbench to import it`,
    );
  }
  const parsed = archiveManifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ArchiveError(
      name,
      `refused: manifest field ${issue.path.join('.') || '(whole)'}: ${issue.message}`,
    );
  }
  return parsed.data;
}

/**
 * The checkpoints are the ones the manifest describes (count, bytes, the digest of their rows), and every blob
 * matches the SHA-256 its row records. A manifest from before archives carried models describes none.
 */
function verifyModels(name: string, db: Database.Database, manifest: ArchiveManifest): void {
  const totals = checkpointTotals(db);
  const models = manifest.models;
  if (!models?.included) {
    if (totals.checkpoints > 0) {
      throw new ArchiveError(
        name,
        `refused: the manifest says the archive has no models, the file holds ${totals.checkpoints} checkpoints`,
      );
    }
    return;
  }
  if (manifest.counts.checkpoints === undefined) {
    throw new ArchiveError(name, 'refused: the manifest says models are included but counts no checkpoints');
  }
  if (models.bytes !== totals.bytes) {
    throw new ArchiveError(
      name,
      `the manifest counts ${models.bytes} bytes of checkpoints, the file holds ${totals.bytes}`,
    );
  }
  if (checkpointRowsDigest(db) !== models.sha256) {
    throw new ArchiveError(
      name,
      'refused: the checkpoint list does not match its hash in the manifest (the archive was modified or damaged)',
    );
  }
  verifyCheckpointBlobs(name, db);
}

function verifyHashes(
  name: string,
  db: Database.Database,
  out: Map<string, { hash: string; coreHash: string }>,
): void {
  const stored = db.prepare('SELECT run_id, hash, core_hash FROM archive_runs').all() as {
    run_id: string;
    hash: string;
    core_hash: string;
  }[];
  const reader = runContentReader(db);
  const ids = new Set((db.prepare('SELECT id FROM runs').all() as { id: string }[]).map((r) => r.id));
  for (const row of stored) {
    const run = reader.read(row.run_id);
    if (!run)
      throw new ArchiveError(name, `refused: the manifest lists run ${row.run_id}, which the archive lacks`);
    const hashes = hashRun(run.content, run.tags);
    if (hashes.hash !== row.hash || hashes.coreHash !== row.core_hash) {
      throw new ArchiveError(
        name,
        `refused: run ${row.run_id} does not match its content hash (the archive was modified or damaged)`,
      );
    }
    out.set(row.run_id, hashes);
    ids.delete(row.run_id);
  }
  if (ids.size > 0)
    throw new ArchiveError(name, `refused: run ${[...ids][0]} has no content hash in the manifest`);
}
