// `npm run install:electron-sqlite`: (re)installs better-sqlite3 built for the pinned Electron, the step the
// postinstall runs after the Electron binary download (see electron-sqlite.mjs). Run by hand it always
// reinstalls and exits 1 when it fails, naming why.
//
// Options, for tests and packaging: --out-dir DIR (default node_modules/.workbench-electron),
// --headers-url URL (where node-gyp fetches Electron's headers for the build from source).
import { parseArgs } from 'node:util';
import { FIX_COMMAND, installElectronSqlite } from './electron-sqlite.mjs';

const { values } = parseArgs({
  options: { 'out-dir': { type: 'string' }, 'headers-url': { type: 'string' } },
});

const result = installElectronSqlite({
  outDir: values['out-dir'],
  headersUrl: values['headers-url'],
  force: true,
});
if (result.ok) {
  console.log(`[workbench] better-sqlite3 for Electron is installed (${result.source}): ${result.binding}`);
} else {
  console.error(
    `[workbench] Could not install better-sqlite3 for Electron: ${result.reason}.\n` +
      `[workbench] Retry with \`${FIX_COMMAND}\` where GitHub (prebuilt binaries) or electronjs.org ` +
      '(headers, with a C++ compiler and Python for node-gyp) can be reached; meanwhile `npx workbench serve` ' +
      'opens the workbench in your browser.',
  );
  process.exit(1);
}
