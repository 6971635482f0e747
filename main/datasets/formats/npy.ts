import { HOST_IS_LITTLE_ENDIAN, swapByteOrder } from '../byte-order';
import { DatasetFormatError } from '../errors';
import { formatShape, typedArrayView, type NumericDtype, type NumericTensor } from '../numeric-array';

/** numpy's type code (kind + item size, e.g. "f4") → what we read it as. */
const DTYPES: Record<string, NumericDtype> = {
  b1: 'bool',
  u1: 'uint8',
  i1: 'int8',
  u2: 'uint16',
  i2: 'int16',
  u4: 'uint32',
  i4: 'int32',
  u8: 'uint64',
  i8: 'int64',
  f4: 'float32',
  f8: 'float64',
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"

interface NpyHeader {
  dtype: NumericDtype;
  itemSize: number;
  bigEndian: boolean;
  shape: number[];
  dataOffset: number;
}

/**
 * Reads one .npy array (format versions 1, 2 and 3; C order only). `arrayName` starts every error message,
 * e.g. "labels: ...", so that a problem inside an .npz names the array it is in.
 */
export function parseNpy(bytes: Uint8Array, arrayName: string): NumericTensor {
  const fail = (problem: string): never => {
    throw new DatasetFormatError(`${arrayName}: ${problem}`);
  };
  const header = parseHeader(bytes, fail);
  const count = header.shape.reduce((a, b) => a * b, 1);
  const byteLength = count * header.itemSize;
  const available = bytes.length - header.dataOffset;
  if (available < byteLength) {
    fail(
      `truncated: shape ${formatShape(header.shape)} of ${header.dtype} needs ${byteLength} bytes of data ` +
        `but only ${available} follow the header`,
    );
  }
  // A fresh copy is aligned for every typed array, whatever offset the array had inside the zip. (Not
  // bytes.slice(): on a Node Buffer that is a view, not a copy.)
  const copy = new Uint8Array(bytes.subarray(header.dataOffset, header.dataOffset + byteLength));
  // The copy is in the file's byte order; swap where that is not the host's.
  if (header.bigEndian === HOST_IS_LITTLE_ENDIAN) swapByteOrder(copy, header.itemSize);
  return { dtype: header.dtype, shape: header.shape, data: typedArrayView(copy.buffer, header.dtype, count) };
}

function parseHeader(bytes: Uint8Array, fail: (problem: string) => never): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    fail(bytes.length === 0 ? 'is empty' : 'is not a .npy array (the "\\x93NUMPY" magic is missing)');
  }
  const major = bytes[6];
  const minor = bytes[7];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail('truncated inside the .npy header');
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  } else {
    return fail(`.npy format version ${major}.${minor} is not supported (expected 1.0, 2.0 or 3.0)`);
  }
  const dataOffset = headerStart + headerLength;
  if (dataOffset > bytes.length) fail('truncated inside the .npy header');
  // Version 3 only differs in allowing UTF-8 field names, which a plain array header never has.
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, dataOffset),
  );

  if (/'descr'\s*:\s*\[/.test(text))
    fail('structured (record) arrays are not supported: save plain numeric arrays');
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  if (descr === undefined) return fail(`the .npy header has no dtype ('descr'): ${text.trim()}`);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  if (fortran === undefined) fail(`the .npy header has no 'fortran_order': ${text.trim()}`);
  if (fortran === 'True') {
    fail(
      'is stored in Fortran (column-major) order, which is not supported: ' +
        'save np.ascontiguousarray(array) instead',
    );
  }
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (shapeText === undefined) return fail(`the .npy header has no 'shape': ${text.trim()}`);
  const shape = shapeText
    .split(',')
    .map((part) => part.trim().replace(/L$/, '')) // Python 2 wrote long integers as "18724L".
    .filter((part) => part !== '')
    .map((part) =>
      /^\d+$/.test(part) ? Number(part) : fail(`the .npy header has an invalid shape (${shapeText})`),
    );

  const { dtype, itemSize, bigEndian } = parseDescr(descr, fail);
  return { dtype, itemSize, bigEndian, shape, dataOffset };
}

function parseDescr(
  descr: string,
  fail: (problem: string) => never,
): { dtype: NumericDtype; itemSize: number; bigEndian: boolean } {
  const match = /^([<>|=]?)([a-zA-Z])(\d+)$/.exec(descr);
  const code = match ? `${match[2]}${match[3]}` : '';
  const dtype = DTYPES[code];
  if (match === null || dtype === undefined) {
    const kind = match?.[2] ?? descr.replace(/^[<>|=]/, '')[0];
    const what =
      kind === 'U' || kind === 'S'
        ? 'holds strings'
        : kind === 'O'
          ? 'holds Python objects'
          : code === 'f2'
            ? 'holds float16 values'
            : 'has an unsupported type';
    return fail(
      `${what} (dtype '${descr}'); expected a numeric dtype: ` +
        `u1, i1, u2, i2, u4, i4, u8, i8, f4, f8 or b1 (convert with .astype(...))`,
    );
  }
  return { dtype, itemSize: Number(match[3]), bigEndian: match[1] === '>' };
}
