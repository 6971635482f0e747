import { createRequire } from 'node:module';
import type { BackendReport } from '../../common/types';

/** Package and runtime versions for `app.info` and a run's reproducibility record (as `workbench doctor`). */

const requireFromHere = createRequire(import.meta.url);

/** The installed version of a package, or null where it is not installed. */
export function packageVersion(name: string): string | null {
  try {
    return (requireFromHere(`${name}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}

/** The package that provides a backend, e.g. "@tensorflow/tfjs-backend-wasm". */
export function backendPackage(report: BackendReport): string {
  return report.candidates.find((c) => c.name === report.chosen)?.package ?? report.tfjsBackend;
}

/** This installation's runtime, tfjs and SQLite versions (the backend's own version comes with its report). */
export function runtimeVersions(sqliteVersion: string): Record<string, string | null> {
  return {
    node: process.versions.node,
    ...(process.versions.electron ? { electron: process.versions.electron } : {}),
    '@tensorflow/tfjs-core': packageVersion('@tensorflow/tfjs-core'),
    'better-sqlite3': packageVersion('better-sqlite3'),
    sqlite: sqliteVersion,
  };
}

/** `app.info`'s versions: the app, the runtime and the backend this process selected. */
export function appVersions(
  appVersion: string,
  backend: BackendReport,
  runtime: Record<string, string | null>,
): Record<string, string | null> {
  return { app: appVersion, ...runtime, [backendPackage(backend)]: backend.version };
}

/**
 * What a run's record says about the software that trained it. The store keeps each run's app version and
 * backend report; the runtime versions are this installation's, which is what a re-run here would use.
 */
export function runVersions(
  run: { appVersion: string; backendReport: BackendReport | null },
  runtime: Record<string, string | null>,
): Record<string, string | null> {
  const versions: Record<string, string | null> = { app: run.appVersion, ...runtime };
  if (run.backendReport) versions[backendPackage(run.backendReport)] = run.backendReport.version;
  return versions;
}
