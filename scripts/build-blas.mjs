// Builds the optional BLAS addon (native/blas: one C file against Node-API, linked to OpenBLAS or Accelerate)
// with node-gyp, and checks that the build loads. `npm run build:blas` reports a failure with exit code 1;
// `--optional` (npm install's postinstall, npm test's first step) reports it in one line and exits 0: without
// the addon, training runs on the wasm kernels and `workbench doctor` says why.
//
//   node scripts/build-blas.mjs [--optional] [--if-missing] [--quiet]
//
// --if-missing: do nothing when a build that loads is already there.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNodeGyp } from './node-gyp.mjs';

export const ADDON_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'native', 'blas');
export const ADDON_FILE = join(ADDON_DIR, 'build', 'Release', 'workbench_blas.node');
export const DEBIAN_PACKAGE = 'libopenblas-dev';

/** Where Debian and most Linux distributions put headers and libraries. */
function multiarchDirs(base) {
  const dirs = [base, join(base, 'local')].flatMap((b) => [join(b, 'include'), join(b, 'lib')]);
  for (const root of ['/usr/include', '/usr/lib']) {
    try {
      for (const entry of readdirSync(root, { withFileTypes: true })) {
        if (entry.isDirectory() && /-linux-gnu/.test(entry.name)) dirs.push(join(root, entry.name));
      }
    } catch {
      // no such folder
    }
  }
  return dirs;
}

/** null when the platform's BLAS (headers and library) is there to build against, else why not. */
export function missingBlas() {
  if (process.platform === 'darwin') return null; // Accelerate ships with macOS.
  if (process.platform !== 'linux') return `no BLAS build is set up for ${process.platform}`;
  const dirs = multiarchDirs('/usr');
  const header = dirs.some((d) => existsSync(join(d, 'cblas.h')));
  const library = dirs.some((d) => existsSync(join(d, 'libopenblas.so')));
  if (header && library) return null;
  return `OpenBLAS's development files are not installed (${header ? '' : 'cblas.h'}${
    header || library ? '' : ', '
  }${library ? '' : 'libopenblas.so'} not found; Debian/Ubuntu: sudo apt-get install ${DEBIAN_PACKAGE})`;
}

/** node-gyp: found as findNodeGyp finds it, else one on PATH. */
function nodeGyp() {
  const script = findNodeGyp();
  return script ? [process.execPath, script] : ['node-gyp'];
}

/** This Node's own headers (a distribution's /usr/include/node, or an official tarball's include/node). */
function nodeDirArgs() {
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

/** null when the built addon loads in a fresh Node and computes a product, else why not. */
export function addonLoadProblem() {
  if (!existsSync(ADDON_FILE)) return 'not built';
  const check = spawnSync(
    process.execPath,
    [
      '-e',
      `const b = require(${JSON.stringify(ADDON_FILE)}); const c = new Float32Array(1);
       b.sgemm(false, false, 1, 1, 1, new Float32Array([2]), new Float32Array([3]), c, null, false);
       if (c[0] !== 6) throw new Error('computed ' + c[0] + ' for 2 x 3');`,
    ],
    { encoding: 'utf8', timeout: 60_000 },
  );
  if (check.status === 0) return null;
  const lines = (check.stderr || String(check.error ?? '')).trim().split('\n');
  return lines.find((l) => /Error/.test(l))?.trim() ?? lines[0] ?? 'it does not load';
}

/** Builds the addon; { ok, why }. */
export function buildBlas({ ifMissing = false, quiet = false } = {}) {
  if (ifMissing && addonLoadProblem() === null) return { ok: true, why: 'already built' };
  const missing = missingBlas();
  if (missing) return { ok: false, why: missing };
  const [cmd, ...args] = nodeGyp();
  const built = spawnSync(cmd, [...args, 'rebuild', '--release', ...nodeDirArgs()], {
    cwd: ADDON_DIR,
    encoding: 'utf8',
    stdio: ['ignore', quiet ? 'pipe' : 'inherit', 'pipe'],
    timeout: 300_000,
  });
  if (built.status !== 0) {
    const lines = (built.stderr || String(built.error ?? '')).trim().split('\n');
    const why =
      lines
        .filter((l) => /error|not found|ERR!/i.test(l))
        .slice(0, 2)
        .join(' / ') || lines.pop();
    return { ok: false, why: `node-gyp failed: ${why}` };
  }
  const problem = addonLoadProblem();
  return problem ? { ok: false, why: `built, but it does not load: ${problem}` } : { ok: true, why: 'built' };
}

function main() {
  const flags = new Set(process.argv.slice(2));
  const optional = flags.has('--optional');
  const result = buildBlas({ ifMissing: flags.has('--if-missing'), quiet: flags.has('--quiet') || optional });
  if (result.ok) {
    console.log(
      `[workbench] BLAS addon ${result.why}: ${ADDON_FILE} (matrix products on the platform's BLAS).`,
    );
    return;
  }
  const message = `[workbench] BLAS addon not built: ${result.why}. Training uses the wasm kernels.`;
  if (optional) {
    console.log(message);
  } else {
    console.error(message);
    process.exitCode = 1;
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) main();
