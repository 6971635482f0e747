import {
  ApiError,
  type ApiEvent,
  type ApiMethodName,
  type ApiParams,
  type ApiResult,
  type WorkbenchClient,
} from '../../../common/api/contract';
import { toEpochColumns } from '../../../common/api/epoch-columns';

export type FakeHandlers = {
  [M in ApiMethodName]?: (params: ApiParams<M>) => ApiResult<M> | Promise<ApiResult<M>>;
};

export interface RecordedCall {
  method: ApiMethodName;
  params: unknown;
}

export interface SavedFile {
  fileName: string;
  data: Uint8Array | string;
  mimeType: string;
}

/**
 * An in-memory WorkbenchClient for component tests: answers from handlers, records every call and saved
 * file, and lets a test push live events as the server would. Unhandled methods fail like an unknown
 * method on the real transports.
 */
export class FakeWorkbench implements WorkbenchClient {
  readonly transport = 'http' as const;
  readonly calls: RecordedCall[] = [];
  readonly saved: SavedFile[] = [];
  private readonly listeners = new Set<(event: ApiEvent) => void>();

  private readonly handlers: FakeHandlers;

  /**
   * A test gives the epochs once, as `runs.epochs`; `runs.epochColumns` answers with the same epochs in
   * columns, as the server does, unless the test gives it a handler of its own.
   */
  constructor(handlers: FakeHandlers = {}) {
    const epochs = handlers['runs.epochs'];
    this.handlers =
      epochs && !handlers['runs.epochColumns']
        ? {
            ...handlers,
            'runs.epochColumns': async (params) =>
              (await epochs(params)).map((r) => ({ runId: r.runId, columns: toEpochColumns(r.epochs) })),
          }
        : handlers;
  }

  call<M extends ApiMethodName>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
    this.calls.push({ method, params });
    const handler = this.handlers[method] as
      ((p: ApiParams<M>) => ApiResult<M> | Promise<ApiResult<M>>) | undefined;
    if (!handler) {
      return Promise.reject(new ApiError({ code: 'not-found', message: `fake: no handler for ${method}` }));
    }
    try {
      return Promise.resolve(handler(params));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  subscribe(listener: (event: ApiEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  readonly uploaded: { fileName: string; data: Uint8Array }[] = [];

  uploadFile(fileName: string, data: Uint8Array): Promise<string> {
    this.uploaded.push({ fileName, data });
    return Promise.resolve(`upload${String(this.uploaded.length).padStart(18, '0')}`);
  }

  /** Exports the main side wrote and the client was asked to save (a download, or a save dialog). */
  readonly savedTransfers: { transferId: string; fileName: string }[] = [];
  /** What saveTransfer answers: false is the Electron save dialog cancelled. */
  saveTransferAnswer = true;

  saveTransfer(transferId: string, fileName: string): Promise<boolean> {
    this.savedTransfers.push({ transferId, fileName });
    this.saved.push({ fileName, data: transferId, mimeType: 'application/vnd.sqlite3' });
    return Promise.resolve(this.saveTransferAnswer);
  }

  saveFile(fileName: string, data: Uint8Array | string, mimeType: string): Promise<boolean> {
    this.saved.push({ fileName, data, mimeType });
    return Promise.resolve(true);
  }

  /** Delivers an event to every subscriber, as the server's event stream would. */
  emit(event: ApiEvent): void {
    for (const listener of [...this.listeners]) listener(event);
  }

  get subscriberCount(): number {
    return this.listeners.size;
  }

  callsOf(method: ApiMethodName): unknown[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.params);
  }
}
