import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { appRoot } from '../app-paths';
import { describeStartupError, isNativeModuleMismatch } from '../electron/startup-error';
import { ElectronSqliteMissingError } from '../store/native-binding';
import { CONTENT_SECURITY_POLICY, META_CONTENT_SECURITY_POLICY } from './csp';
import { hostHeaderChecker, isLoopbackHost, isWildcardHost } from './host-check';
import { resolveStaticPath } from './static-files';
import { isTrustedAppUrl } from './trusted-origin';

describe('isTrustedAppUrl', () => {
  const rendererDir = join(appRoot(), 'out', 'renderer');
  const page = pathToFileURL(join(rendererDir, 'index.html')).href;

  it('trusts the built renderer’s pages, with or without a fragment', () => {
    expect(isTrustedAppUrl(page, { rendererDir })).toBe(true);
    expect(isTrustedAppUrl(`${page}#/compare`, { rendererDir })).toBe(true);
  });

  it('trusts nothing else', () => {
    for (const url of [
      pathToFileURL(join(appRoot(), 'package.json')).href,
      pathToFileURL(rendererDir).href,
      pathToFileURL(`${rendererDir}-evil/index.html`).href,
      `${pathToFileURL(rendererDir).href}/%2e%2e/%2e%2e/package.json`,
      'https://example.com/',
      'http://localhost:5173/',
      'data:text/html,hi',
      'javascript:alert(1)',
      '',
    ]) {
      expect(isTrustedAppUrl(url, { rendererDir }), url).toBe(false);
    }
    expect(isTrustedAppUrl(page, { rendererDir: 'out/renderer' })).toBe(false);
  });

  it('trusts the dev server’s origin, and only its origin', () => {
    const origin = { rendererDir, devServerUrl: 'http://localhost:5173/' };
    expect(isTrustedAppUrl('http://localhost:5173/#/runs', origin)).toBe(true);
    expect(isTrustedAppUrl('http://localhost:5174/', origin)).toBe(false);
    expect(isTrustedAppUrl('http://localhost.evil.example:5173/', origin)).toBe(false);
    expect(isTrustedAppUrl('https://example.com', { rendererDir, devServerUrl: 'javascript:x' })).toBe(false);
  });
});

describe('host checks', () => {
  it('tells loopback and wildcard hosts apart', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]']) {
      expect(isLoopbackHost(host), host).toBe(true);
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.2', 'example.com', '128.0.0.1']) {
      expect(isLoopbackHost(host), host).toBe(false);
    }
    expect(isWildcardHost('0.0.0.0')).toBe(true);
    expect(isWildcardHost('[::]')).toBe(true);
    expect(isWildcardHost('127.0.0.1')).toBe(false);
  });

  it('accepts the bound host and the loopback names only', () => {
    const check = hostHeaderChecker('192.168.1.20');
    expect(check('192.168.1.20:5317')).toBe(true);
    expect(check('localhost:5317')).toBe(true);
    expect(check('evil.example:5317')).toBe(false);
    expect(check(undefined)).toBe(false);
    expect(check('bad host')).toBe(false);
  });
});

describe('resolveStaticPath', () => {
  it('keeps every spelling of ".." inside the folder', () => {
    const root = '/srv/renderer';
    expect(resolveStaticPath(root, '/')).toBe('/srv/renderer/index.html');
    expect(resolveStaticPath(root, '/assets/a.js')).toBe('/srv/renderer/assets/a.js');
    for (const path of ['/../x', '/..%2fx', '/%2e%2e%2fx', '/assets/../../x', '/%00', '/%E0%A4%A']) {
      expect(resolveStaticPath(root, path), path).toBeUndefined();
    }
  });
});

describe('CONTENT_SECURITY_POLICY', () => {
  it('is the meta policy of renderer/index.html plus the header-only frame-ancestors', () => {
    const html = readFileSync(join(appRoot(), 'renderer', 'index.html'), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/i.exec(html);
    expect(meta?.[1]).toBe(META_CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toBe(`${META_CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`);
  });
});

describe('describeStartupError', () => {
  it('explains a better-sqlite3 built for Node, with both ways out', () => {
    const error = new Error(
      "The module '/app/node_modules/better-sqlite3/build/Release/better_sqlite3.node' was compiled against a " +
        'different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 140.',
    );
    expect(isNativeModuleMismatch(error)).toBe(true);
    const { title, content } = describeStartupError(error);
    expect(title).toMatch(/database module for Electron is missing/);
    expect(content).toContain('npm run install:electron-sqlite');
    expect(content).toContain('workbench serve');
  });

  it('names the install command when the Electron build is not there', () => {
    const error = new ElectronSqliteMissingError(
      '/app/node_modules/.workbench-electron/better_sqlite3.node',
      'not installed',
    );
    expect(isNativeModuleMismatch(error)).toBe(true);
    const { content } = describeStartupError(error);
    expect(content).toContain('    npm run install:electron-sqlite\n');
    expect(content).toContain('.workbench-electron/better_sqlite3.node');
  });

  it('reports any other failure as it is', () => {
    const error = new Error('SQLITE_CANTOPEN: unable to open database file');
    expect(isNativeModuleMismatch(error)).toBe(false);
    expect(describeStartupError(error).content).toContain('SQLITE_CANTOPEN');
  });
});
