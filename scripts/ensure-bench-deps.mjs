// Installs what `npm run bench` measures its Python peers with, as scripts/ensure-test-deps.mjs does for the
// tests: Debian's numpy and PyTorch for /usr/bin/python3, on Debian's threaded OpenBLAS. The bench runs it
// before it measures the peers. Unlike the tests' step it never fails: a peer that cannot be installed is a
// skipped row, and this says why (no root and no passwordless sudo, no apt-get, or a package this machine's
// package lists do not have, e.g. python3-torch outside Debian/Ubuntu amd64 and arm64).
//
//   node scripts/ensure-bench-deps.mjs [--json]
//
// Progress goes to stderr; with --json the last line on stdout is
// {"present": [pkg], "installed": [pkg], "unavailable": [{"pkg", "why"}], "failed": [{"pkg", "why"}], "manual": cmd|null}.
import { spawnSync } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Debian packages of the peers, in install order. */
export const BENCH_PACKAGES = ['libopenblas0-pthread', 'python3-numpy', 'python3-torch'];

const say = (line) => process.stderr.write(`npm run bench: ${line}\n`);

/** True when dpkg has the package installed. */
function installed(pkg) {
  const q = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8', timeout: 30_000 });
  return q.status === 0 && /\binstall ok installed\b/.test(q.stdout);
}

/** The version apt would install, or null when the package lists have none ("Candidate: (none)" or unknown). */
function candidate(pkg) {
  const q = spawnSync('apt-cache', ['policy', pkg], { encoding: 'utf8', timeout: 60_000 });
  const match = /Candidate:\s*(\S+)/.exec(q.stdout ?? '');
  return match && match[1] !== '(none)' ? match[1] : null;
}

function hasCommand(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/**
 * Installs the missing BENCH_PACKAGES where it can. Returns what was there, what it installed, what the
 * package lists lack, what failed, and the command to run by hand (null when nothing is left to do).
 */
export function ensureBenchDeps() {
  const result = { present: [], installed: [], unavailable: [], failed: [], manual: null };
  if (process.platform !== 'linux' || !hasCommand('dpkg-query')) {
    result.failed = BENCH_PACKAGES.map((pkg) => ({ pkg, why: 'not a Debian/Ubuntu system (no dpkg)' }));
    return result;
  }
  const missing = [];
  for (const pkg of BENCH_PACKAGES) (installed(pkg) ? result.present : missing).push(pkg);
  if (missing.length === 0) return result;
  result.manual = `sudo apt-get install -y ${missing.join(' ')}`;
  if (!hasCommand('apt-get')) {
    result.failed = missing.map((pkg) => ({ pkg, why: 'this machine has no apt-get' }));
    return result;
  }
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const canSudo =
    !isRoot &&
    hasCommand('sudo') &&
    spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
  if (!isRoot && !canSudo) {
    result.failed = missing.map((pkg) => ({ pkg, why: 'installing needs root (no passwordless sudo)' }));
    return result;
  }
  const sudo = isRoot ? [] : ['sudo', '-n'];
  const apt = (args) => {
    const [cmd, ...rest] = [...sudo, 'apt-get', ...args];
    return spawnSync(cmd, rest, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 1_200_000,
    });
  };
  say(`installing ${missing.join(', ')} from Debian for the Python peers (first run on this machine only)…`);
  // A fresh machine's package lists may be empty or stale; a failed update still lets a cached list work.
  apt(['update', '-qq']);
  const available = missing.filter((pkg) => {
    if (candidate(pkg) !== null) return true;
    result.unavailable.push({
      pkg,
      why: `apt-cache policy ${pkg}: no candidate in this machine's package lists`,
    });
    return false;
  });
  if (available.length > 0) {
    const lastLine = (r) => (r.stderr?.toString() ?? '').trim().split('\n').pop() || `exit ${r.status}`;
    const all = apt(['install', '-y', '-qq', '--no-install-recommends', ...available]);
    for (const pkg of available) {
      if (installed(pkg)) {
        result.installed.push(pkg);
        continue;
      }
      // One package that fails (a download cut off) must not keep the others out: each alone, once more.
      const alone = all.status === 0 ? all : apt(['install', '-y', '-qq', '--no-install-recommends', pkg]);
      if (installed(pkg)) result.installed.push(pkg);
      else result.failed.push({ pkg, why: `apt-get install failed (${lastLine(alone)})` });
    }
  }
  const left = [...result.unavailable, ...result.failed].map((f) => f.pkg);
  result.manual = left.length > 0 ? `sudo apt-get install -y ${left.join(' ')}` : null;
  return result;
}

function main() {
  const result = ensureBenchDeps();
  if (result.installed.length > 0) say(`installed ${result.installed.join(', ')}.`);
  for (const f of [...result.unavailable, ...result.failed]) say(`${f.pkg} not installed: ${f.why}`);
  if (process.argv.includes('--json')) process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) main();
