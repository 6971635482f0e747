import { EventEmitter } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiEvent } from '../../common/api/contract';
import { appRoot } from '../app-paths';
import type { IpcRendererLike } from '../../preload/bridge';
import type { IpcInvokeListener, IpcMainLike, WebContentsLike } from './ipc-types';

/** Shared with the CLI tests: decoded built-in datasets stay between test processes. */
export const TEST_CACHE_DIR = join(tmpdir(), 'workbench-test-cache');

/** E7 (Iris, full-batch GD) cut to a few epochs: a real run of a few seconds. */
export function tinyIrisConfig(epochs = 3): Record<string, unknown> {
  const preset = JSON.parse(
    readFileSync(join(appRoot(), 'resources', 'presets', 'e7-iris-gd.json'), 'utf8'),
  ) as Record<string, unknown> & { training: Record<string, unknown> };
  return { ...preset, name: `iris-${epochs}`, training: { ...preset.training, epochs } };
}

/**
 * A stand-in for the built renderer with one file outside it (`secret.txt`), which no request may reach.
 */
export function tempRendererDir(): { rendererDir: string; secret: string } {
  const parent = mkdtempSync(join(tmpdir(), 'workbench-renderer-'));
  const rendererDir = join(parent, 'renderer');
  mkdirSync(join(rendererDir, 'assets'), { recursive: true });
  writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Experiment Workbench</title>');
  writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("workbench");');
  writeFileSync(join(rendererDir, 'assets', 'style.css'), 'body { margin: 0 }');
  const secret = 'not-for-the-browser-' + Math.random().toString(36).slice(2);
  writeFileSync(join(parent, 'secret.txt'), secret);
  writeFileSync(join(parent, 'package.json'), JSON.stringify({ secret }));
  return { rendererDir, secret };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * A request sent exactly as written: fetch would normalise `..` out of the path and refuses to set Host,
 * and those are what the traversal and DNS-rebinding tests need to send.
 */
export function rawRequest(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Reads a Server-Sent Events response: its `data:` payloads as events, and its comment lines. */
export class SseReader {
  readonly events: ApiEvent[] = [];
  readonly comments: string[] = [];
  private buffer = '';
  private readonly done: Promise<void>;

  constructor(body: ReadableStream<Uint8Array>) {
    const reader = body.getReader();
    const decoder = new TextDecoder();
    this.done = (async () => {
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          this.buffer += decoder.decode(value, { stream: true });
          this.parse();
        }
      } catch {
        // Aborted by the test, or the server closed the stream.
      }
    })();
  }

  private parse(): void {
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      for (const line of block.split('\n')) {
        if (line.startsWith('data: ')) this.events.push(JSON.parse(line.slice(6)) as ApiEvent);
        else if (line.startsWith(':')) this.comments.push(line.slice(1).trim());
      }
    }
  }

  /** Resolves when the server ends the stream. */
  ended(): Promise<void> {
    return this.done;
  }

  async waitFor(predicate: (reader: SseReader) => boolean, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this)) {
      if (Date.now() > deadline) {
        throw new Error(`timed out; events so far: ${JSON.stringify(this.events.map((e) => e.type))}`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/**
 * Electron's IPC in miniature: an ipcMain that records handlers, and an ipcRenderer whose `invoke` calls
 * them with structured-cloned arguments (as IPC serialises them) from a frame at `frameUrl`. Whatever
 * main sends to the web contents arrives at the renderer's `on` listeners.
 */
export function fakeIpc(frameUrl: string): {
  ipcMain: IpcMainLike & { channels(): string[] };
  ipcRenderer: IpcRendererLike & { invocations: string[]; listenerCount(channel: string): number };
  webContents: WebContentsLike & { destroyed: boolean };
  setFrameUrl(url: string | null): void;
} {
  const handlers = new Map<string, IpcInvokeListener>();
  const rendererSide = new EventEmitter();
  let currentUrl: string | null = frameUrl;
  const webContents = {
    destroyed: false,
    send(channel: string, ...args: unknown[]) {
      rendererSide.emit(channel, { sender: 'main' }, ...structuredClone(args));
    },
    isDestroyed() {
      return this.destroyed;
    },
  };
  const invocations: string[] = [];
  return {
    ipcMain: {
      handle(channel, listener) {
        if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
        handlers.set(channel, listener);
      },
      removeHandler(channel) {
        handlers.delete(channel);
      },
      channels: () => [...handlers.keys()],
    },
    ipcRenderer: {
      invocations,
      async invoke(channel, ...args) {
        invocations.push(channel);
        const handler = handlers.get(channel);
        if (!handler) throw new Error(`No handler registered for '${channel}'`);
        const senderFrame = currentUrl === null ? null : { url: currentUrl };
        return structuredClone(await handler({ senderFrame, sender: webContents }, ...structuredClone(args)));
      },
      on(channel, listener) {
        rendererSide.on(channel, listener);
      },
      removeListener(channel, listener) {
        rendererSide.removeListener(channel, listener);
      },
      listenerCount: (channel) => rendererSide.listenerCount(channel),
    },
    webContents,
    setFrameUrl(url) {
      currentUrl = url;
    },
  };
}
