import { readFileSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { DatasetFormatError, DatasetImportError } from './errors';
import { datasetFingerprint } from './fingerprint';
import { readCsv } from './formats/csv';
import { readIdxPair } from './formats/idx';
import { findIdxPair, looksLikeIdxFile } from './formats/idx-files';
import { readNpz } from './formats/npz';
import type { RawDataset } from './formats/raw-dataset';
import { datasetIdFromName } from './slug';
import type { ParsedDataset } from './types';
import { validateRawDataset } from './validate';

export { DatasetImportError } from './errors';

export type DatasetFileFormat = ParsedDataset['format'];

export interface ParseDatasetOptions {
  /** Display name; default the file name without extension ("notMNIST.npz" → "notMNIST"). The id is its slug. */
  name?: string;
  /** IDX: the labels file, when it is not next to the images file under the usual name. */
  labelsFile?: string;
  /** CSV: the label column; default label/class/target/y, else the last column. */
  labelColumn?: string;
  /** Default: from the extension, then from the first bytes. */
  format?: DatasetFileFormat;
}

/**
 * Reads and validates a dataset file: .npz (arrays images/labels, x/y or X/Y, or x_train/y_train/x_test/y_test),
 * IDX (an images file and its labels file, optionally gzip-compressed) or CSV with a header row.
 * Throws DatasetImportError, whose message starts with the file path and says exactly what is wrong.
 */
export function parseDatasetFile(file: string, opts: ParseDatasetOptions = {}): ParsedDataset {
  const name = opts.name ?? defaultDatasetName(file);
  const id = datasetIdFromName(name);
  if (id === '') {
    throw new DatasetImportError(
      file,
      `the name "${name}" has no letters or digits to make a dataset id from`,
    );
  }
  const bytes = readDatasetBytes(file);
  const format = opts.format ?? detectFormat(file, bytes);
  let raw: RawDataset;
  try {
    raw = readRaw(file, bytes, format, opts);
  } catch (error) {
    if (error instanceof DatasetFormatError) throw new DatasetImportError(file, error.message);
    throw error;
  }
  const valid = validateRawDataset(file, raw);
  return {
    id,
    name,
    sourceFile: resolve(file),
    format,
    dtype: valid.dtype,
    shape: valid.shape,
    classes: valid.classes,
    ...(valid.classNames ? { classNames: valid.classNames } : {}),
    x: valid.x,
    y: valid.y,
    scaleMax: valid.scaleMax,
    officialTest: valid.officialTest,
    fingerprint: datasetFingerprint(valid, valid.shape),
  };
}

/** "notMNIST.npz" → "notMNIST"; "train-images-idx3-ubyte.gz" → "train". */
export function defaultDatasetName(file: string): string {
  return basename(file)
    .replace(/\.gz$/i, '')
    .replace(/[-_.]?images[-_.]idx\d[-_.]ubyte$/i, '')
    .replace(/[-_.]?labels[-_.]idx1[-_.]ubyte$/i, '')
    .replace(/\.(npz|csv|idx\d?)$/i, '');
}

function readRaw(
  file: string,
  bytes: Uint8Array,
  format: DatasetFileFormat,
  opts: ParseDatasetOptions,
): RawDataset {
  switch (format) {
    case 'npz':
      return readNpz(bytes);
    case 'csv':
      return readCsv(bytes, { labelColumn: opts.labelColumn });
    case 'idx': {
      const pair = findIdxPair(file, opts.labelsFile);
      const isImages = resolve(pair.imagesFile) === resolve(file);
      const images = isImages ? bytes : readDatasetBytes(pair.imagesFile);
      const labels = isImages ? readDatasetBytes(pair.labelsFile) : bytes;
      return readIdxPair(images, labels, basename(pair.imagesFile), basename(pair.labelsFile));
    }
  }
}

function detectFormat(file: string, bytes: Uint8Array): DatasetFileFormat {
  const extension = extname(file.replace(/\.gz$/i, '')).toLowerCase();
  if (extension === '.npz') return 'npz';
  if (extension === '.csv') return 'csv';
  if (looksLikeIdxFile(file)) return 'idx';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'npz';
  if ((bytes[0] === 0 && bytes[1] === 0) || (bytes[0] === 0x1f && bytes[1] === 0x8b)) return 'idx';
  throw new DatasetImportError(
    file,
    'cannot tell the format: expected an .npz archive, a .csv table or IDX files (e.g. train-images-idx3-ubyte[.gz])',
  );
}

/** File-system failures become import errors too: "not found" is the commonest import problem of all. */
function readDatasetBytes(file: string): Uint8Array {
  let size: number;
  try {
    const stats = statSync(file);
    if (stats.isDirectory()) throw new DatasetImportError(file, 'is a directory, not a dataset file');
    size = stats.size;
  } catch (error) {
    if (error instanceof DatasetImportError) throw error;
    throw new DatasetImportError(file, fileSystemProblem(error));
  }
  if (size === 0) throw new DatasetImportError(file, 'is empty (0 bytes)');
  try {
    return readFileSync(file);
  } catch (error) {
    throw new DatasetImportError(file, fileSystemProblem(error));
  }
}

function fileSystemProblem(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return `cannot be read (${error instanceof Error ? error.message : String(error)})`;
}
