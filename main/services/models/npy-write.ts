/**
 * Writes one float32 array as a .npy file (format 1.0, C order, little-endian), the bytes np.save writes for
 * the same array, so numpy reads it back with np.load and nothing else.
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00]; // "\x93NUMPY" v1.0
/** numpy pads its headers so that the data starts on a 64-byte boundary (aligned for any dtype). */
const ALIGN = 64;

/** numpy's repr of a shape tuple: "()", "(3,)", "(4, 16)". */
function shapeTuple(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

export function encodeNpyFloat32(shape: readonly number[], values: Float32Array): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (count !== values.length) {
    throw new Error(`npy: ${values.length} values for shape [${shape.join(', ')}]`);
  }
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeTuple(shape)}, }`;
  // 8 magic/version bytes, 2 length bytes, the dict, spaces, and a closing newline.
  const unpadded = MAGIC.length + 2 + dict.length + 1;
  const header = dict + ' '.repeat((ALIGN - (unpadded % ALIGN)) % ALIGN) + '\n';
  const dataStart = MAGIC.length + 2 + header.length;
  const out = new Uint8Array(dataStart + values.length * 4);
  out.set(MAGIC, 0);
  new DataView(out.buffer).setUint16(MAGIC.length, header.length, true);
  for (let i = 0; i < header.length; i++) out[MAGIC.length + 2 + i] = header.charCodeAt(i);
  // dataStart is a multiple of 64 in a fresh buffer, so the float view is aligned; every platform Node runs
  // on here is little-endian, which '<f4' says.
  new Float32Array(out.buffer, dataStart, values.length).set(values);
  return out;
}
