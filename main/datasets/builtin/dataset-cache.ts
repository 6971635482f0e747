import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatasetInfo } from '../../../common/types';
import { writeFileAtomic } from '../atomic-write';
import { HOST_IS_LITTLE_ENDIAN, littleEndianBytes, swapByteOrder } from '../byte-order';
import type { LoadedDataset } from '../types';

/** Bumped whenever what the cache files hold changes, so that old files are simply not found. */
const CACHE_FORMAT = 1;
const ARRAYS_MAGIC = 'WBDSARR1';

export interface CachedInfo {
  info: DatasetInfo;
  scaleMax: number;
}

export interface CachePaths {
  info: string;
  arrays: string;
}

/** Keyed by the source package's name@version: a new package version is new data. */
export function cachePaths(cacheDir: string, datasetId: string, sourceKey: string): CachePaths {
  const stem = join(
    cacheDir,
    `${datasetId}--${sourceKey.replace(/[^a-zA-Z0-9@._-]/g, '_')}--v${CACHE_FORMAT}`,
  );
  return { info: `${stem}.info.json`, arrays: `${stem}.arrays.bin` };
}

export function readInfoCache(path: string): CachedInfo | undefined {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    return isCachedInfo(parsed) ? parsed : undefined;
  } catch {
    return undefined; // Missing or unreadable: the caller rebuilds it.
  }
}

export function writeInfoCache(path: string, cached: CachedInfo): void {
  writeFileAtomic(path, [JSON.stringify(cached, null, 2)]);
}

/**
 * Layout: the magic, a little-endian u32 header length, the JSON header ({info, scaleMax, dtype}), zero padding
 * to a multiple of 8, x (little-endian), then y (little-endian int32). The padding lets x and y be read as views
 * of the file's bytes without copying 55 MB.
 */
export function writeArraysCache(path: string, dataset: LoadedDataset): void {
  const header = Buffer.from(
    JSON.stringify({
      info: dataset.info,
      scaleMax: dataset.scaleMax,
      dtype: dataset.x instanceof Uint8Array ? 'uint8' : 'float32',
      xLength: dataset.x.length,
      yLength: dataset.y.length,
    }),
    'utf8',
  );
  const prefix = Buffer.alloc(alignTo8(ARRAYS_MAGIC.length + 4 + header.length));
  prefix.write(ARRAYS_MAGIC, 0, 'latin1');
  prefix.writeUInt32LE(header.length, ARRAYS_MAGIC.length);
  header.copy(prefix, ARRAYS_MAGIC.length + 4);
  const xBytes = littleEndianBytes(dataset.x);
  const padding = new Uint8Array(alignTo8(xBytes.length) - xBytes.length);
  writeFileAtomic(path, [prefix, xBytes, padding, littleEndianBytes(dataset.y)]);
}

/** The cached dataset, or undefined when the file is missing or not exactly what writeArraysCache wrote. */
export function readArraysCache(path: string): LoadedDataset | undefined {
  let file: Buffer;
  try {
    file = readFileSync(path);
  } catch {
    return undefined;
  }
  if (
    file.length < ARRAYS_MAGIC.length + 4 ||
    file.toString('latin1', 0, ARRAYS_MAGIC.length) !== ARRAYS_MAGIC
  ) {
    return undefined;
  }
  const headerLength = file.readUInt32LE(ARRAYS_MAGIC.length);
  const headerStart = ARRAYS_MAGIC.length + 4;
  let header: unknown;
  try {
    header = JSON.parse(file.toString('utf8', headerStart, headerStart + headerLength));
  } catch {
    return undefined;
  }
  if (!isArraysHeader(header)) return undefined;
  const xStart = alignTo8(headerStart + headerLength);
  const xByteLength = header.xLength * (header.dtype === 'uint8' ? 1 : 4);
  const yStart = xStart + alignTo8(xByteLength);
  if (file.length !== yStart + header.yLength * 4) return undefined;

  const x =
    header.dtype === 'uint8'
      ? new Uint8Array(file.buffer, file.byteOffset + xStart, header.xLength)
      : new Float32Array(hostOrderCopy(file, xStart, xByteLength, 4));
  const y = new Int32Array(hostOrderCopy(file, yStart, header.yLength * 4, 4));
  return { info: header.info, scaleMax: header.scaleMax, x, y };
}

/** A copy is both aligned and swappable; only the small y (and float x, which no built-in has) pay for it. */
function hostOrderCopy(file: Buffer, start: number, byteLength: number, itemSize: number): ArrayBuffer {
  const copy = new Uint8Array(file.subarray(start, start + byteLength));
  if (!HOST_IS_LITTLE_ENDIAN) swapByteOrder(copy, itemSize);
  return copy.buffer;
}

function alignTo8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

function isCachedInfo(value: unknown): value is CachedInfo {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<CachedInfo>;
  return (
    typeof v.scaleMax === 'number' &&
    typeof v.info === 'object' &&
    v.info !== null &&
    typeof v.info.id === 'string' &&
    typeof v.info.fingerprint === 'string' &&
    typeof v.info.examples === 'number' &&
    Array.isArray(v.info.shape)
  );
}

interface ArraysHeader extends CachedInfo {
  dtype: 'uint8' | 'float32';
  xLength: number;
  yLength: number;
}

function isArraysHeader(value: unknown): value is ArraysHeader {
  if (!isCachedInfo(value)) return false;
  const v = value as Partial<ArraysHeader>;
  return (
    (v.dtype === 'uint8' || v.dtype === 'float32') &&
    Number.isInteger(v.xLength) &&
    Number.isInteger(v.yLength) &&
    v.yLength === value.info.examples
  );
}
