/** The element types a dataset file may hold, named as numpy names them (bool is numpy's 1-byte bool). */
export type NumericDtype =
  | 'bool'
  | 'uint8'
  | 'int8'
  | 'uint16'
  | 'int16'
  | 'uint32'
  | 'int32'
  | 'uint64'
  | 'int64'
  | 'float32'
  | 'float64';

export type NumericArray =
  | Uint8Array
  | Int8Array
  | Uint16Array
  | Int16Array
  | Uint32Array
  | Int32Array
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array;

/** An n-dimensional array as a reader found it: row-major data with its shape. */
export interface NumericTensor {
  dtype: NumericDtype;
  shape: number[];
  data: NumericArray;
}

export function isFloatDtype(dtype: NumericDtype): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

/** 64-bit integers come back as bigint; every check and conversion here wants a number. */
export function numberAt(data: NumericArray, index: number): number {
  const value = data[index];
  return typeof value === 'bigint' ? Number(value) : value;
}

export function formatShape(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** a followed by b; both must have the same dtype (so the same typed-array class). */
export function concatNumericArrays(a: NumericArray, b: NumericArray): NumericArray {
  if (a.constructor !== b.constructor) throw new Error('cannot concatenate arrays of different types');
  // Same class on both sides, so set() receives its own element type; the casts only bridge the union.
  const out = new (a.constructor as new (length: number) => NumericArray)(a.length + b.length);
  (out as Uint8Array).set(a as Uint8Array, 0);
  (out as Uint8Array).set(b as Uint8Array, a.length);
  return out;
}

/** The first `count` elements of `buffer` (which must be aligned for the type) as the dtype's typed array. */
export function typedArrayView(buffer: ArrayBuffer, dtype: NumericDtype, count: number): NumericArray {
  switch (dtype) {
    case 'bool':
    case 'uint8':
      return new Uint8Array(buffer, 0, count);
    case 'int8':
      return new Int8Array(buffer, 0, count);
    case 'uint16':
      return new Uint16Array(buffer, 0, count);
    case 'int16':
      return new Int16Array(buffer, 0, count);
    case 'uint32':
      return new Uint32Array(buffer, 0, count);
    case 'int32':
      return new Int32Array(buffer, 0, count);
    case 'uint64':
      return new BigUint64Array(buffer, 0, count);
    case 'int64':
      return new BigInt64Array(buffer, 0, count);
    case 'float32':
      return new Float32Array(buffer, 0, count);
    case 'float64':
      return new Float64Array(buffer, 0, count);
  }
}
