/** What the error box says when the backend cannot start. */
export interface StartupErrorMessage {
  title: string;
  content: string;
}

/**
 * better-sqlite3 is a native module that `npm install` builds for Node; Electron embeds a different Node
 * ABI, so loading it there fails with "was compiled against a different Node.js version". That is the
 * likely first-run failure of the desktop app, and it has a known fix, so it gets its own explanation.
 */
export function isNativeModuleMismatch(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  return /NODE_MODULE_VERSION|compiled against a different Node\.js version|better_sqlite3\.node/i.test(
    message,
  );
}

export function describeStartupError(error: unknown): StartupErrorMessage {
  const detail = error instanceof Error ? error.message : String(error);
  if (isNativeModuleMismatch(error)) {
    return {
      title: 'The database module was built for Node.js, not for Electron',
      content:
        'better-sqlite3 (the SQLite driver the workbench stores runs with) was compiled for the Node.js ' +
        'that ran `npm install`, and Electron uses a different version.\n\n' +
        'To fix it, rebuild it for Electron in the project folder:\n' +
        '    npx @electron/rebuild -f -w better-sqlite3\n\n' +
        'Or use the workbench in your browser instead, which needs no rebuild:\n' +
        '    npx workbench serve\n\n' +
        `Details: ${detail}`,
    };
  }
  return {
    title: 'Experiment Workbench could not start',
    content: `The run store or the training service failed to start:\n\n${detail}`,
  };
}
