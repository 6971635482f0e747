import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IPC_CHANNELS, type ApiEvent } from '../../common/api/contract';
import { createWorkbenchBridge } from '../../preload/bridge';
import type { ApiBackend } from '../api/backend-types';
import { createWorkbenchBackend } from '../api/workbench-backend';
import { registerIpcHandlers } from './ipc-main';
import { MAX_SAVE_BYTES } from './save-file';
import { fakeIpc, tempRendererDir, tinyIrisConfig, TEST_CACHE_DIR } from './test-support';

let backend: ApiBackend;
let rendererDir: string;
let workDir: string;

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'workbench-ipc-'));
  backend = await createWorkbenchBackend({
    dbPath: join(workDir, 'runs.db'),
    cacheDir: TEST_CACHE_DIR,
    transport: 'electron',
    maxWorkers: 1,
  });
  ({ rendererDir } = tempRendererDir());
});

afterAll(async () => {
  await backend?.close();
});

/** IPC wired as in the app, with a save dialog that answers `dialogAnswer` and records what it was asked. */
function wire(options: { frameUrl?: string; dialogAnswer?: string; devServerUrl?: string } = {}) {
  const ipc = fakeIpc(options.frameUrl ?? pathToFileURL(join(rendererDir, 'index.html')).href + '#/runs');
  const dialogAsked: string[] = [];
  const unregister = registerIpcHandlers(ipc.ipcMain, backend, {
    rendererDir,
    devServerUrl: options.devServerUrl,
    allWebContents: () => [ipc.webContents],
    showSaveDialog: (_sender, defaultName) => {
      dialogAsked.push(defaultName);
      return Promise.resolve(options.dialogAnswer);
    },
  });
  return { ...ipc, bridge: createWorkbenchBridge(ipc.ipcRenderer), unregister, dialogAsked };
}

describe('registerIpcHandlers', () => {
  it('answers calls from the app page with the electron transport', async () => {
    const { bridge, unregister } = wire();
    try {
      const info = await bridge.call('app.info', {});
      expect(info).toMatchObject({ ok: true, result: { transport: 'electron' } });
    } finally {
      unregister();
    }
  });

  it('refuses calls and saves from frames that are not the app', async () => {
    const foreign = [
      'https://evil.example/index.html',
      'file:///etc/passwd',
      pathToFileURL(join(rendererDir, '..', 'secret.txt')).href,
      'http://localhost:5173/',
      'about:blank',
      'not a url',
    ];
    for (const frameUrl of foreign) {
      const { bridge, unregister } = wire({ frameUrl, dialogAnswer: join(workDir, 'never.csv') });
      try {
        const answer = await bridge.call('runs.list', {});
        expect(answer, frameUrl).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
        await expect(bridge.saveFile('x.csv', 'a')).rejects.toThrow(/not a page of the workbench/);
      } finally {
        unregister();
      }
    }
    const gone = wire();
    gone.setFrameUrl(null);
    expect(await gone.bridge.call('runs.list', {})).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
    gone.unregister();
  });

  it('trusts the dev server origin only when one is given', async () => {
    const { bridge, unregister } = wire({
      frameUrl: 'http://localhost:5173/#/runs',
      devServerUrl: 'http://localhost:5173',
    });
    try {
      expect(await bridge.call('runs.list', {})).toEqual({ ok: true, result: [] });
    } finally {
      unregister();
    }
  });

  it('saves bytes or text where the dialog says, and reports a cancelled dialog', async () => {
    const target = join(workDir, 'export.csv');
    const saved = wire({ dialogAnswer: target });
    try {
      expect(await saved.bridge.saveFile('runs.csv', 'a,b\n1,2\n')).toBe(true);
      expect(readFileSync(target, 'utf8')).toBe('a,b\n1,2\n');
      expect(await saved.bridge.saveFile('plot.png', new Uint8Array([137, 80, 78, 71]))).toBe(true);
      expect([...readFileSync(target)]).toEqual([137, 80, 78, 71]);
      expect(saved.dialogAsked).toEqual(['runs.csv', 'plot.png']);
    } finally {
      saved.unregister();
    }
    const cancelled = wire({ dialogAnswer: undefined });
    try {
      expect(await cancelled.bridge.saveFile('runs.csv', 'x')).toBe(false);
    } finally {
      cancelled.unregister();
    }
  });

  it('validates what it is asked to save before any dialog opens', async () => {
    const { bridge, ipcRenderer, unregister, dialogAsked } = wire({
      dialogAnswer: join(workDir, 'never.csv'),
    });
    try {
      const bad: Array<[unknown, unknown, RegExp]> = [
        [42, 'x', /fileName must be a string/],
        ['', 'x', /1 to 255 characters/],
        ['a'.repeat(256), 'x', /1 to 255 characters/],
        ['../evil.csv', 'x', /plain file name/],
        ['dir\\evil.csv', 'x', /plain file name/],
        ['evil\n.csv', 'x', /plain file name/],
        ['..', 'x', /plain file name/],
        ['ok.csv', 42, /data must be a string or a Uint8Array/],
        ['ok.csv', { length: 3 }, /data must be a string or a Uint8Array/],
        ['ok.csv', new Uint8Array(MAX_SAVE_BYTES + 1), /more than the limit of 100 MB/],
      ];
      for (const [fileName, data, message] of bad) {
        await expect(ipcRenderer.invoke(IPC_CHANNELS.saveFile, fileName, data)).rejects.toThrow(message);
      }
      await expect(bridge.saveFile('a/b.csv', 'x')).rejects.toThrow(/plain file name/);
      expect(dialogAsked).toEqual([]);
    } finally {
      unregister();
    }
  });

  it('pushes a real run’s events to every window, and stops after unregistering', async () => {
    const { bridge, webContents, ipcRenderer, unregister } = wire();
    const received: ApiEvent[] = [];
    const stop = bridge.onEvent((event) => received.push(event));
    expect(ipcRenderer.listenerCount(IPC_CHANNELS.event)).toBe(1);

    const started = await bridge.call('runs.start', { config: tinyIrisConfig(2) });
    expect(started.ok).toBe(true);
    const runId = started.ok ? (started.result as { runId: string }).runId : '';
    await expect
      .poll(
        () => received.some((e) => e.type === 'run.status' && e.runId === runId && e.status === 'completed'),
        {
          timeout: 60_000,
        },
      )
      .toBe(true);
    const epochs = received.flatMap((e) =>
      e.type === 'run.epoch' && e.runId === runId ? [e.metrics.epoch] : [],
    );
    expect(epochs).toEqual([1, 2]);

    stop();
    expect(ipcRenderer.listenerCount(IPC_CHANNELS.event)).toBe(0);

    // A destroyed window is skipped: a listener behind it hears nothing of the next run.
    const late: ApiEvent[] = [];
    const stopLate = bridge.onEvent((event) => late.push(event));
    webContents.destroyed = true;
    const again = await bridge.call('runs.rerun', { runId });
    expect(again.ok).toBe(true);
    const rerunId = again.ok ? (again.result as { runId: string }).runId : '';
    await expect
      .poll(
        async () => {
          const run = await bridge.call('runs.get', { runId: rerunId });
          return run.ok && (run.result as { status: string }).status;
        },
        { timeout: 60_000 },
      )
      .toBe('completed');
    expect(late).toEqual([]);
    stopLate();

    // Once unregistered, nothing is answered.
    unregister();
    expect(await bridge.call('runs.list', {})).toMatchObject({
      ok: false,
      error: { code: 'internal', message: expect.stringMatching(/No handler registered/) },
    });
  });
});
