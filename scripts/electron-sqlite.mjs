// better-sqlite3 for Electron, side by side with the Node build that `npm install` makes.
//
// `npm install` builds better-sqlite3 for the Node that runs it (the CLI, `workbench serve`, the tests).
// Electron's main process (the services and the training worker threads) embeds another Node ABI and cannot
// load that build. This installs a second binary, for the pinned Electron's ABI, into
// node_modules/.workbench-electron/better_sqlite3.node (with better_sqlite3.json saying what it was built
// for); main/store/native-binding.ts hands that path to better-sqlite3's `nativeBinding` option in Electron.
//
// Route: better-sqlite3's own prebuilt binary for the Electron runtime, fetched by its prebuild-install (the
// host can be replaced with npm_config_better_sqlite3_binary_host, which is how the test serves it); failing
// that, a build from better-sqlite3's sources with node-gyp against Electron's headers. Both run in a staging
// folder, so the Node build in node_modules/better-sqlite3/build is never touched.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNodeGyp } from './node-gyp.mjs';

export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
/** What a user runs to retry this step; main/electron/startup-error.ts names the same command. */
export const FIX_COMMAND = 'npm run install:electron-sqlite';
/** Keep in step with main/store/native-binding.ts. */
export const ELECTRON_SQLITE_DIR = join(ROOT, 'node_modules', '.workbench-electron');
const BINDING_FILE = 'better_sqlite3.node';
const STAMP_FILE = 'better_sqlite3.json';
const ELECTRON_HEADERS_URL = 'https://electronjs.org/headers';

function packageDir(name, from = ROOT) {
  return dirname(createRequire(join(from, 'package.json')).resolve(`${name}/package.json`));
}

function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The pinned Electron: its version and the ABI (NODE_MODULE_VERSION) its package declares. */
export function electronTarget() {
  const dir = packageDir('electron');
  return {
    version: readJson(join(dir, 'package.json')).version,
    abi: readFileSync(join(dir, 'abi_version'), 'utf8').trim(),
  };
}

/** True when the Electron build for this better-sqlite3 and this Electron is in place. */
export function electronSqliteInstalled(outDir = ELECTRON_SQLITE_DIR) {
  try {
    const stamp = readJson(join(outDir, STAMP_FILE));
    const wanted = electronTarget();
    return (
      existsSync(join(outDir, BINDING_FILE)) &&
      stamp.electron === wanted.version &&
      stamp.abi === wanted.abi &&
      stamp.betterSqlite3 === readJson(join(packageDir('better-sqlite3'), 'package.json')).version
    );
  } catch {
    return false;
  }
}

/**
 * The child's environment: npm exports its config as npm_config_*; `nodedir` (set on these machines) would
 * make node-gyp build against Node's headers while printing success, and target/runtime/disturl would
 * override the flags given here.
 */
function childEnv(env) {
  const clean = { ...env };
  for (const key of Object.keys(clean)) {
    if (/^npm_config_(nodedir|target|runtime|disturl|dist_url|arch|platform|build_from_source)$/i.test(key)) {
      delete clean[key];
    }
    // prebuild-install skips the download when it thinks the package came from git; these describe the
    // root project npm is installing, not better-sqlite3.
    if (/^npm_package_(resolved|from)$/i.test(key)) delete clean[key];
  }
  return clean;
}

function run(command, args, options) {
  const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, ...options });
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  return { ok: result.status === 0, output, error: result.error };
}

/** One line saying why a tool failed: node-gyp's error, prebuild-install's warning, or the last line. */
function lastLine(output, fallback) {
  const gypError = /gyp ERR! stack (\S*Error: .*)/.exec(output)?.[1];
  const prebuildWarning = /prebuild-install warn install (.*)/.exec(output)?.[1];
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^gyp (info|ERR! not ok)|^prebuild-install info/.test(l));
  return (gypError ?? prebuildWarning ?? lines.at(-1) ?? fallback ?? 'no output').slice(0, 300);
}

function fromPrebuilt({ staging, sqliteDir, target, arch, platform, env, log }) {
  // prebuild-install reads ./package.json (name, version, repository: the download URL) and unpacks into
  // ./build/Release, so it runs in the staging folder with better-sqlite3's package.json beside it.
  cpSync(join(sqliteDir, 'package.json'), join(staging, 'package.json'));
  const bin = join(packageDir('prebuild-install', sqliteDir), 'bin.js');
  const args = [
    bin,
    '--runtime',
    'electron',
    '--target',
    target.version,
    '--arch',
    arch,
    '--platform',
    platform,
  ];
  log(`[workbench] better-sqlite3 for Electron ${target.version}: downloading the prebuilt binary…`);
  const result = run(process.execPath, args, { cwd: staging, env: childEnv(env), timeout: 120_000 });
  return result.ok ? undefined : `no prebuilt binary (${lastLine(result.output, String(result.error))})`;
}

function fromSource({ staging, sqliteDir, target, arch, env, headersUrl, log }) {
  const gyp = findNodeGyp(env);
  if (!gyp) return 'no node-gyp found to build it from source';
  for (const part of ['package.json', 'binding.gyp', 'src', 'deps']) {
    cpSync(join(sqliteDir, part), join(staging, part), { recursive: true });
  }
  log(`[workbench] better-sqlite3 for Electron ${target.version}: building from source (a few minutes)…`);
  const args = [
    gyp,
    'rebuild',
    '--release',
    '--runtime=electron',
    `--target=${target.version}`,
    `--arch=${arch}`,
    `--dist-url=${headersUrl}`,
  ];
  const result = run(process.execPath, args, { cwd: staging, env: childEnv(env), timeout: 900_000 });
  if (!result.ok) return `building from source failed (${lastLine(result.output, String(result.error))})`;
  // A build can succeed against the wrong headers (see childEnv); the config it used says which ABI it has.
  const config = readFileSync(join(staging, 'build', 'config.gypi'), 'utf8');
  const abi = /['"]node_module_version['"]\s*:\s*(\d+)/.exec(config)?.[1];
  if (abi !== undefined && abi !== target.abi) {
    return `the source build targeted ABI ${abi}, not Electron's ${target.abi}`;
  }
  return undefined;
}

/**
 * Installs the Electron build of better-sqlite3. Returns `{ ok: true, binding, source }` or
 * `{ ok: false, reason }`; never throws for a failed download or build.
 *
 * options: outDir (default node_modules/.workbench-electron), arch / platform (default npm's or this
 * process's), env (default process.env; the download host and npm cache come from it), headersUrl (where
 * node-gyp fetches Electron's headers), force (reinstall even when the stamp matches), log.
 */
export function installElectronSqlite(options = {}) {
  const env = options.env ?? process.env;
  const outDir = resolve(options.outDir ?? ELECTRON_SQLITE_DIR);
  const arch = options.arch ?? env.npm_config_arch ?? process.arch;
  const platform = options.platform ?? env.npm_config_platform ?? process.platform;
  const log = options.log ?? ((line) => console.log(line));
  const binding = join(outDir, BINDING_FILE);
  if (!options.force && electronSqliteInstalled(outDir)) {
    return { ok: true, binding, source: 'already installed' };
  }
  const target = electronTarget();
  const sqliteDir = packageDir('better-sqlite3');
  const sqliteVersion = readJson(join(sqliteDir, 'package.json')).version;
  const staging = join(outDir, `staging-${process.pid}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  try {
    const context = {
      staging,
      sqliteDir,
      target,
      arch,
      platform,
      env,
      log,
      headersUrl: options.headersUrl ?? ELECTRON_HEADERS_URL,
    };
    const reasons = [];
    let source;
    const prebuiltProblem = fromPrebuilt(context);
    if (prebuiltProblem === undefined) {
      source = 'prebuilt';
    } else {
      reasons.push(prebuiltProblem);
      rmSync(join(staging, 'build'), { recursive: true, force: true });
      const sourceProblem = fromSource(context);
      if (sourceProblem === undefined) source = 'source';
      else reasons.push(sourceProblem);
    }
    const built = join(staging, 'build', 'Release', BINDING_FILE);
    if (source === undefined || !existsSync(built)) {
      return { ok: false, reason: reasons.join('; ') || `no ${BINDING_FILE} was produced` };
    }
    // Replaced by rename, so a running app never sees half a file.
    cpSync(built, `${binding}.tmp`);
    renameSync(`${binding}.tmp`, binding);
    const stamp = {
      betterSqlite3: sqliteVersion,
      electron: target.version,
      abi: target.abi,
      platform,
      arch,
      source,
    };
    writeFileSync(join(outDir, STAMP_FILE), `${JSON.stringify(stamp, null, 2)}\n`);
    return { ok: true, binding, source };
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
