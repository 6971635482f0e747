import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, rmdirSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { UserInputError } from '../../../common/errors';
import { encodeNpz } from './export-npz';
import type { ExportedModel, ModelExportFormat } from './export-model';
import { tfjsFiles } from './export-tfjs';

/**
 * Writes an export where `--out` says: an .npz file, or a LayersModel folder (created; an existing one must
 * be empty). The target is checked before anything is read, and written under a temporary sibling name that
 * is renamed into place at the end, so an error leaves nothing behind and no half-written file.
 */

function kindOf(path: string): 'file' | 'folder' | 'missing' {
  try {
    return statSync(path).isDirectory() ? 'folder' : 'file';
  } catch {
    return 'missing';
  }
}

/** Refuses an --out that cannot be written: its folder missing, a folder for a file, a non-empty folder. */
export function checkExportTarget(out: string, format: ModelExportFormat): string {
  const path = resolve(out);
  const parent = dirname(path);
  if (kindOf(parent) !== 'folder') throw new UserInputError(`--out: the folder ${parent} does not exist`);
  const kind = kindOf(path);
  if (format === 'npz' && kind === 'folder') {
    throw new UserInputError(`--out: ${path} is a folder; give the .npz file to write`);
  }
  if (format === 'tfjs') {
    if (kind === 'file') throw new UserInputError(`--out: ${path} is a file; tfjs writes a folder`);
    if (kind === 'folder' && readdirSync(path).length > 0) {
      throw new UserInputError(`--out: the folder ${path} exists and is not empty`);
    }
  }
  return path;
}

export interface WrittenExport {
  path: string;
  /** Bytes written in all. */
  bytes: number;
  /** The files written: the .npz itself, or the folder's files. */
  files: string[];
}

const temporarySibling = (path: string) =>
  join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);

export function writeModelExport(
  model: ExportedModel,
  format: ModelExportFormat,
  out: string,
  appVersion: string,
): WrittenExport {
  const path = checkExportTarget(out, format);
  const temporary = temporarySibling(path);
  try {
    if (format === 'npz') {
      const bytes = encodeNpz(model, appVersion);
      writeFileSync(temporary, bytes);
      renameSync(temporary, path);
      return { path, bytes: bytes.byteLength, files: [path] };
    }
    const files = tfjsFiles(model, appVersion);
    mkdirSync(temporary);
    for (const [name, bytes] of Object.entries(files)) writeFileSync(join(temporary, name), bytes);
    // checkExportTarget let only a missing or an empty folder through; the empty one makes way.
    if (kindOf(path) === 'folder') rmdirSync(path);
    renameSync(temporary, path);
    return {
      path,
      bytes: Object.values(files).reduce((n, b) => n + b.byteLength, 0),
      files: Object.keys(files).map((name) => join(path, name)),
    };
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    throw error;
  }
}
