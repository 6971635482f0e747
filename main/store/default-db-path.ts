import os from 'node:os';
import path from 'node:path';

/** package.json "productName": the folder name Electron gives `app.getPath('userData')`. */
export const PRODUCT_NAME = 'Experiment Workbench';
export const DB_FILE_NAME = 'workbench.db';

/**
 * Where the store lives unless told otherwise: $WORKBENCH_DB, else the file in the folder Electron would
 * use as userData, so that the CLI and the desktop app share one store by default.
 * (`--db PATH` on the command line beats both; that is the CLI's business.)
 */
export function defaultDbPath(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  homeDir: string = os.homedir(),
): string {
  const explicit = env.WORKBENCH_DB;
  if (explicit !== undefined && explicit.trim() !== '') return explicit;
  // Build with the target platform's separators, whatever platform computes it.
  const paths = platform === 'win32' ? path.win32 : path.posix;
  return paths.join(appDataDir(env, platform, homeDir), PRODUCT_NAME, DB_FILE_NAME);
}

/** Electron's app.getPath('appData'). */
function appDataDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, homeDir: string): string {
  switch (platform) {
    case 'win32':
      return nonEmpty(env.APPDATA) ?? path.win32.join(homeDir, 'AppData', 'Roaming');
    case 'darwin':
      return path.posix.join(homeDir, 'Library', 'Application Support');
    default:
      return nonEmpty(env.XDG_CONFIG_HOME) ?? path.posix.join(homeDir, '.config');
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
