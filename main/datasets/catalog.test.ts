import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { UserInputError } from '../../common/errors';
import type { DatasetInfo } from '../../common/types';
import { importDataset, listDatasets, loadDataset, type ImportedDatasetStore } from './catalog';
import { encodeNpz } from './testing/npz-writer';
import type { LoadedDataset, ParsedDataset } from './types';

/** What the SQLite run store does, in memory. */
class MemoryDatasetStore implements ImportedDatasetStore {
  readonly saved = new Map<string, ParsedDataset>();

  saveImportedDataset(d: ParsedDataset): DatasetInfo {
    if (d.id === undefined || this.saved.has(d.id)) throw new Error(`bad id ${d.id}`);
    this.saved.set(d.id, d);
    return this.info(d);
  }
  listImportedDatasets(): DatasetInfo[] {
    return [...this.saved.values()].map((d) => this.info(d));
  }
  loadImportedDataset(id: string): LoadedDataset | undefined {
    const d = this.saved.get(id);
    return d && { info: this.info(d), x: d.x, y: d.y, scaleMax: d.scaleMax ?? 255 };
  }
  private info(d: ParsedDataset): DatasetInfo {
    return {
      id: d.id ?? '',
      name: d.name,
      source: 'imported',
      shape: d.shape,
      classes: d.classes,
      examples: d.y.length,
      officialTest: d.officialTest ?? 0,
      fingerprint: d.fingerprint,
    };
  }
}

// Shared with other test files, so that the built-ins are decoded once per machine rather than once per file.
const cacheDir = join(tmpdir(), 'workbench-test-cache');
let dir: string;
let notMnistFile: string;
let store: MemoryDatasetStore;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'workbench-catalog-'));
  notMnistFile = join(dir, 'notMNIST.npz');
  writeFileSync(
    notMnistFile,
    encodeNpz({
      images: {
        descr: '|u1',
        shape: [12, 28, 28],
        data: Uint8Array.from({ length: 12 * 784 }, (_, i) => i % 256),
      },
      labels: {
        descr: '<i8',
        shape: [12],
        data: BigInt64Array.from({ length: 12 }, (_, i) => BigInt(i % 10)),
      },
    }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  store = new MemoryDatasetStore();
});

describe('dataset catalog', () => {
  it('imports a file under the slug of its name and lists it after the built-ins', () => {
    const info = importDataset(notMnistFile, store, { cacheDir });
    expect(info).toMatchObject({
      id: 'notmnist',
      name: 'notMNIST',
      examples: 12,
      classes: 10,
      shape: [28, 28, 1],
    });
    const listed = listDatasets(store, { cacheDir });
    expect(listed.map((d) => d.id)).toEqual(['mnist', 'fashion-mnist', 'iris', 'notmnist']);
    expect(listed.every((d) => /^[0-9a-f]{64}$/.test(d.fingerprint))).toBe(true);
    expect(loadDataset('notmnist', store, { cacheDir }).y.length).toBe(12);
  });

  it('rejects a name whose id is taken, by a built-in or an earlier import, before saving anything', () => {
    expect(() => importDataset(notMnistFile, store, { name: 'MNIST', cacheDir })).toThrow(
      `${notMnistFile}: the dataset id "mnist" (from the name "MNIST") is taken by the built-in dataset "mnist": ` +
        'import it under another name',
    );
    importDataset(notMnistFile, store, { cacheDir });
    expect(() => importDataset(notMnistFile, store, { name: 'NotMNIST!', cacheDir })).toThrow(
      'the dataset id "notmnist" (from the name "NotMNIST!") is taken by the imported dataset "notMNIST"',
    );
    expect([...store.saved.keys()]).toEqual(['notmnist']);
  });

  it('saves nothing from a file that fails validation', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a,label\n1,0\nx,1\n');
    expect(() => importDataset(bad, store, { cacheDir })).toThrow(
      `${bad}: row 3, column "a": expected a number`,
    );
    expect(store.saved.size).toBe(0);
  });

  it('loads built-ins by id and names the known ids for an unknown one', () => {
    expect(loadDataset('iris', store, { cacheDir }).info.examples).toBe(150);
    importDataset(notMnistFile, store, { cacheDir });
    let error: unknown;
    try {
      loadDataset('notmnsit', store, { cacheDir });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as Error).message).toBe(
      'unknown dataset "notmnsit" (known: mnist, fashion-mnist, iris, notmnist)',
    );
  });
});
