import { createHash } from 'node:crypto';
import { littleEndianBytes } from './byte-order';
import type { DatasetArrays } from './types';

/** Part of the hashed text, so that a future change to what is hashed can never collide with today's hashes. */
const FINGERPRINT_SCHEME = 'experiment-workbench dataset fingerprint v1';

export type DatasetDtype = 'uint8' | 'float32';

export function dtypeOf(x: DatasetArrays['x']): DatasetDtype {
  return x instanceof Uint8Array ? 'uint8' : 'float32';
}

/**
 * SHA-256 (hex) of a dataset's content: the dtype and the full shape [N, ...exampleShape] as text, then x and then y
 * as little-endian bytes. Class names, names and ids are not content: renaming a dataset keeps its fingerprint, and
 * two imports of the same arrays are recognisably the same data.
 */
export function datasetFingerprint(arrays: DatasetArrays, exampleShape: readonly number[]): string {
  const examples = arrays.y.length;
  const featureSize = exampleShape.reduce((a, b) => a * b, 1);
  if (arrays.x.length !== examples * featureSize) {
    throw new Error(
      `cannot fingerprint: x has ${arrays.x.length} values, expected ${examples} × ${featureSize} for shape ` +
        `[${exampleShape.join(', ')}]`,
    );
  }
  const header = `${FINGERPRINT_SCHEME}\ndtype=${dtypeOf(arrays.x)}\nshape=${[examples, ...exampleShape].join(',')}\n`;
  return createHash('sha256')
    .update(header, 'utf8')
    .update(littleEndianBytes(arrays.x))
    .update(littleEndianBytes(arrays.y))
    .digest('hex');
}
