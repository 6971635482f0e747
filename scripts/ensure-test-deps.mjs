// The first step of `npm test`: installs what the tests need that npm cannot bring, so that the README's two
// commands pass on a fresh machine. Today that is Debian's Chromium for the browser suite (Playwright cannot
// download its own browser here). Where it cannot install (no root and no passwordless sudo, no apt-get), it
// stops at once with one line naming the command to run, instead of letting a test fail minutes later.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { CHROMIUM_PATH } from './chromium.mjs';

/** Debian packages the test suite needs, with the file each one provides. */
const NEEDED = [
  { pkg: 'chromium', provides: CHROMIUM_PATH },
  { pkg: 'fonts-dejavu-core', provides: '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf' },
];

const missing = NEEDED.filter((n) => !existsSync(n.provides));
if (missing.length === 0) process.exit(0);

const packages = missing.map((n) => n.pkg);
const manual = `sudo apt-get install -y ${packages.join(' ')}`;

function fail(why) {
  console.error(`npm test: ${why}; install them with: ${manual}`);
  process.exit(1);
}

if (process.env.WORKBENCH_CHROMIUM && missing.some((n) => n.provides === CHROMIUM_PATH)) {
  fail(`WORKBENCH_CHROMIUM=${CHROMIUM_PATH} does not exist`);
}
if (!existsSync('/usr/bin/apt-get')) fail(`the tests need ${packages.join(', ')} and this machine has no apt-get`);

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
const still = missing.filter((n) => !existsSync(n.provides));
if (install.status !== 0 || still.length > 0) {
  const why = (install.stderr?.toString() ?? '').trim().split('\n').pop() ?? '';
  fail(`apt-get could not install ${still.map((n) => n.pkg).join(', ') || packages.join(', ')} (${why})`);
}
console.log(`npm test: installed ${packages.join(', ')}.`);
