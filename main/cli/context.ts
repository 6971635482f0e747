import { resolve } from 'node:path';
import { defaultCacheDir } from '../app-paths';
import { defaultDbPath } from '../store/default-db-path';
import { isProcessAliveOnThisHost } from '../store/liveness';
import { RunStore } from '../store/run-store';

export interface GlobalOptions {
  db?: string;
}

export interface CliContext {
  dbPath: string;
  cacheDir: string;
  store: RunStore;
  /** Runs this start found orphaned by a dead process and marked interrupted. */
  recovered: string[];
}

export function resolveDbPath(options: GlobalOptions): string {
  return resolve(options.db ?? defaultDbPath());
}

/** Opens the run store; every start first marks runs left "running" by a dead process as interrupted. */
export function openContext(options: GlobalOptions): CliContext {
  const dbPath = resolveDbPath(options);
  const store = RunStore.open(dbPath);
  const recovered = store.markOrphanedRunsInterrupted(isProcessAliveOnThisHost);
  return { dbPath, cacheDir: defaultCacheDir(), store, recovered };
}
