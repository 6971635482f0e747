import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_TOKEN_HEADER, type ApiResponse } from '../../common/api/contract';
import { createWorkbenchBridge } from '../../preload/bridge';
import type { ApiBackend } from '../api/backend-types';
import { createWorkbenchBackend } from '../api/workbench-backend';
import { RunStore } from '../store/run-store';
import { CPU_BACKEND, makeEpoch, makeRunConfig } from '../store/testing/fixtures';
import { startHttpServer, type RunningHttpServer } from './http-server';
import { registerIpcHandlers } from './ipc-main';
import { fakeIpc, tempRendererDir, TEST_CACHE_DIR } from './test-support';

/**
 * Archives through both transports as the UI moves them: an upload becomes a transfer that archives.inspect
 * and archives.import read; an export becomes a transfer the browser downloads (or Electron saves).
 */

let dir: string;
let archive: string;
let runIds: string[];
let backend: ApiBackend;
let server: RunningHttpServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'workbench-transfers-test-'));
  const source = RunStore.open(join(dir, 'source.db'));
  runIds = ['a', 'b'].map((name) => {
    const run = source.createRun({
      config: makeRunConfig({ name, tags: ['moved'] }),
      datasetFingerprint: 'f',
      appVersion: 't',
    });
    source.startRun(run.id, { backend: CPU_BACKEND, pid: process.pid, host: 'lab' });
    source.appendEpoch(run.id, makeEpoch(1));
    source.finishRun(run.id, 'completed');
    return run.id;
  });
  archive = join(dir, 'moved.wbx');
  source.exportArchive({ tag: 'moved' }, archive, { withDatasets: false, appVersion: 't' });
  source.close();
  backend = await createWorkbenchBackend({
    dbPath: join(dir, 'target.db'),
    cacheDir: TEST_CACHE_DIR,
    transport: 'http',
    maxWorkers: 1,
  });
  server = await startHttpServer({
    backend,
    host: '127.0.0.1',
    port: 0,
    rendererDir: tempRendererDir().rendererDir,
  });
});

afterAll(async () => {
  await server?.close();
  await backend?.close();
});

async function call<T>(
  method: string,
  params: unknown,
): Promise<{ status: number; body: ApiResponse & { result?: T } }> {
  const response = await fetch(`${server.origin}/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [HTTP_TOKEN_HEADER]: server.token },
    body: JSON.stringify(params),
  });
  return { status: response.status, body: (await response.json()) as ApiResponse & { result?: T } };
}

async function upload(bytes: Uint8Array, name = 'moved.wbx', token = server.token) {
  const response = await fetch(`${server.origin}/api/upload?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream', [HTTP_TOKEN_HEADER]: token },
    body: new Blob([bytes as BlobPart]),
  });
  return {
    status: response.status,
    body: (await response.json()) as {
      ok: boolean;
      result?: { transferId: string };
      error?: { message: string };
    },
  };
}

describe('archives over HTTP', () => {
  it('uploads, previews and imports an archive, then exports and downloads it byte for byte', async () => {
    const sent = await upload(readFileSync(archive));
    expect(sent.status).toBe(200);
    const transferId = sent.body.result!.transferId;
    const preview = await call<{ new: number; file: string }>('archives.inspect', { transferId });
    expect(preview.body.result).toMatchObject({
      runs: 2,
      new: 2,
      identical: 0,
      conflicting: 0,
      file: 'moved.wbx',
    });
    expect((await call<unknown[]>('runs.list', {})).body.result).toEqual([]);
    const imported = await call<{ imported: number }>('archives.import', { transferId });
    expect(imported.body.result).toMatchObject({ imported: 2 });
    expect((await call<{ identical: number }>('archives.import', { transferId })).body.result).toMatchObject({
      imported: 0,
      identical: 2,
    });

    const exported = await call<{ transferId: string; fileName: string; bytes: number }>('archives.export', {
      selection: { runIds },
    });
    expect(exported.body.result).toMatchObject({
      counts: { runs: 2 },
      fileName: expect.stringMatching(/\.wbx$/),
    });
    const { transferId: outId, bytes } = exported.body.result!;
    const download = await fetch(
      `${server.origin}/api/download/${outId}?token=${server.token}&name=mine.wbx`,
    );
    expect(download.status).toBe(200);
    expect(download.headers.get('content-disposition')).toContain('filename="mine.wbx"');
    const body = new Uint8Array(await download.arrayBuffer());
    expect(body.byteLength).toBe(bytes);
    expect(Buffer.from(body.subarray(0, 16)).toString('latin1')).toBe('SQLite format 3\0');
    // What was downloaded is an archive another store can import.
    const again = await upload(body, 'mine.wbx');
    expect(
      (await call<{ identical: number }>('archives.inspect', { transferId: again.body.result!.transferId }))
        .body.result,
    ).toMatchObject({
      identical: 2,
    });
  });

  it('refuses bad transfers with a status and a message', async () => {
    expect((await upload(new Uint8Array([1, 2, 3]), 'x.wbx', 'wrong')).status).toBe(401);
    const junk = await upload(new TextEncoder().encode('not an archive'), 'junk.wbx');
    const inspected = await call('archives.inspect', { transferId: junk.body.result!.transferId });
    expect(inspected.status).toBe(400);
    expect(inspected.body).toMatchObject({
      ok: false,
      error: { message: 'junk.wbx: not an Experiment Workbench archive (not an SQLite database file)' },
    });
    expect((await call('archives.inspect', { transferId: 'ZZZZZZZZZZZZZZZZZZZZZZZZ' })).status).toBe(404);
    expect((await call('archives.import', { transferId: '../../etc/passwd' })).status).toBe(400);
    expect(
      (await fetch(`${server.origin}/api/download/ZZZZZZZZZZZZZZZZZZZZZZZZ?token=${server.token}`)).status,
    ).toBe(404);
    expect((await fetch(`${server.origin}/api/download/ZZZZZZZZZZZZZZZZZZZZZZZZ`)).status).toBe(401);
    const huge = await fetch(`${server.origin}/api/upload?name=big.wbx`, {
      method: 'POST',
      headers: {
        'content-type': 'application/octet-stream',
        [HTTP_TOKEN_HEADER]: server.token,
        'content-length': String(2 * 1024 ** 3),
      },
      body: new Uint8Array(16),
      duplex: 'half',
    } as RequestInit).catch(() => null);
    // Refused on its declared length before a byte is stored (or the connection is cut).
    if (huge) expect(huge.status).toBe(413);
    const nameless = await fetch(`${server.origin}/api/upload`, {
      method: 'POST',
      headers: { [HTTP_TOKEN_HEADER]: server.token },
      body: new Uint8Array(4),
    });
    expect(nameless.status).toBe(400);
  });
});

describe('archives over Electron IPC', () => {
  it('uploads through the bridge and saves an export through the save dialog', async () => {
    const { rendererDir } = tempRendererDir();
    const ipc = fakeIpc(pathToFileURL(join(rendererDir, 'index.html')).href);
    const target = join(dir, 'saved.wbx');
    const asked: string[] = [];
    const unregister = registerIpcHandlers(ipc.ipcMain, backend, {
      rendererDir,
      allWebContents: () => [ipc.webContents],
      showSaveDialog: (_sender, name) => {
        asked.push(name);
        return Promise.resolve(target);
      },
    });
    try {
      const bridge = createWorkbenchBridge(ipc.ipcRenderer);
      const transferId = await bridge.upload('moved.wbx', new Uint8Array(readFileSync(archive)));
      const preview = await bridge.call('archives.inspect', { transferId });
      expect(preview).toMatchObject({ ok: true, result: { runs: 2, file: 'moved.wbx' } });
      const exported = await bridge.call('archives.export', { selection: { all: true } });
      if (!exported.ok) throw new Error(exported.error.message);
      const { transferId: outId } = exported.result as { transferId: string };
      expect(await bridge.saveTransfer(outId, '../../evil/name.wbx')).toBe(true);
      expect(asked).toEqual(['name.wbx']);
      expect(readFileSync(target).subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
      await expect(bridge.upload('x.wbx', 'not bytes' as unknown as Uint8Array)).rejects.toThrow(
        /expected the file as bytes/,
      );
      await expect(bridge.saveTransfer('nope', 'x.wbx')).rejects.toThrow(/no exported file/);
      ipc.setFrameUrl('https://evil.example/');
      await expect(bridge.upload('x.wbx', new Uint8Array(4))).rejects.toThrow(/not a page of the workbench/);
    } finally {
      unregister();
    }
  });
});
