import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_METHOD_NAMES,
  HTTP_TOKEN_HEADER,
  type ApiEvent,
  type ApiResponse,
} from '../../common/api/contract';
import type { ApiBackend } from '../api/backend-types';
import { createWorkbenchBackend } from '../api/workbench-backend';
import { CONTENT_SECURITY_POLICY } from './csp';
import { startHttpServer, type RunningHttpServer } from './http-server';
import { rawRequest, SseReader, tempRendererDir, tinyIrisConfig, TEST_CACHE_DIR } from './test-support';

let backend: ApiBackend;
let server: RunningHttpServer;
let secret: string;
let rendererDir: string;
/** Event subscriptions the server holds right now: a closed stream must give its own back. */
let subscriptions = 0;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'workbench-http-'));
  backend = await createWorkbenchBackend({
    dbPath: join(dir, 'runs.db'),
    cacheDir: TEST_CACHE_DIR,
    transport: 'http',
    maxWorkers: 1,
  });
  ({ rendererDir, secret } = tempRendererDir());
  const counted: Pick<ApiBackend, 'handlers' | 'subscribe'> = {
    handlers: backend.handlers,
    subscribe(listener) {
      subscriptions += 1;
      const unsubscribe = backend.subscribe(listener);
      return () => {
        subscriptions -= 1;
        unsubscribe();
      };
    },
  };
  server = await startHttpServer({
    backend: counted,
    host: '127.0.0.1',
    port: 0,
    rendererDir,
    heartbeatMs: 100,
  });
});

afterAll(async () => {
  await server?.close();
  await backend?.close();
});

/** `token: null` sends none. */
function call(method: string, params: unknown, token: string | null = server.token): Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (token !== null) headers[HTTP_TOKEN_HEADER] = token;
  return fetch(`${server.origin}/api/${method}`, { method: 'POST', headers, body: JSON.stringify(params) });
}

async function json(res: Response): Promise<ApiResponse> {
  return (await res.json()) as ApiResponse;
}

describe('startHttpServer', () => {
  it('prints a loopback URL whose fragment carries the token', () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/#token=${server.token}`);
    expect(server.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(server.origin).toBe(`http://127.0.0.1:${server.port}`);
  });

  it('refuses every /api/ path without the token or with a wrong one, events included', async () => {
    const paths = [
      ...API_METHOD_NAMES.map((m) => `/api/${m}`),
      '/api/no.such.method',
      '/api/events',
      '/api/',
    ];
    for (const path of paths) {
      const variants: Array<Record<string, string>> = [
        {},
        { [HTTP_TOKEN_HEADER]: 'x'.repeat(32) },
        { [HTTP_TOKEN_HEADER]: '' },
      ];
      for (const headers of variants) {
        for (const method of ['GET', 'POST']) {
          const res = await rawRequest(server.port, { method, path, headers });
          expect(res.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401);
          const body = JSON.parse(res.body) as ApiResponse;
          expect(body).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
          expect(res.headers['cache-control']).toBe('no-store');
        }
      }
    }
    const missing = await json(await call('app.info', {}, null));
    expect(!missing.ok && missing.error.message).toMatch(/missing token.*x-workbench-token/);
    const wrong = await json(await call('app.info', {}, 'A'.repeat(32)));
    expect(!wrong.ok && wrong.error.message).toMatch(/wrong token/);
    // The query parameter is for EventSource only: a call must send the header.
    const viaQuery = await rawRequest(server.port, {
      method: 'POST',
      path: `/api/app.info?token=${server.token}`,
      body: '{}',
    });
    expect(viaQuery.status).toBe(401);
    const eventsWrongQuery = await rawRequest(server.port, { path: `/api/events?token=${'B'.repeat(32)}` });
    expect(eventsWrongQuery.status).toBe(401);
  });

  it('answers a call with the token: 200 and the contract envelope, no-store', async () => {
    const res = await call('app.info', {});
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const body = await json(res);
    expect(body.ok).toBe(true);
    expect(body.ok && (body.result as { transport: string }).transport).toBe('http');
    // An empty body stands for no params.
    const empty = await rawRequest(server.port, {
      method: 'POST',
      path: '/api/runs.list',
      headers: { [HTTP_TOKEN_HEADER]: server.token },
    });
    expect(empty.status).toBe(200);
    expect(JSON.parse(empty.body)).toEqual({ ok: true, result: [] });
  });

  it('maps error codes to HTTP statuses, with the same envelope', async () => {
    const notFound = await call('runs.get', { runId: 'no-such-run' });
    expect(notFound.status).toBe(404);
    expect(await json(notFound)).toMatchObject({ ok: false, error: { code: 'not-found' } });

    const invalid = await call('runs.get', { runId: 42 });
    expect(invalid.status).toBe(400);
    expect(await json(invalid)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });

    const unknown = await call('runs.launchMissiles', {});
    expect(unknown.status).toBe(404);
    const body = await json(unknown);
    expect(!body.ok && body.error.message).toMatch(/unknown method "runs.launchMissiles"/);

    const badConfig = await call('runs.start', { config: { dataset: { id: 'iris' } } });
    expect(badConfig.status).toBe(400);
    expect(await json(badConfig)).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('rejects malformed JSON, other content types, oversized bodies and wrong HTTP methods', async () => {
    const auth = { [HTTP_TOKEN_HEADER]: server.token };
    const bad = await rawRequest(server.port, {
      method: 'POST',
      path: '/api/runs.get',
      headers: { ...auth, 'Content-Type': 'application/json' },
      body: '{"runId": ',
    });
    expect(bad.status).toBe(400);
    const badBody = JSON.parse(bad.body) as ApiResponse;
    expect(badBody).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(!badBody.ok && badBody.error.message).toMatch(/^the request body is not valid JSON: /);

    const form = await rawRequest(server.port, {
      method: 'POST',
      path: '/api/runs.list',
      headers: { ...auth, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    });
    expect(form.status).toBe(415);

    const big = JSON.stringify({ config: { padding: 'x'.repeat(3 * 1024 * 1024) } });
    const tooLarge = await call('config.check', JSON.parse(big));
    expect(tooLarge.status).toBe(413);
    const tooLargeBody = await json(tooLarge);
    expect(!tooLargeBody.ok && tooLargeBody.error.message).toMatch(/larger than the limit of 2 MB/);

    // Chunked, so the size is only known while reading.
    const chunked = await rawRequest(server.port, {
      method: 'POST',
      path: '/api/config.check',
      headers: { ...auth, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      body: big,
    });
    expect(chunked.status).toBe(413);

    const get = await rawRequest(server.port, { path: '/api/runs.list', headers: auth });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    const postEvents = await rawRequest(server.port, { method: 'POST', path: '/api/events', headers: auth });
    expect(postEvents.status).toBe(405);
    expect(postEvents.headers.allow).toBe('GET');
    const putStatic = await rawRequest(server.port, { method: 'PUT', path: '/index.html' });
    expect(putStatic.status).toBe(405);
  });

  it('streams a real run over Server-Sent Events, with heartbeats, and stops on disconnect', async () => {
    const abort = new AbortController();
    const res = await fetch(`${server.origin}/api/events?token=${server.token}`, { signal: abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const sse = new SseReader(res.body!);
    expect(subscriptions).toBe(1);

    const started = await json(await call('runs.start', { config: tinyIrisConfig(3) }));
    expect(started.ok).toBe(true);
    const runId = started.ok ? (started.result as { runId: string }).runId : '';
    const ofRun = (e: ApiEvent) => 'runId' in e && e.runId === runId;
    await sse.waitFor((r) =>
      r.events.some((e) => ofRun(e) && e.type === 'run.status' && e.status === 'completed'),
    );

    const mine = sse.events.filter(ofRun);
    expect(
      mine.filter((e) => e.type === 'run.status').map((e) => e.type === 'run.status' && e.status),
    ).toEqual(['queued', 'running', 'completed']);
    expect(mine.some((e) => e.type === 'run.started')).toBe(true);
    const epochs = mine.flatMap((e) => (e.type === 'run.epoch' ? [e.metrics.epoch] : []));
    expect(epochs).toEqual([1, 2, 3]);
    await sse.waitFor((r) => r.comments.includes('heartbeat'), 5_000);

    abort.abort();
    await sse.ended();
    await expect.poll(() => subscriptions, { timeout: 5_000 }).toBe(0);
  });

  it('serves the built renderer with content types and security headers', async () => {
    const index = await fetch(`${server.origin}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    expect(index.headers.get('referrer-policy')).toBe('no-referrer');
    expect(await index.text()).toContain('Experiment Workbench');

    const js = await fetch(`${server.origin}/assets/app.js`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await js.text()).toContain('workbench');
    const css = await fetch(`${server.origin}/assets/style.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');

    const head = await rawRequest(server.port, { method: 'HEAD', path: '/index.html' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');

    for (const path of ['/missing.js', '/assets', '/assets/']) {
      const res = await rawRequest(server.port, { path });
      expect(res.status, path).toBe(404);
      expect(res.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('never serves a file outside the renderer folder', async () => {
    const attempts = [
      '/../package.json',
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/..%2fsecret.txt',
      '/..%2Fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/%252e%252e/secret.txt',
      '/assets/../../secret.txt',
      '//../secret.txt',
      '/index.html%00.js',
      '/%',
    ];
    for (const path of attempts) {
      const res = await rawRequest(server.port, { path });
      expect(res.status, path).toBe(404);
      expect(res.body, path).not.toContain(secret);
    }
  });

  it('refuses a Host header that is not this server (DNS rebinding)', async () => {
    const auth = { [HTTP_TOKEN_HEADER]: server.token };
    for (const host of [
      'evil.example',
      `evil.example:${server.port}`,
      '127.0.0.1.evil.example',
      'localhost.evil.example',
    ]) {
      const res = await rawRequest(server.port, { path: '/', headers: { Host: host } });
      expect(res.status, host).toBe(403);
      const api = await rawRequest(server.port, {
        method: 'POST',
        path: '/api/runs.list',
        headers: { ...auth, Host: host },
      });
      expect(api.status, host).toBe(403);
      expect(JSON.parse(api.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
    for (const host of [
      `127.0.0.1:${server.port}`,
      `localhost:${server.port}`,
      'LOCALHOST',
      `[::1]:${server.port}`,
    ]) {
      const res = await rawRequest(server.port, { path: '/', headers: { Host: host } });
      expect(res.status, host).toBe(200);
    }
  });

  it('accepts any Host when bound to every interface on purpose, and still wants the token', async () => {
    const open = await startHttpServer({ backend, host: '0.0.0.0', port: 0, rendererDir });
    try {
      expect(open.url).toBe(`http://127.0.0.1:${open.port}/#token=${open.token}`);
      expect(open.token).not.toBe(server.token);
      const page = await rawRequest(open.port, {
        path: '/',
        headers: { Host: `workstation.lan:${open.port}` },
      });
      expect(page.status).toBe(200);
      const api = await rawRequest(open.port, {
        method: 'POST',
        path: '/api/runs.list',
        headers: { Host: 'workstation.lan' },
      });
      expect(api.status).toBe(401);
    } finally {
      await open.close();
    }
  });

  it('validates its options and reports a busy port', async () => {
    await expect(startHttpServer({ backend, host: '127.0.0.1', port: 70000, rendererDir })).rejects.toThrow(
      /port must be an integer from 0 to 65535/,
    );
    await expect(startHttpServer({ backend, host: '', port: 0, rendererDir })).rejects.toThrow(
      /host must be/,
    );
    await expect(
      startHttpServer({ backend, host: '127.0.0.1', port: 0, rendererDir: 'out/renderer' }),
    ).rejects.toThrow(/rendererDir must be an absolute path/);
    await expect(
      startHttpServer({ backend, host: '127.0.0.1', port: 0, rendererDir: join(rendererDir, 'assets') }),
    ).rejects.toThrow(/no index.html/);
    await expect(
      startHttpServer({ backend, host: '127.0.0.1', port: 0, rendererDir, token: 'short' }),
    ).rejects.toThrow(/token must be 16 to 256 characters/);
    await expect(
      startHttpServer({ backend, host: '127.0.0.1', port: server.port, rendererDir }),
    ).rejects.toMatchObject({
      code: 'EADDRINUSE',
    });
  });

  it('close() ends open event streams and frees the port', async () => {
    const own = await startHttpServer({ backend, host: '127.0.0.1', port: 0, rendererDir });
    const res = await fetch(`${own.origin}/api/events`, { headers: { [HTTP_TOKEN_HEADER]: own.token } });
    const sse = new SseReader(res.body!);
    await sse.waitFor((r) => r.comments.includes('connected'), 5_000);
    await own.close();
    await sse.ended();
    const again = await startHttpServer({ backend, host: '127.0.0.1', port: own.port, rendererDir });
    await again.close();
  });
});
