import { describe, expect, it, vi } from 'vitest';
import { ApiError, type ApiEvent } from '../../../common/api/contract';
import type { EventSourceLike } from './event-feed';
import { createHttpClient, SESSION_INVALID_MESSAGE } from './http-client';

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

class FakeEventSource implements EventSourceLike {
  static instances: FakeEventSource[] = [];
  readyState = 0;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }
  addEventListener(): void {}
  close(): void {
    this.closed = true;
    this.readyState = 2;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  send(event: ApiEvent): void {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(event) }));
  }
  fail(): void {
    this.readyState = 2;
    this.onerror?.(new Event('error'));
  }
}

describe('createHttpClient', () => {
  it('answers ok:false with an ApiError carrying the server’s message and issues', async () => {
    const fetch = vi.fn(async () =>
      jsonResponse(
        { ok: false, error: { code: 'conflict', message: 'run r1 is running: cancel it first' } },
        409,
      ),
    );
    const client = createHttpClient('http://h', 't', { fetch });
    const error = await client.call('runs.delete', { runIds: ['r1'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).code).toBe('conflict');
    expect((error as ApiError).message).toBe('run r1 is running: cancel it first');
  });

  it('turns a 401 into a clear session message and reports it', async () => {
    const onUnauthorized = vi.fn();
    const fetch = vi.fn(async () =>
      jsonResponse({ ok: false, error: { code: 'unauthorized', message: 'wrong token' } }, 401),
    );
    const client = createHttpClient('http://h', 't', { fetch, onUnauthorized });
    const error = (await client.call('runs.list', {}).catch((e: unknown) => e)) as ApiError;
    expect(error.code).toBe('unauthorized');
    expect(error.message).toBe(SESSION_INVALID_MESSAGE);
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it('explains an unreachable server', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('Failed to fetch');
    });
    const client = createHttpClient('http://h', 't', { fetch });
    await expect(client.call('runs.list', {})).rejects.toThrow(/Cannot reach the workbench server/);
  });

  it('shares one event stream, reconnects after it closes, and asks for a refetch then', async () => {
    vi.useFakeTimers();
    FakeEventSource.instances = [];
    const client = createHttpClient('http://h/', 'to ken', {
      fetch: vi.fn(),
      eventSource: (url) => new FakeEventSource(url),
    });
    const a: ApiEvent[] = [];
    const b: ApiEvent[] = [];
    const stopA = client.subscribe((e) => a.push(e));
    const stopB = client.subscribe((e) => b.push(e));
    expect(FakeEventSource.instances).toHaveLength(1);
    const first = FakeEventSource.instances[0];
    expect(first.url).toBe('http://h/api/events?token=to%20ken');
    first.open();
    first.send({ type: 'run.status', runId: 'r', status: 'running' });
    expect(a).toEqual([{ type: 'run.status', runId: 'r', status: 'running' }]);
    expect(b).toHaveLength(1);

    first.fail();
    await vi.advanceTimersByTimeAsync(1000);
    expect(FakeEventSource.instances).toHaveLength(2);
    FakeEventSource.instances[1].open();
    expect(a.at(-1)).toEqual({ type: 'runs.changed' });

    stopA();
    stopB();
    expect(FakeEventSource.instances[1].closed).toBe(true);
    vi.useRealTimers();
  });
});
