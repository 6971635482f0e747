/**
 * The two builds the bench runs: its own (out/bench) and the app's training worker (out/main). Both bundle
 * the engine from main/ and common/, which other people may be editing while the bench runs.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

export interface SourceStamp {
  /** Relative to the repository root. */
  file: string;
  mtimeMs: number;
}

/** The newest source file (not a test) under main/ and common/, or build input at the root. */
export function newestSource(root: string): SourceStamp {
  let newest = { file: '', mtimeMs: 0 };
  const consider = (file: string) => {
    const mtimeMs = statSync(file).mtimeMs;
    if (mtimeMs > newest.mtimeMs) newest = { file, mtimeMs };
  };
  for (const dir of ['main', 'common']) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && /\.(ts|json)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name)) {
        consider(join(entry.parentPath, entry.name));
      }
    }
  }
  for (const file of ['electron.vite.config.ts', 'package.json', 'package-lock.json']) {
    if (existsSync(join(root, file))) consider(join(root, file));
  }
  return { file: newest.file.slice(root.length + 1), mtimeMs: newest.mtimeMs };
}

/**
 * Rebuilds the app (npx electron-vite build) when `workerFile` is missing or older than its sources. Returns a
 * note when the build failed but an older worker is there to use; throws when there is none.
 */
export function ensureProductWorker(
  root: string,
  workerFile: string,
  log: (line: string) => void,
): string | null {
  const newest = newestSource(root);
  if (existsSync(workerFile) && statSync(workerFile).mtimeMs >= newest.mtimeMs) return null;
  log(`out/main/training-worker.js is missing or older than ${newest.file}: npx electron-vite build`);
  const built = spawnSync(join(root, 'node_modules', '.bin', 'electron-vite'), ['build'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (built.status === 0) return null;
  const output = (built.stderr || built.stdout || String(built.error)).trim().split('\n');
  const why = `electron-vite build failed: ${output[output.length - 1]}`;
  if (!existsSync(workerFile)) throw new Error(why);
  log(`  ${why}; the product path runs the previous build`);
  return `${why}; the product path ran the previous build of out/main/training-worker.js.`;
}

/**
 * A note when a source changed after either build (someone editing the engine during the run): the bench
 * worker and the product worker may then run different engine code.
 */
export function buildDriftNote(root: string, builtFiles: string[]): string | null {
  const newest = newestSource(root);
  const existing = builtFiles.filter((f) => existsSync(f));
  if (existing.length === 0) return null;
  const built = Math.min(...existing.map((f) => statSync(f).mtimeMs));
  if (newest.mtimeMs <= built) return null;
  return (
    `${newest.file} changed after the bench or the app was built: the bench's engine code and the product ` +
    'worker may differ from each other and from the sources. Run the bench again for clean numbers.'
  );
}
