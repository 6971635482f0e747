import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';

/**
 * Writes a file so that readers see either the old content or the complete new one, never a torn file:
 * write a uniquely named sibling, then rename it over the target (atomic on one file system). Two processes
 * writing the same cache at once both succeed; the last rename wins, and both wrote the same bytes anyway.
 */
export function writeFileAtomic(path: string, chunks: readonly (Uint8Array | string)[]): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks.map(toBuffer)));
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

function toBuffer(chunk: Uint8Array | string): Buffer {
  return typeof chunk === 'string'
    ? Buffer.from(chunk, 'utf8')
    : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
