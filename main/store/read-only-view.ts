import { randomBytes } from 'node:crypto';
import { copyFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserInputError } from '../../common/errors';
import { openVerifiedArchive } from './archive/open-archive';
import { openDatabase, openReadOnlyDatabase, schemaVersion } from './database';
import { LATEST_SCHEMA_VERSION } from './migrations';

/**
 * What a read-only look opens: an archive through the same checks an import makes (its verified copy), a
 * current store file as it is, and an older store in an upgraded private copy. The user's file is never
 * written; a store from a newer version is refused.
 */
export function readOnlyView(file: string): { path: string; dispose(): void } {
  try {
    if (!statSync(file).isFile()) throw new UserInputError(`${file}: not a file`);
  } catch (error) {
    if (error instanceof UserInputError) throw error;
    throw new UserInputError(
      `${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
    );
  }
  let version: number;
  let isArchive: boolean;
  try {
    const db = openReadOnlyDatabase(file);
    try {
      version = schemaVersion(db);
      isArchive =
        db.prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'archive_manifest'`).get() !==
        undefined;
    } finally {
      db.close();
    }
  } catch (error) {
    throw new UserInputError(`${file}: not a workbench store or archive (${(error as Error).message})`);
  }
  if (isArchive) {
    const archive = openVerifiedArchive(file);
    return { path: archive.path, dispose: () => archive.dispose() };
  }
  if (version > LATEST_SCHEMA_VERSION) {
    throw new UserInputError(
      `${file} has store schema ${version}; this version of Experiment Workbench reads up to ${LATEST_SCHEMA_VERSION}: upgrade the app`,
    );
  }
  if (version === LATEST_SCHEMA_VERSION) return { path: file, dispose: () => undefined };
  const copy = join(tmpdir(), `workbench-view-${randomBytes(6).toString('hex')}.db`);
  copyFileSync(file, copy);
  const dispose = () => {
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${copy}${suffix}`, { force: true });
  };
  try {
    const db = openDatabase(copy);
    db.pragma('journal_mode = DELETE');
    db.close();
  } catch (error) {
    dispose();
    throw new UserInputError(`${file}: cannot be upgraded for viewing (${(error as Error).message})`);
  }
  return { path: copy, dispose };
}
