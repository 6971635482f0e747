// The first step of `npm test`: installs what the tests need that npm cannot bring, so that the README's two
// commands pass on a fresh machine. Today that is Debian's Chromium for the browser suite (Playwright cannot
// download its own browser here), the tools the storage-fault tests fail a file system with, and Slurm with
// munge for the cluster tests. Where it cannot install (no root and no passwordless sudo, no apt-get), it stops
// at once with one line naming the command to run, instead of letting a test fail minutes later.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { buildBlas, DEBIAN_PACKAGE as OPENBLAS_DEV, missingBlas } from './build-blas.mjs';
import { CHROMIUM_PATH } from './chromium.mjs';

/** Debian packages the test suite needs, with the file each one provides. */
const NEEDED = [
  { pkg: 'chromium', provides: CHROMIUM_PATH },
  { pkg: 'fonts-dejavu-core', provides: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf' },
  // tests/e2e/storage-faults.test.ts: a small ext4 image to fail under a run, and the ioctl that fails it.
  { pkg: 'e2fsprogs', provides: '/sbin/mkfs.ext4' },
  { pkg: 'python3-minimal', provides: '/usr/bin/python3' },
  // tests/e2e/model-export.test.ts: runs the README's numpy lines on an exported .npz with /usr/bin/python3.
  { pkg: 'python3-numpy', provides: '/usr/lib/python3/dist-packages/numpy/__init__.py' },
  // tests/e2e/slurm.test.ts: a one-node Slurm cluster on localhost. The packages' own attempt to start their
  // daemons fails without systemd, which is fine: tests/support/slurm.ts starts its own.
  { pkg: 'slurm-wlm', provides: '/usr/sbin/slurmctld' },
  { pkg: 'munge', provides: '/usr/sbin/munged' },
  // main/engine/backend/blas-matmul.test.ts: the BLAS addon (native/blas), built against OpenBLAS below.
  { pkg: OPENBLAS_DEV, provides: 'cblas.h and libopenblas.so', present: () => missingBlas() === null },
];

const isPresent = (n) => (n.present ? n.present() : existsSync(n.provides));

/** Builds the BLAS addon when it is not built (a few seconds), so that the tests exercise the BLAS path. */
function ensureBlasAddon() {
  if (missingBlas() !== null) return; // only where apt-get is missing too; the BLAS tests then say why
  const result = buildBlas({ ifMissing: true, quiet: true });
  if (result.why === 'built') console.log('npm test: built the BLAS addon (native/blas).');
  if (!result.ok) {
    console.error(`npm test: the BLAS addon could not be built (${result.why}); try: npm run build:blas`);
    process.exit(1);
  }
}

const missing = NEEDED.filter((n) => !isPresent(n));
if (missing.length === 0) {
  ensureBlasAddon();
  process.exit(0);
}

const packages = missing.map((n) => n.pkg);
const manual = `sudo apt-get install -y ${packages.join(' ')}`;

function fail(why) {
  console.error(`npm test: ${why}; install them with: ${manual}`);
  process.exit(1);
}

if (process.env.WORKBENCH_CHROMIUM && missing.some((n) => n.provides === CHROMIUM_PATH)) {
  fail(`WORKBENCH_CHROMIUM=${CHROMIUM_PATH} does not exist`);
}
if (!existsSync('/usr/bin/apt-get'))
  fail(`the tests need ${packages.join(', ')} and this machine has no apt-get`);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const canSudo =
  !isRoot && spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore', timeout: 10_000 }).status === 0;
if (!isRoot && !canSudo) fail(`the tests need ${packages.join(', ')}, and installing them needs root`);

const sudo = isRoot ? [] : ['sudo', '-n'];
function apt(args) {
  const [cmd, ...rest] = [...sudo, 'apt-get', ...args];
  return spawnSync(cmd, rest, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    timeout: 600_000,
  });
}

console.log(`npm test: installing ${packages.join(', ')} from Debian (first run on this machine only)…`);
// A fresh machine's package lists may be empty or stale; a failed update still lets a cached list work.
apt(['update', '-qq']);
const install = apt(['install', '-y', '-qq', '--no-install-recommends', ...packages]);
const still = missing.filter((n) => !isPresent(n));
if (install.status !== 0 || still.length > 0) {
  const why = (install.stderr?.toString() ?? '').trim().split('\n').pop() ?? '';
  fail(`apt-get could not install ${still.map((n) => n.pkg).join(', ') || packages.join(', ')} (${why})`);
}
console.log(`npm test: installed ${packages.join(', ')}.`);
ensureBlasAddon();
