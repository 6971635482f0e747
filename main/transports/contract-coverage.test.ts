import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  API_METHOD_NAMES,
  HTTP_TOKEN_HEADER,
  IPC_CHANNELS,
  type ApiHandlers,
  type ApiMethodName,
  type ApiResponse,
} from '../../common/api/contract';
import { BRIDGE_CHANNELS, BRIDGE_METHOD_NAMES, createWorkbenchBridge } from '../../preload/bridge';
import type { ApiBackend } from '../api/backend-types';
import { createWorkbenchBackend } from '../api/workbench-backend';
import { startHttpServer, type RunningHttpServer } from './http-server';
import { registerIpcHandlers } from './ipc-main';
import { fakeIpc, tempRendererDir, TEST_CACHE_DIR } from './test-support';

/**
 * Every method of the contract has a handler behind both transports. Params are chosen so that no call
 * trains or changes anything, yet each passes the contract's param check and so reaches its handler;
 * the Record type makes a new contract method a compile error here until it is covered.
 */
const PARAMS: Record<ApiMethodName, unknown> = {
  'app.info': {},
  'datasets.list': {},
  'datasets.inspect': { transferId: 'AAAAAAAAAAAAAAAAAAAAAAAA' },
  'datasets.import': { transferId: 'AAAAAAAAAAAAAAAAAAAAAAAA', name: 'none' },
  'datasets.delete': { datasetId: 'no-such-dataset' },
  'datasets.preview': { datasetId: 'no-such-dataset' },
  'presets.list': {},
  'config.check': { config: { name: 'incomplete' } },
  'runs.list': {},
  'runs.get': { runId: 'no-such-run' },
  'runs.epochs': { runIds: ['no-such-run'] },
  'runs.epochColumns': { runIds: ['no-such-run'] },
  'runs.layers': { runId: 'no-such-run' },
  'runs.points': { runIds: ['no-such-run'] },
  'runs.start': { config: { name: 'incomplete' } },
  'runs.rerun': { runId: 'no-such-run' },
  'runs.cancel': { runId: 'no-such-run' },
  'runs.delete': { runIds: ['no-such-run'] },
  'runs.setTags': { runId: 'no-such-run', tags: ['a'] },
  'runs.details': { runIds: ['no-such-run'] },
  'runs.resume': { runId: 'no-such-run' },
  'runs.fork': { runId: 'no-such-run', epoch: 'last', config: {} },
  'checkpoints.prune': { runIds: ['no-such-run'], keep: 'best' },
  'models.evaluate': { runId: 'no-such-run' },
  'models.export': { runId: 'no-such-run', format: 'npz' },
  'models.firstLayer': { runId: 'no-such-run' },
  'grids.presets': {},
  'grids.check': { spec: { name: 'incomplete' } },
  'grids.start': { spec: { name: 'incomplete' } },
  'grids.list': {},
  'grids.get': { gridId: 'no-such-grid' },
  'grids.cancel': { gridId: 'no-such-grid' },
  'grids.pruneReplay': { gridId: 'no-such-grid', pruning: {} },
  'grids.resume': { gridId: 'no-such-grid' },
  'grids.slurm': { spec: { name: 'incomplete' } },
  'archives.export': { selection: { tag: 'no-such-tag' } },
  'archives.inspect': { transferId: 'AAAAAAAAAAAAAAAAAAAAAAAA' },
  'archives.import': { transferId: 'AAAAAAAAAAAAAAAAAAAAAAAA' },
};

let backend: ApiBackend;
/** The real handlers, each noting that it was reached (and by which transport's call). */
const reached: string[] = [];
let recording: Pick<ApiBackend, 'handlers' | 'subscribe' | 'transfers'>;
let server: RunningHttpServer;
let rendererDir: string;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'workbench-contract-'));
  backend = await createWorkbenchBackend({
    dbPath: join(dir, 'runs.db'),
    cacheDir: TEST_CACHE_DIR,
    transport: 'http',
    maxWorkers: 1,
  });
  const handlers = Object.fromEntries(
    API_METHOD_NAMES.map((method) => [
      method,
      (params: unknown) => {
        reached.push(method);
        return (backend.handlers[method] as (p: unknown) => unknown)(params);
      },
    ]),
  ) as unknown as ApiHandlers;
  recording = {
    handlers,
    subscribe: (listener) => backend.subscribe(listener),
    transfers: backend.transfers,
  };
  ({ rendererDir } = tempRendererDir());
  server = await startHttpServer({ backend: recording, host: '127.0.0.1', port: 0, rendererDir });
});

afterAll(async () => {
  await server?.close();
  await backend?.close();
});

function wiredBridge() {
  const ipc = fakeIpc(pathToFileURL(join(rendererDir, 'index.html')).href);
  const unregister = registerIpcHandlers(ipc.ipcMain, recording, {
    rendererDir,
    allWebContents: () => [ipc.webContents],
    showSaveDialog: () => Promise.resolve(undefined),
  });
  return { ipc, bridge: createWorkbenchBridge(ipc.ipcRenderer), unregister };
}

function expectHandled(method: string, response: ApiResponse): void {
  if (!response.ok) {
    expect(response.error.message, method).not.toMatch(/unknown method/);
    expect(response.error.code, `${method}: ${response.error.message}`).not.toBe('internal');
  }
}

describe('the contract over both transports', () => {
  it('the preload knows exactly the contract: its methods and channels', () => {
    expect([...BRIDGE_METHOD_NAMES].sort()).toEqual([...API_METHOD_NAMES].sort());
    expect(BRIDGE_CHANNELS).toEqual(IPC_CHANNELS);
  });

  it.each(API_METHOD_NAMES)('%s reaches its handler over HTTP', async (method) => {
    reached.length = 0;
    const res = await fetch(`${server.origin}/api/${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [HTTP_TOKEN_HEADER]: server.token },
      body: JSON.stringify(PARAMS[method]),
    });
    expectHandled(method, (await res.json()) as ApiResponse);
    expect(reached).toEqual([method]);
  });

  it.each(API_METHOD_NAMES)('%s reaches its handler over IPC, through the preload bridge', async (method) => {
    const { bridge, unregister } = wiredBridge();
    try {
      reached.length = 0;
      expectHandled(method, await bridge.call(method, PARAMS[method]));
      expect(reached).toEqual([method]);
    } finally {
      unregister();
    }
  });

  it('both transports answer the same for the same call', async () => {
    const { bridge, unregister } = wiredBridge();
    try {
      for (const method of ['runs.list', 'runs.get', 'presets.list'] as const) {
        const overIpc = await bridge.call(method, PARAMS[method]);
        const res = await fetch(`${server.origin}/api/${method}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', [HTTP_TOKEN_HEADER]: server.token },
          body: JSON.stringify(PARAMS[method]),
        });
        expect(await res.json(), method).toEqual(overIpc);
      }
    } finally {
      unregister();
    }
  });

  it('refuses an unknown method on both, reaching no handler', async () => {
    reached.length = 0;
    const res = await fetch(`${server.origin}/api/runs.launchMissiles`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [HTTP_TOKEN_HEADER]: server.token },
      body: '{}',
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'unknown method "runs.launchMissiles"' },
    });

    const { ipc, bridge, unregister } = wiredBridge();
    try {
      // The bridge answers without a round trip…
      for (const name of ['runs.launchMissiles', '__proto__', 'toString', 'constructor']) {
        const answer = await bridge.call(name, {});
        expect(answer).toEqual({
          ok: false,
          error: { code: 'not-found', message: `unknown method "${name}"` },
        });
      }
      expect(await bridge.call(42 as unknown as string, {})).toMatchObject({
        ok: false,
        error: { code: 'not-found' },
      });
      expect(ipc.ipcRenderer.invocations).toEqual([]);
      // …and the main side refuses it too, for a page that bypasses the bridge.
      const direct = await ipc.ipcRenderer.invoke(IPC_CHANNELS.call, 'runs.launchMissiles', {});
      expect(direct).toEqual({
        ok: false,
        error: { code: 'not-found', message: 'unknown method "runs.launchMissiles"' },
      });
    } finally {
      unregister();
    }
    expect(reached).toEqual([]);
  });
});
