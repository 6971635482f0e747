import type {
  ApiEvent,
  ApiMethodName,
  ApiResponse,
  IPC_CHANNELS,
  WorkbenchBridge,
} from '../common/api/contract';

/**
 * Why copies of the contract's constants instead of importing them: the preload runs sandboxed, where
 * `require` reaches only Electron's own modules, and electron-vite leaves dependencies (zod, which the
 * contract module imports) outside the bundle. Importing types only keeps the preload free of zod; the
 * annotations below make any drift from the contract a compile error (a missing, extra or renamed method
 * or channel), and a test compares them at run time too.
 */
export const BRIDGE_CHANNELS: typeof IPC_CHANNELS = {
  call: 'workbench:call',
  event: 'workbench:event',
  saveFile: 'workbench:save-file',
  upload: 'workbench:upload',
  saveTransfer: 'workbench:save-transfer',
};

const KNOWN_METHODS: Readonly<Record<ApiMethodName, true>> = {
  'app.info': true,
  'datasets.list': true,
  'datasets.inspect': true,
  'datasets.preview': true,
  'datasets.import': true,
  'datasets.delete': true,
  'presets.list': true,
  'config.check': true,
  'runs.list': true,
  'runs.get': true,
  'runs.epochs': true,
  'runs.epochColumns': true,
  'runs.layers': true,
  'runs.points': true,
  'runs.start': true,
  'runs.rerun': true,
  'runs.cancel': true,
  'runs.delete': true,
  'runs.setTags': true,
  'runs.details': true,
  'runs.resume': true,
  'runs.fork': true,
  'checkpoints.prune': true,
  'models.evaluate': true,
  'models.export': true,
  'models.firstLayer': true,
  'grids.presets': true,
  'grids.check': true,
  'grids.start': true,
  'grids.list': true,
  'grids.get': true,
  'grids.cancel': true,
  'grids.pruneReplay': true,
  'grids.resume': true,
  'grids.slurm': true,
  'archives.export': true,
  'archives.inspect': true,
  'archives.import': true,
};

export const BRIDGE_METHOD_NAMES = Object.keys(KNOWN_METHODS) as ApiMethodName[];

/** The parts of Electron's ipcRenderer the bridge uses. */
export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, ...args: unknown[]) => void): unknown;
}

function isKnownMethod(method: unknown): method is ApiMethodName {
  return typeof method === 'string' && Object.prototype.hasOwnProperty.call(KNOWN_METHODS, method);
}

function describeMethod(method: unknown): string {
  if (typeof method !== 'string') {
    return `(expected a method name, got ${method === null ? 'null' : typeof method})`;
  }
  return `"${method.length > 64 ? `${method.slice(0, 64)}…` : method}"`;
}

/**
 * What the preload exposes as `window.workbench`: the contract and nothing else. ipcRenderer itself never
 * reaches the page, so a compromised page can send only these three messages.
 */
export function createWorkbenchBridge(ipc: IpcRendererLike): WorkbenchBridge {
  return Object.freeze({
    async call(method: string, params: unknown): Promise<ApiResponse> {
      // Answered here, in the same words as the main side, so a typo never costs a round trip.
      if (!isKnownMethod(method)) {
        return {
          ok: false,
          error: { code: 'not-found', message: `unknown method ${describeMethod(method)}` },
        };
      }
      try {
        return (await ipc.invoke(BRIDGE_CHANNELS.call, method, params)) as ApiResponse;
      } catch (error) {
        // The envelope promises one shape to callers, whether the failure was the handler's or the IPC's.
        const message = error instanceof Error ? error.message : String(error);
        return { ok: false, error: { code: 'internal', message } };
      }
    },
    onEvent(listener: (event: ApiEvent) => void): () => void {
      if (typeof listener !== 'function') throw new TypeError('onEvent expects a function');
      const relay = (_event: unknown, apiEvent: unknown) => listener(apiEvent as ApiEvent);
      ipc.on(BRIDGE_CHANNELS.event, relay);
      return () => {
        ipc.removeListener(BRIDGE_CHANNELS.event, relay);
      };
    },
    async saveFile(fileName: string, data: Uint8Array | string): Promise<boolean> {
      return (await ipc.invoke(BRIDGE_CHANNELS.saveFile, fileName, data)) === true;
    },
    async upload(fileName: string, data: Uint8Array): Promise<string> {
      return String(await ipc.invoke(BRIDGE_CHANNELS.upload, fileName, data));
    },
    async saveTransfer(transferId: string, fileName: string): Promise<boolean> {
      return (await ipc.invoke(BRIDGE_CHANNELS.saveTransfer, transferId, fileName)) === true;
    },
  });
}
