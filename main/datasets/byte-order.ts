/** Stored and hashed bytes are little-endian whatever the host is, so files and fingerprints travel between machines. */
export const HOST_IS_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses every `itemSize`-byte group in place (big ↔ little endian). */
export function swapByteOrder(bytes: Uint8Array, itemSize: number): Uint8Array {
  if (itemSize === 1) return bytes;
  for (let start = 0; start + itemSize <= bytes.length; start += itemSize) {
    for (let a = start, b = start + itemSize - 1; a < b; a++, b--) {
      const tmp = bytes[a];
      bytes[a] = bytes[b];
      bytes[b] = tmp;
    }
  }
  return bytes;
}

/** The array's bytes in little-endian order: a view where the host already is, a swapped copy where it is not. */
export function littleEndianBytes(array: Uint8Array | Int32Array | Float32Array): Uint8Array {
  const view = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
  if (HOST_IS_LITTLE_ENDIAN || array.BYTES_PER_ELEMENT === 1) return view;
  return swapByteOrder(view.slice(), array.BYTES_PER_ELEMENT);
}
