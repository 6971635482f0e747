import { ELECTRON_SQLITE_FIX_COMMAND } from '../store/native-binding';

/** What the error box says when the backend cannot start. */
export interface StartupErrorMessage {
  title: string;
  content: string;
}

/**
 * better-sqlite3 is a native module: `npm install` builds it for Node, and the postinstall adds a second
 * build for Electron's ABI (scripts/electron-sqlite.mjs), which the store loads in Electron. When that build
 * is missing, stale or failed to download, Electron cannot open the store: the likely first-run failure of
 * the desktop app, with a known fix, so it gets its own explanation.
 */
export function isNativeModuleMismatch(error: unknown): boolean {
  if (error instanceof Error && error.name === 'ElectronSqliteMissingError') return true;
  const message = error instanceof Error ? error.message : String(error);
  return /NODE_MODULE_VERSION|compiled against a different Node\.js version|better_sqlite3\.node/i.test(
    message,
  );
}

export function describeStartupError(error: unknown): StartupErrorMessage {
  const detail = error instanceof Error ? error.message : String(error);
  if (isNativeModuleMismatch(error)) {
    return {
      title: 'The database module for Electron is missing',
      content:
        'better-sqlite3 (the SQLite driver the workbench stores runs with) needs a build for Electron beside ' +
        'the one for Node.js; `npm install` installs it when it can download it (or build it).\n\n' +
        'To fix it, run this in the project folder, online:\n' +
        `    ${ELECTRON_SQLITE_FIX_COMMAND}\n\n` +
        'Or use the workbench in your browser instead, which needs no extra build:\n' +
        '    npx workbench serve\n\n' +
        `Details: ${detail}`,
    };
  }
  return {
    title: 'Experiment Workbench could not start',
    content: `The run store or the training service failed to start:\n\n${detail}`,
  };
}
