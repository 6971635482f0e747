// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiEvent, WorkbenchBridge } from '../../../common/api/contract';
import { pickClient, TOKEN_STORAGE_KEY } from './pick-client';

type TestWindow = Window & { workbench?: unknown };

beforeEach(() => {
  window.sessionStorage.clear();
  window.history.replaceState(null, '', '/');
});
afterEach(() => {
  delete (window as TestWindow).workbench;
  vi.unstubAllGlobals();
});

describe('pickClient', () => {
  it('takes the token from #token=…, keeps it for reloads and removes it from the address', async () => {
    window.history.replaceState(null, '', '/#token=abc123');
    const choice = pickClient();
    expect(choice.kind).toBe('ready');
    expect(window.sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe('abc123');
    expect(window.location.href).not.toContain('abc123');
    expect(window.location.hash).toBe('#/runs');

    // The token goes out as the header on every call.
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ ok: true, result: [] })));
    vi.stubGlobal('fetch', fetchMock);
    if (choice.kind !== 'ready') throw new Error('no client');
    expect(choice.client.transport).toBe('http');
    await choice.client.call('runs.list', {});
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(`${window.location.origin}/api/runs.list`);
    expect((init.headers as Record<string, string>)['x-workbench-token']).toBe('abc123');
  });

  it('keeps the route when the token came inside it', () => {
    window.history.replaceState(null, '', '/#/compare?ids=a,b&token=xyz');
    expect(pickClient().kind).toBe('ready');
    expect(window.location.hash).toBe('#/compare?ids=a%2Cb');
    expect(window.sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe('xyz');
  });

  it('uses the stored token after a reload', () => {
    window.sessionStorage.setItem(TOKEN_STORAGE_KEY, 'stored');
    window.history.replaceState(null, '', '/#/runs/r1');
    expect(pickClient().kind).toBe('ready');
    expect(window.location.hash).toBe('#/runs/r1');
  });

  it('asks for the printed URL when there is no token', () => {
    window.history.replaceState(null, '', '/#/runs');
    expect(pickClient()).toEqual({ kind: 'no-token' });
  });

  it('uses the Electron bridge when the preload exposed one', async () => {
    const listeners: ((e: ApiEvent) => void)[] = [];
    const bridge: WorkbenchBridge = {
      call: vi.fn(async () => ({ ok: true as const, result: { runId: 'r9' } })),
      onEvent: (listener) => {
        listeners.push(listener);
        return () => {};
      },
      saveFile: vi.fn(async () => true),
      upload: vi.fn(async () => 'transfer-id'),
      saveTransfer: vi.fn(async () => true),
    };
    (window as TestWindow).workbench = bridge;
    window.history.replaceState(null, '', '/#token=ignored');
    const choice = pickClient();
    if (choice.kind !== 'ready') throw new Error('no client');
    expect(choice.client.transport).toBe('electron');
    expect(await choice.client.call('runs.rerun', { runId: 'r1' })).toEqual({ runId: 'r9' });
    const seen: ApiEvent[] = [];
    choice.client.subscribe((e) => seen.push(e));
    listeners[0]({ type: 'runs.changed' });
    expect(seen).toEqual([{ type: 'runs.changed' }]);
    await choice.client.saveFile('a.csv', 'x,y', 'text/csv');
    expect(bridge.saveFile).toHaveBeenCalledWith('a.csv', 'x,y');
  });
});
