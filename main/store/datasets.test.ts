import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ParsedDataset } from '../datasets/types';
import { datasetIdFromName } from './datasets';
import { DatasetExistsError } from './errors';
import { RunStore } from './run-store';

let dir: string;
let dbPath: string;
let store: RunStore;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'workbench-datasets-'));
  dbPath = path.join(dir, 'store.db');
  store = RunStore.open(dbPath);
});
afterEach(() => {
  store.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

function uint8Images(name: string, examples = 50): ParsedDataset {
  const x = new Uint8Array(examples * 4 * 4);
  for (let i = 0; i < x.length; i++) x[i] = (i * 37) % 256;
  const y = Int32Array.from({ length: examples }, (_, i) => i % 3);
  return {
    name,
    sourceFile: '/home/u/data/shapes.npz',
    format: 'npz',
    dtype: 'uint8',
    shape: [4, 4, 1],
    classes: 3,
    classNames: ['circle', 'square', 'triangle'],
    fingerprint: 'sha256:shapes',
    x,
    y,
  };
}

function float32Table(name: string): ParsedDataset {
  // Includes values whose exact bits matter: negative zero, a subnormal, the largest float32.
  const x = new Float32Array([0.1, -2.5, -0, 1e-40, 3.4028234663852886e38, 7, -3, 0.5]);
  return {
    name,
    sourceFile: 'C:\\data\\table.csv',
    format: 'csv',
    dtype: 'float32',
    shape: [2],
    classes: 2,
    fingerprint: 'sha256:table',
    x,
    y: new Int32Array([0, 1, 1, 0]),
  };
}

function bytes(a: ArrayBufferView): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

describe('imported datasets', () => {
  it('round-trips uint8 data byte for byte, with its metadata, after re-opening the file', () => {
    const parsed = uint8Images('My Shapes (v2)');
    const info = store.saveImportedDataset(parsed);
    expect(info).toEqual({
      id: 'my-shapes-v2',
      name: 'My Shapes (v2)',
      source: 'imported',
      shape: [4, 4, 1],
      classes: 3,
      classNames: ['circle', 'square', 'triangle'],
      examples: 50,
      officialTest: 0,
      fingerprint: 'sha256:shapes',
      description: 'Imported from shapes.npz (npz)',
      importedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      // 50 examples of 4 × 4 uint8 and 50 int32 labels, as stored.
      bytes: 50 * 16 + 50 * 4,
    });
    store.close();
    store = RunStore.open(dbPath);

    const loaded = store.loadImportedDataset('my-shapes-v2');
    expect(loaded?.info).toEqual(info);
    expect(loaded?.scaleMax).toBe(255);
    expect(loaded?.x).toBeInstanceOf(Uint8Array);
    expect(loaded?.y).toBeInstanceOf(Int32Array);
    expect(bytes(loaded!.x).equals(bytes(parsed.x))).toBe(true);
    expect(bytes(loaded!.y).equals(bytes(parsed.y))).toBe(true);
  });

  it('round-trips float32 data bit for bit and scales by the largest magnitude', () => {
    const parsed = float32Table('Table');
    store.saveImportedDataset(parsed);
    const loaded = store.loadImportedDataset('table');
    expect(loaded?.x).toBeInstanceOf(Float32Array);
    expect(bytes(loaded!.x).equals(bytes(parsed.x))).toBe(true);
    expect(Object.is(loaded!.x[2], -0)).toBe(true);
    expect(loaded?.scaleMax).toBe(Math.fround(3.4028234663852886e38));
    expect(loaded?.info.classNames).toBeUndefined();
    expect(loaded?.info.description).toBe('Imported from table.csv (csv)');
  });

  it('gives loaded arrays buffers of their own, small and large, so they can be transferred to a worker', () => {
    store.saveImportedDataset(uint8Images('small', 2));
    const big = uint8Images('big', 20_000);
    store.saveImportedDataset(big);
    for (const id of ['small', 'big']) {
      const loaded = store.loadImportedDataset(id)!;
      for (const array of [loaded.x, loaded.y]) {
        expect(array.byteOffset).toBe(0);
        expect(array.buffer.byteLength).toBe(array.byteLength);
      }
    }
    expect(bytes(store.loadImportedDataset('big')!.x).equals(bytes(big.x))).toBe(true);
  });

  it('stores arrays that are views into a larger buffer', () => {
    const backing = new Float32Array(100).fill(9);
    const parsed = { ...float32Table('view'), x: new Float32Array(backing.buffer, 4 * 10, 8) };
    parsed.x.set([1, 2, 3, 4, 5, 6, 7, 8]);
    store.saveImportedDataset(parsed);
    expect(Array.from(store.loadImportedDataset('view')!.x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('refuses a second dataset whose name gives the same id, keeping the first', () => {
    store.saveImportedDataset(uint8Images('Shapes'));
    expect(() => store.saveImportedDataset(float32Table('  SHAPES!  '))).toThrow(DatasetExistsError);
    expect(() => store.saveImportedDataset(float32Table('shapes'))).toThrow(/"shapes" is already imported/);
    expect(store.listImportedDatasets().map((d) => [d.id, d.fingerprint])).toEqual([
      ['shapes', 'sha256:shapes'],
    ]);
  });

  it('lists datasets by id and returns undefined for an unknown one', () => {
    store.saveImportedDataset(uint8Images('zeta'));
    store.saveImportedDataset(float32Table('alpha'));
    expect(store.listImportedDatasets().map((d) => d.id)).toEqual(['alpha', 'zeta']);
    expect(store.loadImportedDataset('nope')).toBeUndefined();
    expect(store.deleteImportedDataset('alpha')).toBe(true);
    expect(store.listImportedDatasets().map((d) => d.id)).toEqual(['zeta']);
  });

  it('rejects inconsistent arrays before storing anything', () => {
    expect(() => store.saveImportedDataset({ ...uint8Images('a'), y: new Int32Array(49) })).toThrow(
      /expected 49/,
    );
    expect(() => store.saveImportedDataset({ ...uint8Images('b'), dtype: 'float32' })).toThrow(
      /Float32Array/,
    );
    expect(() =>
      store.saveImportedDataset({ ...float32Table('c'), y: new Int32Array([0, 1, 2, 0]) }),
    ).toThrow(/label 2/);
    expect(store.listImportedDatasets()).toEqual([]);
  });
});

describe('datasetIdFromName', () => {
  it.each([
    ['MNIST', 'mnist'],
    ['My Data_set v2.1', 'my-data-set-v2-1'],
    ['  --Café Crème--  ', 'cafe-creme'],
    ['iris', 'iris'],
  ])('%s → %s', (name, id) => {
    expect(datasetIdFromName(name)).toBe(id);
  });

  it('refuses a name with no letters or digits', () => {
    expect(() => datasetIdFromName('!!!')).toThrow(/cannot make a dataset id/);
  });
});
