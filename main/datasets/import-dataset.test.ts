import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { gzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetFingerprint } from './fingerprint';
import { DatasetImportError, parseDatasetFile } from './import-dataset';
import { encodeIdx, encodeNpy, encodeNpz, type NpyFixture } from './testing/npz-writer';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'workbench-import-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeFixture(name: string, content: Uint8Array | string): string {
  const file = join(dir, name);
  mkdirSync(join(file, '..'), { recursive: true });
  writeFileSync(file, content);
  return file;
}

/** notMNIST-style arrays: n grey 28×28 letters as uint8, labels 0–9 as int64 (what np.savez writes by default). */
function notMnistArrays(n: number): { images: NpyFixture; labels: NpyFixture } {
  const pixels = Uint8Array.from({ length: n * 784 }, (_, i) => (i * 31 + (i >> 7)) % 256);
  const labels = BigInt64Array.from({ length: n }, (_, i) => BigInt(i % 10));
  return {
    images: { descr: '|u1', shape: [n, 28, 28], data: pixels },
    labels: { descr: '<i8', shape: [n], data: labels },
  };
}

function importError(file: string, opts?: Parameters<typeof parseDatasetFile>[1]): DatasetImportError {
  try {
    parseDatasetFile(file, opts);
  } catch (error) {
    if (error instanceof DatasetImportError) return error;
    throw error;
  }
  throw new Error(`${file} was accepted`);
}

describe('.npz import', () => {
  it('round-trips a notMNIST-style archive (uint8 images (N, 28, 28), int64 labels)', () => {
    const arrays = notMnistArrays(30);
    const file = writeFixture('notMNIST.npz', encodeNpz(arrays));
    const parsed = parseDatasetFile(file);
    expect(parsed).toMatchObject({
      id: 'notmnist',
      name: 'notMNIST',
      format: 'npz',
      dtype: 'uint8',
      shape: [28, 28, 1],
      classes: 10,
      scaleMax: 255,
      officialTest: 0,
    });
    expect(isAbsolute(parsed.sourceFile)).toBe(true);
    expect(parsed.x).toBeInstanceOf(Uint8Array);
    expect(parsed.x).toEqual(arrays.images.data);
    expect(Array.from(parsed.y)).toEqual(Array.from(arrays.labels.data, Number));
    expect(parsed.fingerprint).toBe(datasetFingerprint(parsed, [28, 28, 1]));
    expect(parsed.fingerprint).toMatch(/^[0-9a-f]{64}$/);

    // Same content, compressed and under another name: same fingerprint.
    const compressed = writeFixture('letters.npz', encodeNpz(arrays, { compress: true }));
    const again = parseDatasetFile(compressed, { name: 'Letters A–J' });
    expect(again.id).toBe('letters-a-j');
    expect(again.fingerprint).toBe(parsed.fingerprint);
  });

  it('accepts x/y and X/Y keys, float and integer dtypes of every width', () => {
    const x = Float32Array.from({ length: 6 * 4 }, (_, i) => i / 8 - 1);
    const file = writeFixture(
      'xy.npz',
      encodeNpz({
        x: { descr: '<f4', shape: [6, 4], data: x },
        y: { descr: '<i4', shape: [6], data: Int32Array.from([0, 1, 2, 0, 1, 2]) },
      }),
    );
    const parsed = parseDatasetFile(file);
    expect(parsed).toMatchObject({ dtype: 'float32', shape: [4], classes: 3 });
    expect(parsed.x).toEqual(x);
    expect(parsed.scaleMax).toBe(1.875);

    const upper = writeFixture(
      'upper.npz',
      encodeNpz({
        X: { descr: '<f8', shape: [2, 2, 3, 1], data: Float64Array.from({ length: 12 }, (_, i) => i * 0.5) },
        Y: { descr: '|u1', shape: [2, 1], data: Uint8Array.from([1, 0]) },
      }),
    );
    const parsedUpper = parseDatasetFile(upper);
    expect(parsedUpper).toMatchObject({ dtype: 'float32', shape: [2, 3, 1], classes: 2 });
    expect(Array.from(parsedUpper.y)).toEqual([1, 0]);

    const widths = writeFixture(
      'widths.npz',
      encodeNpz({
        images: { descr: '<i2', shape: [3, 2], data: Int16Array.from([-300, 0, 1, 2, 3, 4]), version: 2 },
        labels: { descr: '>u2', shape: [3], data: Uint16Array.from([2, 1, 0]), version: 3 },
      }),
    );
    const parsedWidths = parseDatasetFile(widths);
    expect(Array.from(parsedWidths.x)).toEqual([-300, 0, 1, 2, 3, 4]);
    expect(Array.from(parsedWidths.y)).toEqual([2, 1, 0]);
    expect(parsedWidths.scaleMax).toBe(300);
  });

  it('reads archives written by numpy itself (np.savez and np.savez_compressed, zip64 headers)', () => {
    // python: np.savez(f, images=np.arange(12, dtype=np.uint8).reshape(3, 2, 2) * 20, labels=np.array([2, 0, 1]))
    const savez =
      'UEsDBC0AAAAAAAAAIQBEBHbF//////////8KABQAaW1hZ2VzLm5weQEAEACMAAAAAAAAAIwAAAAAAAAAk05VTVBZAQB2AHsnZGVzY3InOiAnfHUxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsIDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAFCg8UGR4jKC0yNxQSwMELQAAAAAAAAAhAIoazhP//////////woAFABsYWJlbHMubnB5AQAQAJgAAAAAAAAAmAAAAAAAAACTTlVNUFkBAHYAeydkZXNjcic6ICc8aTgnLCAnZm9ydHJhbl9vcmRlcic6IEZhbHNlLCAnc2hhcGUnOiAoMywpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgCgIAAAAAAAAAAAAAAAAAAAABAAAAAAAAAFBLAQItAy0AAAAAAAAAIQBEBHbFjAAAAIwAAAAKAAAAAAAAAAAAAACAAQAAAABpbWFnZXMubnB5UEsBAi0DLQAAAAAAAAAhAIoazhOYAAAAmAAAAAoAAAAAAAAAAAAAAIAByAAAAGxhYmVscy5ucHlQSwUGAAAAAAIAAgBwAAAAnAEAAAAA';
    const parsed = parseDatasetFile(writeFixture('numpy-savez.npz', Buffer.from(savez, 'base64')));
    expect(parsed).toMatchObject({ dtype: 'uint8', shape: [2, 2, 1], classes: 3 });
    expect(Array.from(parsed.x)).toEqual(Array.from({ length: 12 }, (_, i) => i * 20));
    expect(Array.from(parsed.y)).toEqual([2, 0, 1]);

    // python: np.savez_compressed(f, x=(images / 255).astype(np.float32), y=labels.astype(np.int32))
    const compressed =
      'UEsDBC0AAAAIAAAAIQC8qtFA//////////8FABQAeC5ucHkBABAAsAAAAAAAAAB1AAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG6TZqKuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQWpAL5GsY6CkZApKmjUKtAHuBiAIKFCxbYLlygYPfxQ4EdkG138sQJIPuDXW8Pjz1Q3H7rFhP7kyc87O/eibEHAFBLAwQtAAAACAAAACEA7d2Zm///////////BQAUAHkubnB5AQAQAIwAAAAAAAAASgAAAAAAAACb7BfqGxDJyFDGUK2eklqcXKRupaBuk2mirqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RrGOpo6CrUKFAAuJgYIYARiAFBLAQItAy0AAAAIAAAAIQC8qtFAdQAAALAAAAAFAAAAAAAAAAAAAACAAQAAAAB4Lm5weVBLAQItAy0AAAAIAAAAIQDt3ZmbSgAAAIwAAAAFAAAAAAAAAAAAAACAAawAAAB5Lm5weVBLBQYAAAAAAgACAGYAAAAtAQAAAAA=';
    const parsedCompressed = parseDatasetFile(
      writeFixture('numpy-compressed.npz', Buffer.from(compressed, 'base64')),
    );
    expect(parsedCompressed).toMatchObject({ dtype: 'float32', shape: [2, 2, 1], classes: 3 });
    expect(Array.from(parsedCompressed.x)).toEqual(
      Array.from({ length: 12 }, (_, i) => Math.fround((i * 20) / 255)),
    );
  });

  it("takes Keras's x_train/y_train/x_test/y_test layout with the test arrays as the official test part", () => {
    const arrays = notMnistArrays(10);
    const file = writeFixture(
      'keras.npz',
      encodeNpz({
        x_train: { ...arrays.images, shape: [7, 28, 28], data: arrays.images.data.subarray(0, 7 * 784) },
        y_train: { descr: '|u1', shape: [7], data: Uint8Array.from([0, 1, 2, 3, 4, 5, 6]) },
        x_test: { ...arrays.images, shape: [3, 28, 28], data: arrays.images.data.subarray(7 * 784) },
        y_test: { descr: '|u1', shape: [3], data: Uint8Array.from([7, 8, 9]) },
      }),
    );
    const parsed = parseDatasetFile(file);
    expect(parsed).toMatchObject({ officialTest: 3, classes: 10 });
    expect(parsed.x).toEqual(arrays.images.data);
    expect(Array.from(parsed.y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('IDX import', () => {
  const images = Uint8Array.from({ length: 4 * 3 * 2 }, (_, i) => i * 10);
  const labels = Uint8Array.from([3, 1, 0, 2]);

  it('finds the labels file from the images file and the other way round, compressed or not', () => {
    const imagesFile = writeFixture('idx/train-images-idx3-ubyte', encodeIdx(0x08, [4, 3, 2], images));
    const labelsFile = writeFixture('idx/train-labels-idx1-ubyte.gz', gzipSync(encodeIdx(0x08, [4], labels)));
    for (const file of [imagesFile, labelsFile]) {
      const parsed = parseDatasetFile(file);
      expect(parsed).toMatchObject({
        name: 'train',
        format: 'idx',
        dtype: 'uint8',
        shape: [3, 2, 1],
        classes: 4,
      });
      expect(parsed.x).toEqual(images);
      expect(Array.from(parsed.y)).toEqual([3, 1, 0, 2]);
    }
  });

  it('takes an explicit labels file, and float IDX data', () => {
    const data = Float32Array.from({ length: 4 * 5 }, (_, i) => i - 10);
    const imagesFile = writeFixture('idx2/features.idx', encodeIdx(0x0d, [4, 5], data));
    const labelsFile = writeFixture('idx2/classes.idx', encodeIdx(0x0c, [4], Int32Array.from([1, 0, 1, 0])));
    const parsed = parseDatasetFile(imagesFile, { labelsFile, name: 'features' });
    expect(parsed).toMatchObject({ dtype: 'float32', shape: [5], classes: 2 });
    expect(parsed.x).toEqual(data);
  });

  it('names the missing labels file and a truncated file', () => {
    const lonely = writeFixture('idx3/t10k-images-idx3-ubyte', encodeIdx(0x08, [4, 3, 2], images));
    expect(importError(lonely).message).toBe(
      `${lonely}: IDX data needs its labels file too: looked for ${join(dir, 'idx3', 't10k-labels-idx1-ubyte')} ` +
        `and ${join(dir, 'idx3', 't10k-labels-idx1-ubyte.gz')}`,
    );
    const truncated = writeFixture(
      'idx4/a-images-idx3-ubyte',
      encodeIdx(0x08, [4, 3, 2], images).subarray(0, 20),
    );
    writeFixture('idx4/a-labels-idx1-ubyte', encodeIdx(0x08, [4], labels));
    expect(importError(truncated).message).toBe(
      `${truncated}: a-images-idx3-ubyte: truncated: shape (4, 3, 2) of uint8 needs 24 bytes of data but only ` +
        '4 follow the header',
    );
  });
});

describe('CSV import', () => {
  it('maps string labels to sorted classes and keeps their names', () => {
    const file = writeFixture(
      'iris.csv',
      [
        'sepal_length,sepal_width,petal_length,petal_width,species',
        '5.1,3.5,1.4,0.2,setosa',
        '7.0,3.2,4.7,1.4,versicolor',
        '',
        '6.3,3.3,6.0,2.5,virginica',
        '4.9,3.0,1.4,0.2,setosa',
      ].join('\n'),
    );
    const parsed = parseDatasetFile(file);
    expect(parsed).toMatchObject({
      id: 'iris',
      format: 'csv',
      dtype: 'float32',
      shape: [4],
      classes: 3,
      classNames: ['setosa', 'versicolor', 'virginica'],
    });
    expect(Array.from(parsed.y)).toEqual([0, 1, 2, 0]);
    expect(Array.from(parsed.x.subarray(0, 4))).toEqual([5.1, 3.5, 1.4, 0.2].map(Math.fround));
  });

  it('finds a column named label/class/target/y, or takes the one it is told', () => {
    const file = writeFixture('digits.csv', 'Label,a,b\n1,0.5,2\n0,1e-3,0\n2,-3,1\n');
    const parsed = parseDatasetFile(file);
    expect(Array.from(parsed.y)).toEqual([1, 0, 2]);
    expect(Array.from(parsed.x)).toEqual([0.5, 2, 1e-3, 0, -3, 1].map(Math.fround));
    expect(parsed.classNames).toBeUndefined();

    const chosen = parseDatasetFile(file, { labelColumn: 'b' });
    expect(Array.from(chosen.y)).toEqual([2, 0, 1]);
    expect(Array.from(chosen.x)).toEqual([1, 0.5, 0, 1e-3, 2, -3].map(Math.fround));

    const lastColumn = writeFixture('last.csv', 'a,b,kind\n1,2,cat\n3,4,dog\n');
    expect(parseDatasetFile(lastColumn).classNames).toEqual(['cat', 'dog']);
  });
});

describe('rejected files', () => {
  const valid = notMnistArrays(5);

  it('an empty or missing file', () => {
    const empty = writeFixture('empty.npz', new Uint8Array());
    expect(importError(empty).message).toBe(`${empty}: is empty (0 bytes)`);
    const missing = join(dir, 'nowhere.npz');
    expect(importError(missing).message).toBe(`${missing}: file not found`);
  });

  it('a truncated .npz, and a truncated array inside an intact one', () => {
    const whole = encodeNpz(valid);
    const cut = writeFixture('cut.npz', whole.subarray(0, Math.floor(whole.length * 0.6)));
    expect(importError(cut).message).toMatch(
      new RegExp(
        `^${escape(cut)}: is not a readable \\.npz \\(zip\\) archive \\(.*\\): the file may be truncated$`,
      ),
    );
    const shortArray = encodeNpy(valid.images).subarray(0, 1128);
    const inner = writeFixture('inner.npz', encodeNpz({ images: shortArray, labels: valid.labels }));
    expect(importError(inner).message).toBe(
      `${inner}: images: truncated: shape (5, 28, 28) of uint8 needs 3920 bytes of data but only 1000 follow the header`,
    );
    const notZip = writeFixture('text.npz', 'images,labels\n');
    expect(importError(notZip).message).toBe(`${notZip}: is not an .npz file (not a zip archive)`);
  });

  it('wrong array names', () => {
    const file = writeFixture('keys.npz', encodeNpz({ data: valid.images, target: valid.labels }));
    expect(importError(file).message).toBe(
      `${file}: expected arrays "images" and "labels" (or "x" and "y", or "X" and "Y"); ` +
        'the archive has "data", "target"',
    );
    const half = writeFixture('half.npz', encodeNpz({ images: valid.images, target: valid.labels }));
    expect(importError(half).message).toBe(
      `${half}: found "images" but no labels array ("labels", "y" or "Y"); the archive has "images", "target"`,
    );
  });

  it('a label count that does not match the image count', () => {
    const file = writeFixture(
      'mismatch.npz',
      encodeNpz({
        images: valid.images,
        labels: { ...valid.labels, shape: [4], data: valid.labels.data.subarray(0, 4) },
      }),
    );
    expect(importError(file).message).toBe(`${file}: labels has 4 entries but images has 5`);
  });

  it('labels that are negative, fractional, out of range, one-hot or a single class', () => {
    const withLabels = (name: string, labels: NpyFixture) =>
      writeFixture(name, encodeNpz({ images: valid.images, labels }));
    const negative = withLabels('negative.npz', {
      descr: '<i8',
      shape: [5],
      data: BigInt64Array.from([0n, 1n, -1n, 2n, 3n]),
    });
    expect(importError(negative).message).toBe(`${negative}: labels[2] is -1: class indices must be ≥ 0`);
    const fractional = withLabels('fractional.npz', {
      descr: '<f8',
      shape: [5],
      data: Float64Array.from([0, 2.5, 1, 1, 0]),
    });
    expect(importError(fractional).message).toBe(
      `${fractional}: labels[1] is 2.5: labels must be whole class indices (0, 1, 2, ...)`,
    );
    const huge = withLabels('huge.npz', {
      descr: '<i8',
      shape: [5],
      data: BigInt64Array.from([0n, 1n, 2n, 10_000_000_000n, 3n]),
    });
    expect(importError(huge).message).toBe(
      `${huge}: labels[3] is 10000000000: class indices must be below 10000`,
    );
    const oneHot = withLabels('onehot.npz', { descr: '|u1', shape: [5, 2], data: new Uint8Array(10) });
    expect(importError(oneHot).message).toContain(
      'labels has shape (5, 2): expected one class index per example',
    );
    const single = withLabels('single.npz', { descr: '|u1', shape: [5], data: new Uint8Array(5).fill(4) });
    expect(importError(single).message).toBe(
      `${single}: labels: every example has class 4; a classifier needs at least 2 classes`,
    );
    const strings = withLabels('strings.npz', { descr: '<U1', shape: [5], data: new Uint32Array(5) });
    expect(importError(strings).message).toBe(
      `${strings}: labels: holds strings (dtype '<U1'); expected a numeric dtype: ` +
        'u1, i1, u2, i2, u4, i4, u8, i8, f4, f8 or b1 (convert with .astype(...))',
    );
  });

  it('NaN or infinite features, and features without an example axis', () => {
    const pixels = new Float32Array(5 * 4);
    pixels[7] = NaN;
    const nan = writeFixture(
      'nan.npz',
      encodeNpz({ x: { descr: '<f4', shape: [5, 4], data: pixels }, y: valid.labels }),
    );
    expect(importError(nan).message).toBe(
      `${nan}: x: example 1, feature 3 is NaN: NaN and infinite values are not allowed`,
    );
    pixels[7] = 0;
    pixels[18] = -Infinity;
    const inf = writeFixture(
      'inf.npz',
      encodeNpz({ x: { descr: '<f4', shape: [5, 4], data: pixels }, y: valid.labels }),
    );
    expect(importError(inf).message).toBe(
      `${inf}: x: example 4, feature 2 is -Infinity: NaN and infinite values are not allowed`,
    );
    const flat = writeFixture(
      'flat.npz',
      encodeNpz({ x: { descr: '<f4', shape: [5], data: new Float32Array(5) }, y: valid.labels }),
    );
    expect(importError(flat).message).toContain('x has shape (5,): expected one example per row');
    const none = writeFixture(
      'none.npz',
      encodeNpz({
        images: { ...valid.images, shape: [0, 28, 28], data: new Uint8Array() },
        labels: { ...valid.labels, shape: [0], data: new BigInt64Array() },
      }),
    );
    expect(importError(none).message).toBe(`${none}: images has no examples (shape (0, 28, 28))`);
  });

  it('Fortran-ordered arrays', () => {
    const file = writeFixture(
      'fortran.npz',
      encodeNpz({ ...valid, images: { ...valid.images, fortranOrder: true } }),
    );
    expect(importError(file).message).toBe(
      `${file}: images: is stored in Fortran (column-major) order, which is not supported: ` +
        'save np.ascontiguousarray(array) instead',
    );
  });

  it('CSV cells that are not numbers, ragged rows, missing columns', () => {
    const header = 'sepal_length,petal_width,label';
    const bad = writeFixture('data.csv', `${header}\n1,2,0\n3,abc,1\n`);
    expect(importError(bad).message).toBe(
      `${bad}: row 3, column "petal_width": expected a number, got "abc"`,
    );
    const blank = writeFixture('blank.csv', `${header}\n1,,0\n3,4,1\n`);
    expect(importError(blank).message).toBe(
      `${blank}: row 2, column "petal_width": expected a number, got an empty cell`,
    );
    const ragged = writeFixture('ragged.csv', `${header}\n1,2,0\n3,4\n`);
    expect(importError(ragged).message).toBe(`${ragged}: row 3: expected 3 columns (as the header), got 2`);
    const headerOnly = writeFixture('header.csv', `${header}\n`);
    expect(importError(headerOnly).message).toBe(`${headerOnly}: has a header row but no data rows`);
    const good = writeFixture('good.csv', `${header}\n1,2,0\n3,4,1\n`);
    expect(importError(good, { labelColumn: 'species' }).message).toBe(
      `${good}: has no label column "species" (columns: "sepal_length", "petal_width", "label")`,
    );
    const fractional = writeFixture('fraction.csv', `${header}\n1,2,0\n3,4,0.5\n`);
    expect(importError(fractional).message).toBe(
      `${fractional}: row 3, column "label" is 0.5: labels must be whole class indices (0, 1, 2, ...)`,
    );
  });

  it('a file whose format cannot be told', () => {
    const file = writeFixture('notes.txt', 'hello');
    expect(importError(file).message).toBe(
      `${file}: cannot tell the format: expected an .npz archive, a .csv table or IDX files ` +
        '(e.g. train-images-idx3-ubyte[.gz])',
    );
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
