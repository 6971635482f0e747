import type Database from 'better-sqlite3';
import type { DatasetInfo } from '../../common/types';
import type { LoadedDataset, ParsedDataset } from '../datasets/types';
import { datasetIdFromName as slugOf } from '../datasets/slug';
import { DatasetExistsError } from './errors';

/**
 * Imported datasets, stored in the database itself so that a store file is self-contained: copying the
 * file carries every run together with the data it trained on.
 *
 * Arrays are stored as their raw bytes in the machine's byte order. Every platform Electron and Node
 * ship for is little-endian, which is what the schema documents.
 */

interface DatasetRow {
  id: string;
  name: string;
  source_file: string;
  format: ParsedDataset['format'];
  dtype: ParsedDataset['dtype'];
  shape: string;
  classes: number;
  class_names: string | null;
  examples: number;
  fingerprint: string;
  scale_max: number;
  official_test: number;
  created_at: string;
  bytes: number | null;
}

const DATASET_COLUMNS = `id, name, source_file, format, dtype, shape, classes, class_names, examples, fingerprint,
  scale_max, official_test, created_at,
  (SELECT length(a.x) + length(a.y) FROM dataset_arrays a WHERE a.dataset_id = datasets.id) AS bytes`;

/** The id an imported dataset gets from its name: lowercase ASCII letters, digits and single dashes. */
export function datasetIdFromName(name: string): string {
  const id = slugOf(name);
  if (id === '') throw new Error(`cannot make a dataset id from the name "${name}": use letters or digits`);
  return id;
}

export class ImportedDatasetRepository {
  private readonly selectExists: Database.Statement<[string], { id: string }>;
  private readonly insertDataset: Database.Statement<Record<string, string | number | null>>;
  private readonly insertArrays: Database.Statement<[string, Buffer, Buffer]>;
  private readonly selectAll: Database.Statement<[], DatasetRow>;
  private readonly selectOne: Database.Statement<[string], DatasetRow>;
  private readonly selectArrays: Database.Statement<[string], { x: Buffer; y: Buffer }>;
  private readonly deleteById: Database.Statement<[string]>;
  private readonly saveTransaction: (id: string, d: ParsedDataset, scaleMax: number, at: string) => void;

  constructor(
    db: Database.Database,
    private readonly now: () => Date,
  ) {
    this.selectExists = db.prepare(`SELECT id FROM datasets WHERE id = ?`);
    this.insertDataset = db.prepare(`
      INSERT INTO datasets (id, name, source_file, format, dtype, shape, classes, class_names, examples,
                            fingerprint, scale_max, official_test, created_at)
      VALUES (@id, @name, @sourceFile, @format, @dtype, @shape, @classes, @classNames, @examples,
              @fingerprint, @scaleMax, @officialTest, @createdAt)`);
    this.insertArrays = db.prepare(`INSERT INTO dataset_arrays (dataset_id, x, y) VALUES (?, ?, ?)`);
    this.selectAll = db.prepare(`SELECT ${DATASET_COLUMNS} FROM datasets ORDER BY id`);
    this.selectOne = db.prepare(`SELECT ${DATASET_COLUMNS} FROM datasets WHERE id = ?`);
    this.selectArrays = db.prepare(`SELECT x, y FROM dataset_arrays WHERE dataset_id = ?`);
    this.deleteById = db.prepare(`DELETE FROM datasets WHERE id = ?`);

    const save = db.transaction((id: string, d: ParsedDataset, scaleMax: number, at: string) => {
      if (this.selectExists.get(id)) throw new DatasetExistsError(id);
      this.insertDataset.run({
        id,
        name: d.name,
        sourceFile: d.sourceFile,
        format: d.format,
        dtype: d.dtype,
        shape: JSON.stringify(d.shape),
        classes: d.classes,
        classNames: d.classNames ? JSON.stringify(d.classNames) : null,
        examples: d.y.length,
        fingerprint: d.fingerprint,
        scaleMax,
        officialTest: d.officialTest ?? 0,
        createdAt: at,
      });
      this.insertArrays.run(id, bytesOf(d.x), bytesOf(d.y));
    });
    this.saveTransaction = (...args) => save.immediate(...args);
  }

  /** Stores a validated dataset under the id made from its name; throws DatasetExistsError if that id is taken. */
  saveImportedDataset(d: ParsedDataset): DatasetInfo {
    assertConsistent(d);
    const id = d.id ?? datasetIdFromName(d.name);
    this.saveTransaction(id, d, d.scaleMax ?? scaleMaxOf(d), this.now().toISOString());
    const info = this.getInfo(id);
    if (!info) throw new Error(`dataset ${id} was saved but cannot be read back`);
    return info;
  }

  listImportedDatasets(): DatasetInfo[] {
    return this.selectAll.all().map(toInfo);
  }

  loadImportedDataset(id: string): LoadedDataset | undefined {
    const row = this.selectOne.get(id);
    const arrays = this.selectArrays.get(id);
    if (!row || !arrays) return undefined;
    return {
      info: toInfo(row),
      x: row.dtype === 'uint8' ? new Uint8Array(ownBytes(arrays.x)) : new Float32Array(ownBytes(arrays.x)),
      y: new Int32Array(ownBytes(arrays.y)),
      scaleMax: row.scale_max,
    };
  }

  /** Runs that trained on it keep their records (and its fingerprint); they just cannot be re-run from here. */
  deleteImportedDataset(id: string): boolean {
    return this.deleteById.run(id).changes > 0;
  }

  private getInfo(id: string): DatasetInfo | undefined {
    const row = this.selectOne.get(id);
    return row ? toInfo(row) : undefined;
  }
}

function toInfo(row: DatasetRow): DatasetInfo {
  const classNames = row.class_names === null ? undefined : (JSON.parse(row.class_names) as string[]);
  return {
    id: row.id,
    name: row.name,
    source: 'imported',
    shape: JSON.parse(row.shape) as number[],
    classes: row.classes,
    ...(classNames ? { classNames } : {}),
    examples: row.examples,
    officialTest: row.official_test,
    fingerprint: row.fingerprint,
    description: `Imported from ${fileNameOf(row.source_file)} (${row.format})`,
    importedAt: row.created_at,
    bytes: row.bytes ?? 0,
  };
}

/** Either separator: a store file imported on Windows may be read on Linux and vice versa. */
function fileNameOf(sourceFile: string): string {
  return sourceFile.split(/[\\/]/).pop() ?? sourceFile;
}

/** A view of the array's own bytes, not a copy. */
function bytesOf(array: Uint8Array | Float32Array | Int32Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

/**
 * An ArrayBuffer that holds exactly the blob's bytes and nothing else, so the typed arrays built on it are
 * aligned and their `.buffer` can be transferred to a worker. A large blob from SQLite already owns its
 * memory and is used as is; a small one may sit at any offset in Node's shared pool and is copied.
 */
function ownBytes(blob: Buffer): ArrayBuffer {
  const backing = blob.buffer;
  if (backing instanceof ArrayBuffer && blob.byteOffset === 0 && blob.byteLength === backing.byteLength) {
    return backing;
  }
  const copy = new ArrayBuffer(blob.byteLength);
  new Uint8Array(copy).set(blob);
  return copy;
}

/** What "scale" normalisation divides by: 255 for 8-bit data, else the largest magnitude (1 if all zero). */
function scaleMaxOf(d: ParsedDataset): number {
  if (d.dtype === 'uint8') return 255;
  let max = 0;
  for (const v of d.x) {
    const magnitude = Math.abs(v);
    if (magnitude > max && Number.isFinite(magnitude)) max = magnitude;
  }
  return max > 0 ? max : 1;
}

/** The importer validated the file; this guards the invariants the stored blobs rely on. */
function assertConsistent(d: ParsedDataset): void {
  const where = `dataset "${d.name}"`;
  if (d.shape.length === 0 || !d.shape.every((n) => Number.isInteger(n) && n >= 1)) {
    throw new Error(`${where}: shape must be a list of positive integers, got ${JSON.stringify(d.shape)}`);
  }
  const expectedType = d.dtype === 'uint8' ? Uint8Array : Float32Array;
  if (!(d.x instanceof expectedType))
    throw new Error(`${where}: dtype ${d.dtype} needs x as ${expectedType.name}`);
  if (!(d.y instanceof Int32Array)) throw new Error(`${where}: y must be an Int32Array`);
  if (d.y.length === 0) throw new Error(`${where}: has no examples`);
  const perExample = d.shape.reduce((a, b) => a * b, 1);
  if (d.x.length !== d.y.length * perExample) {
    throw new Error(
      `${where}: x has ${d.x.length} values, expected ${d.y.length} examples × ${perExample} = ${d.y.length * perExample}`,
    );
  }
  if (!Number.isInteger(d.classes) || d.classes < 1)
    throw new Error(`${where}: classes must be an integer ≥ 1`);
  const badLabel = d.y.findIndex((label) => label < 0 || label >= d.classes);
  if (badLabel >= 0)
    throw new Error(`${where}: label ${d.y[badLabel]} of example ${badLabel} is not in [0, ${d.classes})`);
  if (d.classNames && d.classNames.length !== d.classes) {
    throw new Error(`${where}: ${d.classNames.length} class names for ${d.classes} classes`);
  }
}
