import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (where package.json and resources/ live), from source or from the built out/main. */
export function appRoot(from: string = fileURLToPath(import.meta.url)): string {
  let dir = dirname(from);
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (name === 'experiment-workbench') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find the workbench's package.json above ${from}`);
    dir = parent;
  }
}

export function presetsDir(): string {
  return join(appRoot(), 'resources', 'presets');
}

/** Derived data (decoded built-in datasets); safe to delete. `WORKBENCH_CACHE_DIR` overrides it. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.WORKBENCH_CACHE_DIR) return env.WORKBENCH_CACHE_DIR;
  if (platform === 'win32')
    return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'Experiment Workbench', 'Cache');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'Experiment Workbench');
  return join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'experiment-workbench');
}
