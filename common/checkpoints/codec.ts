/**
 * The bytes of a checkpoint: named float32 tensors behind a small JSON header. Self-describing (names and
 * shapes travel with the values), so a checkpoint can be checked against the model it is loaded into and
 * exported without the code that wrote it. Pure: no Node APIs, so tests and tools can read one anywhere.
 *
 * Layout: "WBCK" · u32 format version · u32 header length · header (UTF-8 JSON) · zero padding to a multiple
 * of 4 · every tensor's float32 values, little-endian, one after another in header order.
 */

export interface NamedTensor {
  /** "<layer>/<tensor>" for weights ("dense_1/kernel"), "<slot>/<layer>/<tensor>" for optimizer slots. */
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface TensorBlob<H> {
  header: H;
  tensors: NamedTensor[];
}

const MAGIC = [0x57, 0x42, 0x43, 0x4b]; // "WBCK"
export const CHECKPOINT_FORMAT_VERSION = 1;
const PREFIX_BYTES = 12;

export class CheckpointFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointFormatError';
  }
}

interface StoredHeader<H> {
  header: H;
  tensors: { name: string; shape: number[] }[];
}

const elements = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/**
 * `into`: a buffer to write into when it has exactly the size needed (the previous epoch's, whose bytes the
 * store has copied): on some machines touching tens of MB of fresh memory costs more than filling it, and
 * a checkpoint has the same size every epoch. Otherwise, and by default, a new buffer.
 */
export function encodeTensors<H>(header: H, tensors: readonly NamedTensor[], into?: Uint8Array): Uint8Array {
  for (const t of tensors) {
    if (t.values.length !== elements(t.shape)) {
      throw new Error(`tensor ${t.name}: ${t.values.length} values for shape [${t.shape.join(', ')}]`);
    }
  }
  const stored: StoredHeader<H> = { header, tensors: tensors.map((t) => ({ name: t.name, shape: t.shape })) };
  const json = new TextEncoder().encode(JSON.stringify(stored));
  const dataStart = PREFIX_BYTES + Math.ceil(json.length / 4) * 4;
  const floats = tensors.reduce((n, t) => n + t.values.length, 0);
  const size = dataStart + floats * 4;
  const reusable = into !== undefined && into.byteOffset === 0 && into.buffer.byteLength === size;
  const bytes = reusable ? into : new Uint8Array(size);
  // A reused buffer's padding after the header must be zero again.
  if (reusable) bytes.fill(0, PREFIX_BYTES + json.length, dataStart);
  bytes.set(MAGIC, 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(4, CHECKPOINT_FORMAT_VERSION, true);
  view.setUint32(8, json.length, true);
  bytes.set(json, PREFIX_BYTES);
  // dataStart is a multiple of 4 in a buffer of its own (byteOffset 0): the float view is aligned. Every platform Node runs on
  // here is little-endian, which is what the format says.
  const data = new Float32Array(bytes.buffer, dataStart, floats);
  let at = 0;
  for (const t of tensors) {
    data.set(t.values, at);
    at += t.values.length;
  }
  return bytes;
}

export function decodeTensors<H>(bytes: Uint8Array): TensorBlob<H> {
  if (bytes.length < PREFIX_BYTES || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new CheckpointFormatError('not a workbench checkpoint (no "WBCK" signature)');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointFormatError(
      `checkpoint format ${version}; this version reads format ${CHECKPOINT_FORMAT_VERSION}`,
    );
  }
  const headerLength = view.getUint32(8, true);
  const dataStart = PREFIX_BYTES + Math.ceil(headerLength / 4) * 4;
  if (dataStart > bytes.length) throw new CheckpointFormatError('checkpoint header is cut off');
  let stored: StoredHeader<H>;
  try {
    stored = JSON.parse(new TextDecoder().decode(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength)));
  } catch {
    throw new CheckpointFormatError('checkpoint header is not valid JSON');
  }
  const floats = stored.tensors.reduce((n, t) => n + elements(t.shape), 0);
  if (dataStart + floats * 4 !== bytes.length) {
    throw new CheckpointFormatError(
      `checkpoint holds ${bytes.length - dataStart} bytes of values; its header names ${floats * 4}`,
    );
  }
  let at = dataStart;
  const tensors = stored.tensors.map(({ name, shape }) => {
    const length = elements(shape);
    // A copy: the source may be a Buffer at an unaligned offset, and callers keep the values.
    const values = new Float32Array(length);
    new Uint8Array(values.buffer).set(bytes.subarray(at, at + length * 4));
    at += length * 4;
    return { name, shape: [...shape], values };
  });
  return { header: stored.header, tensors };
}
