import type { ApiEvent, ApiHandlers } from '../../common/api/contract';
import type { TransferStore } from '../services/transfers';

/**
 * The services behind the contract, independent of any transport: the Electron main process and
 * `workbench serve` each create one and hand it to their transport.
 */
export interface ApiBackend {
  /** One handler per contract method; params arrive already validated (see dispatchApiCall). */
  readonly handlers: ApiHandlers;
  /** Live events (run status, epochs, throttled progress) for every connected client. */
  subscribe(listener: (event: ApiEvent) => void): () => void;
  /** Files the transports carry for the archive methods (uploads in, exports out). */
  readonly transfers: TransferStore;
  /** Cancels running runs (they end `cancelled`), stops the worker pool and closes the store. */
  close(): Promise<void>;
}

export interface ApiBackendOptions {
  dbPath: string;
  cacheDir: string;
  /** Which transport serves this backend (reported by `app.info`). */
  transport: 'electron' | 'http';
  /** Overrides the worker pool size the backend calls for. */
  maxWorkers?: number;
  /** Resume grids left unfinished by a process that is gone (default true). */
  resumeGrids?: boolean;
  /** Only look at the store or archive at dbPath: no training, nothing written (`serve --read-only`). */
  readOnly?: boolean;
}
