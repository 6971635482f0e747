// Electron's own postinstall is disabled (package.json "allowScripts"), because in offline places its
// binary download fails and would fail the whole `npm install`. This runs the same download and
// tolerates failure: online machines get Electron, offline ones get the CLI and the browser UI.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

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
if (result.status === 0) {
  console.log('[workbench] Electron binary is installed.');
} else {
  const why =
    (result.stderr?.toString() ?? '').split('\n').find((l) => l.trim()) ?? String(result.error ?? '');
  console.warn(
    '[workbench] Could not download the Electron binary (' +
      why.trim().slice(0, 160) +
      ').\n[workbench] Everything else is installed: `npm start` opens the workbench in your browser instead ' +
      '(`workbench serve`), and the `workbench` CLI works as usual.',
  );
}
process.exit(0);
