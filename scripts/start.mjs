// `npm start`: builds if needed, then opens the Electron app; without the Electron binary or without
// better-sqlite3 built for Electron (offline installs) it says so and serves the same UI to the browser
// instead (`workbench serve`). Extra arguments (`npm start -- --port 0`) go to `workbench serve`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { electronSqliteInstalled, FIX_COMMAND } from './electron-sqlite.mjs';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);

const built = ['main/cli.js', 'main/index.js', 'preload/index.cjs', 'renderer/index.html'].every((file) =>
  existsSync(join(root, 'out', file)),
);
if (!built || process.env.WORKBENCH_REBUILD) {
  const build = spawnSync(
    process.execPath,
    [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    { cwd: root, stdio: 'inherit' },
  );
  if (build.status !== 0) process.exit(build.status ?? 1);
}

function electronBinary() {
  try {
    const pkgDir = dirname(require.resolve('electron/package.json'));
    return existsSync(join(pkgDir, 'path.txt')) ? require('electron') : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Runs a child with this terminal and exits with its status. Ctrl-C reaches the child directly (same
 * process group), so this process ignores it and waits for the child's own orderly shutdown; a SIGTERM sent
 * to this process alone is passed on.
 */
function runAndExit(command, args) {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
  process.on('SIGINT', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.on('error', (error) => {
    console.error(`npm start: could not start ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + signalNumber(signal) : 1)));
}

function signalNumber(signal) {
  return { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 }[signal] ?? 0;
}

const electron = electronBinary();
const browserInstead = (why) => {
  console.log(`${why}: opening the workbench in your browser instead.`);
  runAndExit(process.execPath, [join(root, 'bin', 'workbench.mjs'), 'serve', ...process.argv.slice(2)]);
};
if (!electron) {
  browserInstead('The Electron binary is not installed (its download failed during `npm install`)');
} else if (!electronSqliteInstalled()) {
  browserInstead(
    `better-sqlite3 built for Electron is not installed (\`${FIX_COMMAND}\` installs it, online)`,
  );
} else {
  runAndExit(electron, [root]);
}
