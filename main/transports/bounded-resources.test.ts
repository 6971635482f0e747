import { mkdtempSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn, setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_TOKEN_HEADER, type ApiEvent } from '../../common/api/contract';
import type { ApiBackend } from '../api/backend-types';
import { createWorkbenchBackend } from '../api/workbench-backend';
import { startHttpServer, type RunningHttpServer } from './http-server';
import { SseReader, tempRendererDir, TEST_CACHE_DIR } from './test-support';

/**
 * `workbench serve` under load a client controls: an oversized body is refused before it is read, event
 * streams are bounded in number and in what each may have waiting, and the server keeps answering calls
 * meanwhile. Real server, real sockets; the events come from the test so that it can send megabytes of them.
 */

let backend: ApiBackend;
let rendererDir: string;
const servers: RunningHttpServer[] = [];
const testListeners = new Set<(event: ApiEvent) => void>();

interface Served {
  server: RunningHttpServer;
  /** Event subscriptions this server holds right now: a stream that ended must have given its own back. */
  subscriptions(): number;
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'workbench-bounded-'));
  backend = await createWorkbenchBackend({
    dbPath: join(dir, 'runs.db'),
    cacheDir: TEST_CACHE_DIR,
    transport: 'http',
    maxWorkers: 1,
  });
  ({ rendererDir } = tempRendererDir());
});

afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await backend?.close();
});

/** The backend's handlers, with events that the test emits (as well as the backend's own). */
async function serve(
  options: { maxEventStreams?: number; eventStreamMaxBufferedBytes?: number } = {},
): Promise<Served> {
  let subscriptions = 0;
  const server = await startHttpServer({
    backend: {
      handlers: backend.handlers,
      subscribe(listener) {
        subscriptions += 1;
        testListeners.add(listener);
        const unsubscribe = backend.subscribe(listener);
        return () => {
          subscriptions -= 1;
          testListeners.delete(listener);
          unsubscribe();
        };
      },
    },
    host: '127.0.0.1',
    port: 0,
    rendererDir,
    ...options,
  });
  servers.push(server);
  return { server, subscriptions: () => subscriptions };
}

function emit(event: ApiEvent): void {
  for (const listener of [...testListeners]) listener(event);
}

async function waitUntil(what: string, predicate: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await delay(20);
  }
}

/** app.info answers, and quickly: the server is not stuck behind what the test is doing to it. */
async function expectResponsive(server: RunningHttpServer): Promise<void> {
  const started = Date.now();
  const res = await fetch(`${server.origin}/api/app.info`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', [HTTP_TOKEN_HEADER]: server.token },
    body: '{}',
  });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { ok: boolean }).ok).toBe(true);
  expect(Date.now() - started).toBeLessThan(2_000);
}

interface Upload {
  response: string;
  /** Body bytes the client got onto the connection before the server closed it. */
  written: number;
}

/**
 * Sends a request head, then body bytes as fast as the server takes them, until the server closes the
 * connection or `max` bytes are out; never reads the server's answer early on purpose.
 */
function upload(server: RunningHttpServer, head: string, max: number, chunked: boolean): Promise<Upload> {
  return new Promise((resolve) => {
    const socket: Socket = connect(server.port, '127.0.0.1');
    let response = '';
    let written = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ response, written });
    };
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const framed = chunked
      ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')])
      : chunk;
    const pump = () => {
      while (!done && written < max) {
        written += chunk.length;
        if (!socket.write(framed)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    socket.on('data', (data: Buffer) => (response += data.toString('utf8')));
    socket.on('error', finish);
    socket.on('close', finish);
    socket.on('end', finish);
    socket.on('connect', () => {
      socket.write(head);
      pump();
    });
  });
}

describe('request bodies', () => {
  const GIGABYTE = 1024 * 1024 * 1024;

  it('refuses a body declared too large with 413, without reading it', async () => {
    const { server } = await serve();
    const head =
      `POST /api/runs.list HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n${HTTP_TOKEN_HEADER}: ${server.token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${GIGABYTE}\r\n\r\n`;
    const { response, written } = await upload(server, head, GIGABYTE, false);
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response).toMatch(/Connection: close/i);
    expect(response).toContain('the request body is larger than the limit of 2 MB');
    // The server closed the connection instead of draining the gigabyte.
    expect(written).toBeLessThan(64 * 1024 * 1024);
    await expectResponsive(server);
  });

  it('refuses a chunked body that grows past the limit, and stops reading it', async () => {
    const { server } = await serve();
    const head =
      `POST /api/runs.list HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n${HTTP_TOKEN_HEADER}: ${server.token}\r\n` +
      `Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const { response, written } = await upload(server, head, GIGABYTE, true);
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response).toContain('the request body is larger than the limit of 2 MB');
    expect(written).toBeLessThan(64 * 1024 * 1024);
    await expectResponsive(server);
  });
});

/** An event stream opened with Node's own client: status, and an SseReader once it is 200. */
function openStream(
  server: RunningHttpServer,
): Promise<{ status: number; body: string; close(): void; reader?: SseReader }> {
  const controller = new AbortController();
  return fetch(`${server.origin}/api/events?token=${server.token}`, { signal: controller.signal }).then(
    async (res) => {
      if (res.status !== 200)
        return { status: res.status, body: await res.text(), close: () => controller.abort() };
      return { status: 200, body: '', reader: new SseReader(res.body!), close: () => controller.abort() };
    },
  );
}

describe('event streams', () => {
  it('serves 200 streams at once, delivers to all of them and keeps answering calls', async () => {
    const { server, subscriptions } = await serve();
    const streams = await Promise.all(Array.from({ length: 200 }, () => openStream(server)));
    try {
      expect(streams.map((s) => s.status)).toEqual(Array(200).fill(200));
      await waitUntil('every stream subscribed', () => subscriptions() === 200);
      await expectResponsive(server);
      emit({ type: 'runs.changed' });
      for (const stream of streams) await stream.reader!.waitFor((r) => r.events.length === 1, 10_000);
    } finally {
      for (const stream of streams) stream.close();
    }
    await waitUntil('every stream gave its subscription back', () => subscriptions() === 0);
  });

  it('refuses streams past the limit with 503 and a message, and accepts again once one closes', async () => {
    const { server, subscriptions } = await serve({ maxEventStreams: 5 });
    const open = await Promise.all(Array.from({ length: 5 }, () => openStream(server)));
    try {
      expect(open.map((s) => s.status)).toEqual([200, 200, 200, 200, 200]);
      const refused = await openStream(server);
      expect(refused.status).toBe(503);
      expect(JSON.parse(refused.body)).toEqual({
        ok: false,
        error: {
          code: 'conflict',
          message: 'too many open event streams (5): close another window or tab of the workbench',
        },
      });
      await expectResponsive(server);
      open.pop()!.close();
      // The server counts a stream as closed once its socket closes.
      await waitUntil('the closed stream is released', () => subscriptions() === 4);
      const again = await openStream(server);
      open.push(again);
      expect(again.status).toBe(200);
    } finally {
      for (const stream of open) stream.close();
    }
    await waitUntil('every stream gave its subscription back', () => subscriptions() === 0);
  });

  it('drops a client that never reads once its backlog passes the cap, and keeps serving the others', async () => {
    const cap = 256 * 1024;
    const { server, subscriptions } = await serve({ eventStreamMaxBufferedBytes: cap });
    // A client that sends the request, sees the stream open, then never reads again.
    const slow = connect(server.port, '127.0.0.1');
    let slowBytes = 0;
    let slowEnded = false;
    slow.on('data', (data: Buffer) => (slowBytes += data.length));
    slow.on('close', () => (slowEnded = true));
    slow.on('error', () => (slowEnded = true));
    slow.write(
      `GET /api/events?token=${server.token} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAccept: text/event-stream\r\n\r\n`,
    );
    await waitUntil('the slow stream is open', () => slowBytes > 0 && subscriptions() === 1);
    slow.pause();
    const fast = await openStream(server);
    await waitUntil('the fast stream is open', () => subscriptions() === 2);

    // 16 KB events in bursts of 64 KB that the reading client keeps up with, until the other one is dropped:
    // that takes more than the kernel's socket buffers plus the cap, and less than the 64 MB allowed here.
    const event: ApiEvent = {
      type: 'run.status',
      runId: 'r'.repeat(36),
      status: 'failed',
      error: 'e'.repeat(16_000),
    };
    const eventBytes = JSON.stringify(event).length + 8;
    let sent = 0;
    try {
      while (subscriptions() === 2 && sent * eventBytes < 64 * 1024 * 1024) {
        for (let i = 0; i < 4; i++, sent++) emit(event);
        while (fast.reader!.events.length < sent && subscriptions() === 2) await nextTurn();
      }
      expect(subscriptions(), 'the slow client was dropped, the reading one was not').toBe(1);
      await fast.reader!.waitFor((r) => r.events.length === sent);
      emit(event);
      await fast.reader!.waitFor((r) => r.events.length === sent + 1);
      await expectResponsive(server);
      // Reading again, it gets what the kernel had taken, then the end: not everything that was sent.
      slow.resume();
      await waitUntil('the slow connection is closed', () => slowEnded, 10_000);
      expect(slowBytes).toBeLessThan(sent * eventBytes);
    } finally {
      fast.close();
      slow.destroy();
    }
  });
});

// A plain Node client sees the 413 too (not only a raw socket): what `fetch` and browsers get.
describe('an ordinary client', () => {
  it('gets the 413 answer for an oversized upload', async () => {
    const { server } = await serve();
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          method: 'POST',
          path: '/api/runs.list',
          headers: {
            'Content-Type': 'application/json',
            [HTTP_TOKEN_HEADER]: server.token,
            'Content-Length': 3 * 1024 * 1024,
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', (error) => reject(error));
      req.write(Buffer.alloc(64 * 1024, 0x20));
    });
    expect(status).toBe(413);
    await expectResponsive(server);
  });
});
