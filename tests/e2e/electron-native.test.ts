import { execFile, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../main/store/database';
import { electronSqliteFiles } from '../../main/store/native-binding';
import { ROOT, tempWorkspace } from '../support/cli';

/**
 * The postinstall's second step, for real: `npm run install:electron-sqlite` runs better-sqlite3's own
 * prebuild-install for the Electron runtime against a local server standing in for GitHub's release host,
 * and the store then opens with what it installed. The payload is the Node build (a real Electron build
 * cannot be had offline), which is also what lets this Node process load it.
 */

const requireHere = createRequire(import.meta.url);
const run = promisify(execFile);

function packageDir(name: string, from = ROOT): string {
  return dirname(createRequire(join(from, 'package.json')).resolve(`${name}/package.json`));
}

const sqliteDir = packageDir('better-sqlite3');
const sqliteVersion = (
  JSON.parse(readFileSync(join(sqliteDir, 'package.json'), 'utf8')) as { version: string }
).version;
const electronDir = packageDir('electron');
const electronVersion = (
  JSON.parse(readFileSync(join(electronDir, 'package.json'), 'utf8')) as { version: string }
).version;
const nodeBuild = join(sqliteDir, 'build', 'Release', 'better_sqlite3.node');

/** The ABI as prebuild-install computes it (node-abi), independent of the electron package's abi_version. */
function electronAbi(): string {
  const nodeAbi = createRequire(join(packageDir('prebuild-install', sqliteDir), 'package.json'))(
    'node-abi',
  ) as {
    getAbi(target: string, runtime: string): string;
  };
  return nodeAbi.getAbi(electronVersion, 'electron');
}

interface Host {
  server: Server;
  url: string;
  requests: string[];
}

/** A release host serving `files` (URL path → bytes) and 404 for anything else; it records every request. */
async function startHost(files: Record<string, Buffer>): Promise<Host> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    const body = files[req.url ?? ''];
    if (req.method === 'GET' && body) {
      res.writeHead(200, { 'Content-Type': 'application/gzip', 'Content-Length': body.length });
      res.end(body);
    } else {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

/** A tarball laid out as prebuild-install unpacks it: build/Release/better_sqlite3.node. */
function prebuiltTarball(dir: string): Buffer {
  mkdirSync(join(dir, 'payload', 'build', 'Release'), { recursive: true });
  copyFileSync(nodeBuild, join(dir, 'payload', 'build', 'Release', 'better_sqlite3.node'));
  const tarball = join(dir, 'prebuilt.tar.gz');
  const tar = spawnSync('tar', [
    '-czf',
    tarball,
    '-C',
    join(dir, 'payload'),
    'build/Release/better_sqlite3.node',
  ]);
  if (tar.status !== 0) throw new Error(`tar failed: ${tar.stderr.toString()}`);
  return readFileSync(tarball);
}

/** The install step as `npm run install:electron-sqlite` runs it, downloading from `host`. */
async function installStep(
  workspace: string,
  host: string,
  outDir: string,
): Promise<{ code: number; output: string }> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    npm_config_better_sqlite3_binary_host: host,
    // Fresh caches: prebuild-install keeps downloads in the npm cache, node-gyp its headers in devdir.
    npm_config_cache: join(workspace, 'npm-cache'),
    npm_config_devdir: join(workspace, 'node-gyp'),
  };
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      [
        join(ROOT, 'scripts', 'install-electron-sqlite.mjs'),
        '--out-dir',
        outDir,
        '--headers-url',
        `${host}/headers`,
      ],
      { cwd: ROOT, env, timeout: 240_000 },
    );
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

const hosts: Host[] = [];
let abi: string;

beforeAll(() => {
  abi = electronAbi();
});

afterAll(async () => {
  await Promise.all(hosts.map((h) => new Promise((resolve) => h.server.close(resolve))));
});

describe('better-sqlite3 for Electron', () => {
  it('knows the pinned Electron ABI the same way prebuild-install does', () => {
    expect(readFileSync(join(electronDir, 'abi_version'), 'utf8').trim()).toBe(abi);
  });

  it('downloads the Electron prebuilt to where openDatabase looks, and the store opens with it', async () => {
    const workspace = tempWorkspace('workbench-electron-sqlite-');
    const asset = `/v${sqliteVersion}/better-sqlite3-v${sqliteVersion}-electron-v${abi}-linux-x64.tar.gz`;
    const host = await startHost({ [asset]: prebuiltTarball(workspace.dir) });
    hosts.push(host);
    const nodeModules = join(workspace.dir, 'node_modules');
    const files = electronSqliteFiles(nodeModules);

    const result = await installStep(workspace.dir, host.url, dirname(files.binding));

    expect(result.output).toContain('better-sqlite3 for Electron is installed (prebuilt)');
    expect(result.code).toBe(0);
    // It asked for the Electron runtime at the pinned Electron's ABI, and for nothing else.
    expect(host.requests).toEqual([`GET ${asset}`]);
    expect(readFileSync(files.binding).equals(readFileSync(nodeBuild))).toBe(true);
    expect(JSON.parse(readFileSync(files.stamp, 'utf8'))).toMatchObject({
      betterSqlite3: sqliteVersion,
      electron: electronVersion,
      abi,
      source: 'prebuilt',
    });
    // The staging folder is gone; the Node build was not touched.
    expect(readdirSync(dirname(files.binding)).sort()).toEqual([
      'better_sqlite3.json',
      'better_sqlite3.node',
    ]);

    // What the postinstall writes for this checkout is where the store looks by default.
    expect(electronSqliteFiles().binding).toBe(
      join(ROOT, 'node_modules', '.workbench-electron', 'better_sqlite3.node'),
    );

    // Under a simulated Electron the store loads exactly that file and works.
    const db = openDatabase(workspace.db, undefined, {
      runtime: { electron: electronVersion, modules: abi },
      nodeModulesDir: nodeModules,
    });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(requireHere.cache[files.binding]).toBeDefined();
    } finally {
      db.close();
    }
  });

  it('without a prebuilt, tries the build from Electron headers, then fails with the command to retry', async () => {
    const workspace = tempWorkspace('workbench-electron-sqlite-');
    const host = await startHost({});
    hosts.push(host);
    const outDir = dirname(electronSqliteFiles(join(workspace.dir, 'node_modules')).binding);

    const result = await installStep(workspace.dir, host.url, outDir);

    expect(result.code).toBe(1);
    expect(result.output).toContain('Could not install better-sqlite3 for Electron: no prebuilt binary');
    expect(result.output).toContain('building from source failed');
    expect(result.output).toContain('npm run install:electron-sqlite');
    // First the prebuilt for Electron's ABI, then Electron's (not Node's) headers for the pinned version.
    expect(host.requests[0]).toBe(
      `GET /v${sqliteVersion}/better-sqlite3-v${sqliteVersion}-electron-v${abi}-linux-x64.tar.gz`,
    );
    expect(host.requests).toContain(
      `GET /headers/v${electronVersion}/node-v${electronVersion}-headers.tar.gz`,
    );
    expect(existsSync(outDir) ? readdirSync(outDir) : []).toEqual([]);
  });
});
