import { gunzipSync } from 'fflate';
import { HOST_IS_LITTLE_ENDIAN, swapByteOrder } from '../byte-order';
import { DatasetFormatError } from '../errors';
import { formatShape, typedArrayView, type NumericDtype, type NumericTensor } from '../numeric-array';
import type { RawDataset } from './raw-dataset';

/** IDX type byte → element type and size (LeCun's MNIST format; data is big-endian). */
const IDX_TYPES: Record<number, { dtype: NumericDtype; size: number }> = {
  0x08: { dtype: 'uint8', size: 1 },
  0x09: { dtype: 'int8', size: 1 },
  0x0b: { dtype: 'int16', size: 2 },
  0x0c: { dtype: 'int32', size: 4 },
  0x0d: { dtype: 'float32', size: 4 },
  0x0e: { dtype: 'float64', size: 8 },
};

/** Gzip-compressed IDX (the usual download, "train-images-idx3-ubyte.gz") is recognised by its magic, not its name. */
export function gunzipIfCompressed(bytes: Uint8Array, name: string): Uint8Array {
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatasetFormatError(`${name}: cannot decompress (${reason}): the file may be truncated`);
  }
}

/** One IDX array. Errors start with `name` (the file's name) because an IDX dataset is two files. */
export function parseIdx(bytes: Uint8Array, name: string): NumericTensor {
  const fail = (problem: string): never => {
    throw new DatasetFormatError(`${name}: ${problem}`);
  };
  if (bytes.length === 0) fail('is empty');
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0)
    fail('is not an IDX file (it must start with two zero bytes)');
  const type = IDX_TYPES[bytes[2]];
  if (type === undefined) return fail(`unknown IDX element type 0x${bytes[2].toString(16).padStart(2, '0')}`);
  const rank = bytes[3];
  if (rank === 0) fail('IDX header has 0 dimensions');
  const dataOffset = 4 + 4 * rank;
  if (bytes.length < dataOffset) fail('truncated inside the IDX header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape = Array.from({ length: rank }, (_, i) => view.getUint32(4 + 4 * i, false));
  const count = shape.reduce((a, b) => a * b, 1);
  const byteLength = count * type.size;
  const available = bytes.length - dataOffset;
  if (available < byteLength) {
    fail(
      `truncated: shape ${formatShape(shape)} of ${type.dtype} needs ${byteLength} bytes of data but only ` +
        `${available} follow the header`,
    );
  }
  // A copy: aligned for the typed array, and swapped without touching the caller's bytes.
  const copy = new Uint8Array(bytes.subarray(dataOffset, dataOffset + byteLength));
  if (HOST_IS_LITTLE_ENDIAN) swapByteOrder(copy, type.size);
  return { dtype: type.dtype, shape, data: typedArrayView(copy.buffer, type.dtype, count) };
}

/** An images file and its labels file as one dataset. */
export function readIdxPair(
  images: Uint8Array,
  labels: Uint8Array,
  imagesName: string,
  labelsName: string,
): RawDataset {
  return {
    format: 'idx',
    features: parseIdx(gunzipIfCompressed(images, imagesName), imagesName),
    labels: parseIdx(gunzipIfCompressed(labels, labelsName), labelsName),
    featuresName: imagesName,
    labelsName,
  };
}
