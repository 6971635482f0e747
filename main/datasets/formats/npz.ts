import { unzipSync } from 'fflate';
import { DatasetFormatError } from '../errors';
import { concatNumericArrays, formatShape, type NumericTensor } from '../numeric-array';
import { parseNpy } from './npy';
import type { RawDataset } from './raw-dataset';

/** Accepted (features, labels) key pairs, in order of preference. */
const KEY_PAIRS: [string, string][] = [
  ['images', 'labels'],
  ['x', 'y'],
  ['X', 'Y'],
];
/** Keras's mnist.npz layout: the test arrays become the dataset's official test part. */
const TRAIN_TEST_KEYS = ['x_train', 'y_train', 'x_test', 'y_test'] as const;

const quoted = (names: readonly string[]) => names.map((n) => `"${n}"`).join(', ');

/** Reads an .npz (a zip of .npy arrays, as np.savez and np.savez_compressed write it). */
export function readNpz(bytes: Uint8Array): RawDataset {
  const keys = listArrayKeys(bytes);
  const keySet = new Set(keys);

  if (TRAIN_TEST_KEYS.every((k) => keySet.has(k)) && !KEY_PAIRS.some(([f]) => keySet.has(f))) {
    const arrays = extractArrays(bytes, TRAIN_TEST_KEYS);
    const testCount = arrays.x_test.shape[0] ?? 0;
    return {
      format: 'npz',
      features: concatTensors(arrays.x_train, arrays.x_test, 'x_train', 'x_test'),
      labels: concatTensors(arrays.y_train, arrays.y_test, 'y_train', 'y_test'),
      featuresName: 'x_train + x_test',
      labelsName: 'y_train + y_test',
      officialTest: testCount,
    };
  }

  const featuresKey = KEY_PAIRS.map(([f]) => f).find((k) => keySet.has(k));
  const labelsKey = KEY_PAIRS.map(([, l]) => l).find((k) => keySet.has(k));
  if (featuresKey === undefined || labelsKey === undefined) {
    const found = keys.length === 0 ? 'the archive holds no .npy arrays' : `the archive has ${quoted(keys)}`;
    const missing =
      featuresKey === undefined && labelsKey === undefined
        ? 'expected arrays "images" and "labels" (or "x" and "y", or "X" and "Y")'
        : featuresKey === undefined
          ? `found ${quoted([labelsKey ?? ''])} but no features array ("images", "x" or "X")`
          : `found ${quoted([featuresKey])} but no labels array ("labels", "y" or "Y")`;
    throw new DatasetFormatError(`${missing}; ${found}`);
  }
  const arrays = extractArrays(bytes, [featuresKey, labelsKey]);
  return {
    format: 'npz',
    features: arrays[featuresKey],
    labels: arrays[labelsKey],
    featuresName: featuresKey,
    labelsName: labelsKey,
  };
}

function unzip(bytes: Uint8Array, wanted: (name: string) => boolean): Record<string, Uint8Array> {
  if (bytes.length < 4 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) {
    throw new DatasetFormatError('is not an .npz file (not a zip archive)');
  }
  try {
    return unzipSync(bytes, { filter: (file) => wanted(file.name) });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatasetFormatError(
      `is not a readable .npz (zip) archive (${reason}): the file may be truncated`,
    );
  }
}

/** Array names in the archive: "images.npy" holds the array "images". */
function listArrayKeys(bytes: Uint8Array): string[] {
  const keys: string[] = [];
  unzip(bytes, (name) => {
    if (name.endsWith('.npy')) keys.push(name.slice(0, -'.npy'.length));
    return false; // Only the directory is read here; nothing is inflated.
  });
  return keys;
}

function extractArrays<K extends string>(bytes: Uint8Array, keys: readonly K[]): Record<K, NumericTensor> {
  const wanted = new Set(keys.map((k) => `${k}.npy`));
  const files = unzip(bytes, (name) => wanted.has(name));
  const arrays = {} as Record<K, NumericTensor>;
  for (const key of keys) {
    const file = files[`${key}.npy`];
    if (file === undefined) throw new DatasetFormatError(`${key}: missing from the archive`);
    arrays[key] = parseNpy(file, key);
  }
  return arrays;
}

function concatTensors(a: NumericTensor, b: NumericTensor, aName: string, bName: string): NumericTensor {
  if (a.dtype !== b.dtype) {
    throw new DatasetFormatError(
      `${aName} is ${a.dtype} but ${bName} is ${b.dtype}: they must have the same dtype`,
    );
  }
  if (a.shape.length === 0 || b.shape.length === 0 || a.shape.slice(1).join() !== b.shape.slice(1).join()) {
    throw new DatasetFormatError(
      `${aName} has shape ${formatShape(a.shape)} but ${bName} has shape ${formatShape(b.shape)}: ` +
        'they must differ only in the number of examples',
    );
  }
  return {
    dtype: a.dtype,
    shape: [a.shape[0] + b.shape[0], ...a.shape.slice(1)],
    data: concatNumericArrays(a.data, b.data),
  };
}
