// `npm start`: builds if needed, then opens the Electron app; without the Electron binary (offline installs)
// it says so and shows what the command-line workbench can do instead.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1;

if (!existsSync(join(root, 'out', 'main', 'cli.js')) || process.env.WORKBENCH_REBUILD) {
  const status = run(process.execPath, [
    join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
    'build',
  ]);
  if (status !== 0) process.exit(status);
}

function electronBinary() {
  try {
    const pkgDir = dirname(require.resolve('electron/package.json'));
    return existsSync(join(pkgDir, 'path.txt')) ? require('electron') : undefined;
  } catch {
    return undefined;
  }
}

const electron = electronBinary();
if (electron) process.exit(run(electron, [root]));

const workbench = join(root, 'bin', 'workbench.mjs');
console.log('The Electron binary is not installed here (its download failed during `npm install`).');
console.log('The workbench runs from the command line meanwhile; this is your setup:\n');
run(process.execPath, [workbench, 'doctor']);
console.log('');
run(process.execPath, [workbench, 'datasets']);
console.log('\nTrain a bundled preset, e.g. E7 on Iris:  npx workbench run e7-iris-nesterov');
console.log('See every epoch of it:                     npx workbench runs && npx workbench show <RUN_ID>');
