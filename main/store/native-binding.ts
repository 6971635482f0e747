import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * Which better-sqlite3 binary this runtime loads. `npm install` builds better-sqlite3 for Node (the CLI,
 * `workbench serve`, the tests); Electron's main process and its training worker threads have another ABI and
 * load a second build that the postinstall puts beside it (scripts/electron-sqlite.mjs, which writes these
 * files; `npm run install:electron-sqlite` redoes it), passed as better-sqlite3's `nativeBinding` option.
 */

/** What a user runs to (re)install the Electron build; the postinstall's messages name it too. */
export const ELECTRON_SQLITE_FIX_COMMAND = 'npm run install:electron-sqlite';

/** Under node_modules, beside better-sqlite3: gone with node_modules, so never stale after `npm ci`. */
const ELECTRON_SQLITE_DIR = '.workbench-electron';

export interface ElectronSqliteFiles {
  /** The binary built for Electron's ABI. */
  binding: string;
  /** What it was built for: `{betterSqlite3, electron, abi, platform, arch, source}`. */
  stamp: string;
}

/** The runtime as far as this choice is concerned: `process.versions`, or a simulated one in tests. */
export interface RuntimeVersions {
  electron?: string;
  /** NODE_MODULE_VERSION, the ABI. */
  modules: string;
}

interface Stamp {
  betterSqlite3?: string;
  electron?: string;
  abi?: string;
}

export class ElectronSqliteMissingError extends Error {
  constructor(
    readonly binding: string,
    why: string,
  ) {
    super(
      `better-sqlite3 built for Electron is ${why} (${binding}). Install it with \`${ELECTRON_SQLITE_FIX_COMMAND}\` ` +
        `in the project folder.`,
    );
    this.name = 'ElectronSqliteMissingError';
  }
}

const requireHere = createRequire(import.meta.url);

/** The folder better-sqlite3 is installed in; the Electron build lives beside it. */
function defaultNodeModulesDir(): string {
  return path.dirname(path.dirname(requireHere.resolve('better-sqlite3/package.json')));
}

export function electronSqliteFiles(nodeModulesDir: string = defaultNodeModulesDir()): ElectronSqliteFiles {
  const dir = path.join(nodeModulesDir, ELECTRON_SQLITE_DIR);
  return { binding: path.join(dir, 'better_sqlite3.node'), stamp: path.join(dir, 'better_sqlite3.json') };
}

function readStamp(file: string): Stamp | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Stamp;
  } catch {
    return undefined;
  }
}

function installedSqliteVersion(nodeModulesDir: string): string | undefined {
  try {
    const pkg = path.join(nodeModulesDir, 'better-sqlite3', 'package.json');
    return (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/**
 * The `nativeBinding` better-sqlite3 needs here: undefined under Node (its own build loads as usual), the
 * Electron build under Electron. A Node worker thread inside Electron is recognised by its ABI as well as by
 * `process.versions.electron`, which such threads may not carry. Throws ElectronSqliteMissingError, naming
 * the command that fixes it, when Electron's build is missing or was made for another Electron or
 * better-sqlite3.
 */
export function sqliteNativeBinding(
  runtime: RuntimeVersions = process.versions,
  nodeModulesDir: string = defaultNodeModulesDir(),
): string | undefined {
  const files = electronSqliteFiles(nodeModulesDir);
  const stamp = readStamp(files.stamp);
  const isElectron =
    runtime.electron !== undefined || (stamp?.abi !== undefined && stamp.abi === runtime.modules);
  if (!isElectron) return undefined;
  if (!fs.existsSync(files.binding) || !stamp)
    throw new ElectronSqliteMissingError(files.binding, 'not installed');
  if (
    stamp.abi !== runtime.modules ||
    (runtime.electron !== undefined && stamp.electron !== runtime.electron)
  ) {
    throw new ElectronSqliteMissingError(
      files.binding,
      `built for Electron ${stamp.electron ?? '?'} (ABI ${stamp.abi ?? '?'}), not for this Electron ` +
        `${runtime.electron ?? ''} (ABI ${runtime.modules})`,
    );
  }
  const installed = installedSqliteVersion(nodeModulesDir);
  if (installed !== undefined && stamp.betterSqlite3 !== installed) {
    throw new ElectronSqliteMissingError(
      files.binding,
      `from better-sqlite3 ${stamp.betterSqlite3 ?? '?'}, but ${installed} is installed`,
    );
  }
  return files.binding;
}
