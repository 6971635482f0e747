// Electron's own postinstall is disabled (package.json "allowScripts"), because in offline places its
// binary download fails and would fail the whole `npm install`. This runs the same download and
// tolerates failure: online machines get Electron, offline ones get the CLI and the browser UI.
// Once the binary is there (downloaded now or before), better-sqlite3 is installed a second time, built for
// Electron's ABI, beside the Node build (electron-sqlite.mjs); that failing only warns as well.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { FIX_COMMAND, installElectronSqlite } from './electron-sqlite.mjs';

const require = createRequire(import.meta.url);

function electronInstallScript() {
  try {
    return join(dirname(require.resolve('electron/package.json')), 'install.js');
  } catch {
    return undefined; // production install without devDependencies
  }
}

const script = electronInstallScript();
if (!script || !existsSync(script)) process.exit(0);
if (process.env.ELECTRON_SKIP_BINARY_DOWNLOAD) {
  console.log('[workbench] ELECTRON_SKIP_BINARY_DOWNLOAD is set: not downloading the Electron binary.');
  process.exit(0);
}

const result = spawnSync(process.execPath, [script], {
  stdio: ['ignore', 'inherit', 'pipe'],
  timeout: 300_000,
});
if (result.status !== 0) {
  const why =
    (result.stderr?.toString() ?? '').split('\n').find((l) => l.trim()) ?? String(result.error ?? '');
  console.warn(
    '[workbench] Could not download the Electron binary (' +
      why.trim().slice(0, 160) +
      ').\n[workbench] Everything else is installed: `npm start` opens the workbench in your browser instead ' +
      '(`workbench serve`), and the `workbench` CLI works as usual.',
  );
  process.exit(0);
}
console.log('[workbench] Electron binary is installed.');

let sqlite;
try {
  sqlite = installElectronSqlite();
} catch (error) {
  sqlite = { ok: false, reason: error instanceof Error ? error.message : String(error) };
}
if (sqlite.ok) {
  console.log(`[workbench] better-sqlite3 for Electron is installed (${sqlite.source}).`);
} else {
  console.warn(
    `[workbench] Could not install better-sqlite3 for Electron (${sqlite.reason.slice(0, 300)}).\n` +
      '[workbench] Everything else is installed: `npm start` opens the workbench in your browser instead ' +
      `(\`workbench serve\`) until \`${FIX_COMMAND}\` succeeds, and the \`workbench\` CLI works as usual.`,
  );
}
process.exit(0);
