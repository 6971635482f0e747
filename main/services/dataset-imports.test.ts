import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserInputError } from '../../common/errors';
import { encodeIdx } from '../datasets/testing/npz-writer';
import { RunStore } from '../store/run-store';
import { deleteImportedDataset, importDatasetTransfer, inspectDatasetTransfer } from './dataset-imports';
import { ApiInputError, ConflictError, NotFoundError } from './errors';
import { TransferStore } from './transfers';

let dir: string;
let store: RunStore;
let transfers: TransferStore;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'workbench-dataset-imports-'));
  store = RunStore.open(join(dir, 'runs.db'));
  transfers = new TransferStore();
});
afterEach(() => {
  store.close();
  transfers.dispose();
  rmSync(dir, { recursive: true, force: true });
});

/** A file as the UI uploads it: a transfer under the name the user picked. */
function upload(name: string, bytes: Uint8Array | string): string {
  const slot = transfers.reserve(name);
  writeFileSync(slot.path, bytes);
  return slot.commit().id;
}

describe('datasets from uploaded files', () => {
  it('pairs IDX images and labels by the names the user picked, and imports them', () => {
    const images = new Uint8Array(6 * 4 * 4).map((_, i) => i % 256);
    const labels = new Uint8Array([0, 1, 2, 0, 1, 2]);
    const request = {
      transferId: upload('tiny-images-idx3-ubyte', encodeIdx(0x08, [6, 4, 4], images)),
      labelsTransferId: upload('tiny-labels-idx1-ubyte', encodeIdx(0x08, [6], labels)),
    };
    const preview = inspectDatasetTransfer(transfers, request);
    expect(preview).toMatchObject({
      files: ['tiny-images-idx3-ubyte', 'tiny-labels-idx1-ubyte'],
      format: 'idx',
      problems: [],
      examples: 6,
      classes: 3,
      classCounts: [2, 2, 2],
      valueRange: { min: 0, max: 95 },
      suggestedName: 'tiny',
    });
    expect(preview.samples).toHaveLength(6);
    expect(store.listImportedDatasets()).toEqual([]);
    const info = importDatasetTransfer(store, transfers, { ...request, name: 'Tiny IDX' });
    expect(info).toMatchObject({ id: 'tiny-idx', source: 'imported', examples: 6, classes: 3 });
    expect(info.description).toBe('Imported from tiny-images-idx3-ubyte + tiny-labels-idx1-ubyte (idx)');
    expect(info.bytes).toBe(6 * 16 + 6 * 4);
  });

  it('takes a CSV label column by name, shows the first rows, and names a bad cell', () => {
    const csv = upload('iris-mini.csv', 'kind,a,b\n0,1.5,2\n1,3,4.25\n0,5,6\n');
    const preview = inspectDatasetTransfer(transfers, { transferId: csv, labelColumn: 'kind' });
    expect(preview).toMatchObject({
      columns: ['kind', 'a', 'b'],
      labelColumn: 'kind',
      classes: 2,
      shape: [2],
    });
    expect(preview.rows).toEqual([
      { label: 0, values: [1.5, 2] },
      { label: 1, values: [3, 4.25] },
      { label: 0, values: [5, 6] },
    ]);
    // The default label column is named too, and float32 values read as written.
    const plain = upload('plain.csv', 'a,b,label\n0.1,2,0\n0.3,4,1\n');
    expect(inspectDatasetTransfer(transfers, { transferId: plain })).toMatchObject({
      columns: ['a', 'b', 'label'],
      labelColumn: 'label',
      valueRange: { min: 0.1, max: 4 },
      rows: [
        { label: 0, values: [0.1, 2] },
        { label: 1, values: [0.3, 4] },
      ],
    });
    const bad = upload('bad.csv', 'a,label\n1,0\nx,1\n');
    const refused = inspectDatasetTransfer(transfers, { transferId: bad });
    expect(refused.problems).toHaveLength(1);
    expect(refused.problems[0]).toMatch(/^bad\.csv: /);
    expect(refused.problems[0]).not.toContain(tmpdir());
    expect(() => importDatasetTransfer(store, transfers, { transferId: bad, name: 'bad' })).toThrow(
      UserInputError,
    );
    expect(store.listImportedDatasets()).toEqual([]);
  });

  it('refuses a taken name, an unknown upload; deletes only imported datasets, naming nothing it lacks', () => {
    const csv = upload('t.csv', 'a,label\n1,0\n2,1\n');
    expect(() => importDatasetTransfer(store, transfers, { transferId: csv, name: 'MNIST' })).toThrow(
      ApiInputError,
    );
    importDatasetTransfer(store, transfers, { transferId: csv, name: 'mine' });
    expect(() => importDatasetTransfer(store, transfers, { transferId: csv, name: 'Mine' })).toThrow(
      /the dataset id "mine" is taken by an imported dataset/,
    );
    expect(() => inspectDatasetTransfer(transfers, { transferId: 'A'.repeat(24) })).toThrow(NotFoundError);
    expect(() => deleteImportedDataset(store, 'mnist')).toThrow(ConflictError);
    expect(() => deleteImportedDataset(store, 'nothing')).toThrow(NotFoundError);
    expect(deleteImportedDataset(store, 'mine')).toEqual({ datasetId: 'mine', runs: [] });
    expect(store.listImportedDatasets()).toEqual([]);
  });
});
