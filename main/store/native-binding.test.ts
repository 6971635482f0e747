import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './database';
import { ElectronSqliteMissingError, electronSqliteFiles, sqliteNativeBinding } from './native-binding';

const requireHere = createRequire(import.meta.url);
const sqliteDir = dirname(requireHere.resolve('better-sqlite3/package.json'));
const sqliteVersion = (requireHere('better-sqlite3/package.json') as { version: string }).version;
/** Node's build stands in for Electron's: this process can load it, and a simulated Electron can pick it. */
const nodeBuild = join(sqliteDir, 'build', 'Release', 'better_sqlite3.node');

const ELECTRON = { electron: '41.7.1', modules: '145' };

/** A node_modules with better-sqlite3's package.json and, unless `build: false`, an "Electron" build. */
function nodeModules(stamp: Record<string, string> | false = {}): { dir: string; binding: string } {
  const dir = join(mkdtempSync(join(tmpdir(), 'workbench-binding-')), 'node_modules');
  mkdirSync(join(dir, 'better-sqlite3'), { recursive: true });
  writeFileSync(join(dir, 'better-sqlite3', 'package.json'), JSON.stringify({ version: sqliteVersion }));
  const files = electronSqliteFiles(dir);
  if (stamp !== false) {
    mkdirSync(dirname(files.binding), { recursive: true });
    copyFileSync(nodeBuild, files.binding);
    const written = {
      betterSqlite3: sqliteVersion,
      electron: ELECTRON.electron,
      abi: ELECTRON.modules,
      ...stamp,
    };
    writeFileSync(files.stamp, JSON.stringify(written));
  }
  return { dir, binding: files.binding };
}

describe('sqliteNativeBinding', () => {
  it("leaves Node to better-sqlite3's own build", () => {
    const { dir } = nodeModules();
    expect(sqliteNativeBinding({ modules: process.versions.modules }, dir)).toBeUndefined();
    expect(sqliteNativeBinding(process.versions)).toBeUndefined();
  });

  it('gives Electron its own build, also to worker threads that carry only the ABI', () => {
    const { dir, binding } = nodeModules();
    expect(sqliteNativeBinding(ELECTRON, dir)).toBe(binding);
    expect(sqliteNativeBinding({ modules: ELECTRON.modules }, dir)).toBe(binding);
  });

  it('names the command that installs a missing or stale Electron build', () => {
    const missing = nodeModules(false);
    expect(() => sqliteNativeBinding(ELECTRON, missing.dir)).toThrow(ElectronSqliteMissingError);
    expect(() => sqliteNativeBinding(ELECTRON, missing.dir)).toThrow(
      /not installed .*better_sqlite3\.node\)\. Install it with `npm run install:electron-sqlite`/,
    );
    const otherElectron = nodeModules({ electron: '40.0.0', abi: '143' });
    expect(() => sqliteNativeBinding(ELECTRON, otherElectron.dir)).toThrow(
      /built for Electron 40\.0\.0 \(ABI 143\), not for this Electron 41\.7\.1 \(ABI 145\)/,
    );
    const otherSqlite = nodeModules({ betterSqlite3: '11.0.0' });
    expect(() => sqliteNativeBinding(ELECTRON, otherSqlite.dir)).toThrow(
      new RegExp(`from better-sqlite3 11\\.0\\.0, but ${sqliteVersion.replace(/\./g, '\\.')} is installed`),
    );
  });
});

describe('openDatabase under Electron', () => {
  it('loads the Electron build through nativeBinding and opens the store with it', () => {
    const { dir, binding } = nodeModules();
    expect(requireHere.cache[binding]).toBeUndefined();
    const file = join(dirname(dir), 'store', 'runs.db');
    const db = openDatabase(file, undefined, { runtime: ELECTRON, nodeModulesDir: dir });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.prepare('SELECT COUNT(*) AS n FROM runs').get()).toEqual({ n: 0 });
      // better-sqlite3 required exactly that file.
      expect(requireHere.cache[binding]).toBeDefined();
    } finally {
      db.close();
    }
  });

  it('refuses before creating anything when the Electron build is missing', () => {
    const { dir } = nodeModules(false);
    const file = join(dirname(dir), 'store', 'runs.db');
    expect(() => openDatabase(file, undefined, { runtime: ELECTRON, nodeModulesDir: dir })).toThrow(
      ElectronSqliteMissingError,
    );
    expect(existsSync(dirname(file))).toBe(false);
  });
});
