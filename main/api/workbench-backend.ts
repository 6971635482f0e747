import type { ApiEvent, AppInfo } from '../../common/api/contract';
import { APP_VERSION, trainingWorkerFile } from '../build-info';
import { resolve } from 'node:path';
import { selectBackend } from '../engine/backend/select-backend';
import { availableBackends } from '../services/backends';
import type { ConfigCheckContext } from '../services/config-check';
import { openRunServices } from '../services/run-services';
import { RunStore } from '../store/run-store';
import type { ApiBackend, ApiBackendOptions } from './backend-types';
import { TransferStore } from '../services/transfers';
import { createArchiveHandlers } from './archive-handlers';
import { createDatasetHandlers } from './dataset-handlers';
import { EventHub } from './event-hub';
import { createGridHandlers } from './grid-handlers';
import { createInfoHandlers } from './info-handlers';
import { createContinuationHandlers } from './continuation-handlers';
import { createModelEvaluateHandlers } from './model-evaluate-handlers';
import { createModelExportHandlers } from './model-export-handlers';
import { createLayerStatsHandlers } from './layer-stats-handlers';
import { createPointHandlers } from './point-handlers';
import { createRunHandlers } from './run-handlers';
import { relayQueueEvents } from './training-events';
import { appVersions, runtimeVersions } from './versions';

/** How long close() waits for cancelled runs to finish their batch and record their status. */
const CLOSE_WAIT_MS = 15_000;

/**
 * The services behind the API contract: one run store, one run queue and its worker pool, one event hub.
 * The Electron main process and `workbench serve` each create one and hand `handlers` to their transport
 * (dispatchApiCall). At start, runs left by a dead process are interrupted and grids it was driving resume.
 */
export async function createWorkbenchBackend(options: ApiBackendOptions): Promise<ApiBackend> {
  if (options.readOnly) return createReadOnlyBackend(options);
  const services = await openRunServices({
    dbPath: options.dbPath,
    cacheDir: options.cacheDir,
    workerFile: trainingWorkerFile(),
    appVersion: APP_VERSION,
    maxWorkers: options.maxWorkers,
  });
  try {
    const { store, queue, checks, backend } = services;
    const events = new EventHub<ApiEvent>();
    const stopRelay = relayQueueEvents(queue, events);
    const runtime = runtimeVersions(store.sqliteVersion());
    const info: AppInfo = {
      appVersion: APP_VERSION,
      dbPath: services.dbPath,
      transport: options.transport,
      readOnly: false,
      backend,
      availableBackends: [...checks.availableBackends],
      trainingWorkers: queue.workerCount,
      versions: appVersions(APP_VERSION, backend, runtime),
    };
    // "The next start continues every unfinished grid": those whose driving process is gone.
    if (options.resumeGrids !== false) queue.resumeOrphanedGrids();

    const transfers = new TransferStore();
    let closing: Promise<void> | undefined;
    return {
      handlers: {
        ...createInfoHandlers({ info, checks, options }),
        ...createRunHandlers({ store, queue, events, checks, runtimeVersions: runtime }),
        ...createGridHandlers({ store, queue, events, checks }),
        ...createArchiveHandlers({ store, transfers, events, cacheDir: options.cacheDir, readOnly: false }),
        ...createDatasetHandlers({ store, transfers, events, readOnly: false, cacheDir: options.cacheDir }),
        ...createContinuationHandlers({ store, queue, events, checks }),
        ...createModelEvaluateHandlers({ store, checks, cacheDir: options.cacheDir }),
        ...createModelExportHandlers({ store, transfers, cacheDir: options.cacheDir }),
        ...createLayerStatsHandlers({ store }),
        ...createPointHandlers({ store }),
      },
      subscribe: (listener) => events.subscribe(listener),
      transfers,
      close() {
        closing ??= (async () => {
          await services.close(CLOSE_WAIT_MS);
          stopRelay();
          transfers.dispose();
        })();
        return closing;
      },
    };
  } catch (error) {
    await services.close(0);
    throw error;
  }
}

/**
 * The same views over a store or an archive that is only looked at: every reading method works, every
 * change is refused (409), and nothing trains, heartbeats or sweeps orphans, so the file is never written.
 */
async function createReadOnlyBackend(options: ApiBackendOptions): Promise<ApiBackend> {
  const store = RunStore.openReadOnly(resolve(options.dbPath));
  try {
    const backend = await selectBackend('auto');
    const checks: ConfigCheckContext = {
      datasets: store,
      cacheDir: options.cacheDir,
      availableBackends: await availableBackends(backend),
      candidates: backend.candidates,
    };
    const events = new EventHub<ApiEvent>();
    const runtime = runtimeVersions(store.sqliteVersion());
    const info: AppInfo = {
      appVersion: APP_VERSION,
      dbPath: store.path,
      transport: options.transport,
      readOnly: true,
      backend,
      availableBackends: [...checks.availableBackends],
      trainingWorkers: 0,
      versions: appVersions(APP_VERSION, backend, runtime),
    };
    const transfers = new TransferStore();
    return {
      handlers: {
        ...createInfoHandlers({ info, checks, options }),
        ...createRunHandlers({ store, queue: null, events, checks, runtimeVersions: runtime }),
        ...createGridHandlers({ store, queue: null, events, checks }),
        // Exporting from what is looked at is reading; importing into it is refused.
        ...createArchiveHandlers({ store, transfers, events, cacheDir: options.cacheDir, readOnly: true }),
        ...createDatasetHandlers({ store, transfers, events, readOnly: true, cacheDir: options.cacheDir }),
        ...createContinuationHandlers({ store, queue: null, events, checks }),
        // Evaluating and exporting a kept model only read the store.
        ...createModelEvaluateHandlers({ store, checks, cacheDir: options.cacheDir }),
        ...createModelExportHandlers({ store, transfers, cacheDir: options.cacheDir }),
        ...createLayerStatsHandlers({ store }),
        ...createPointHandlers({ store }),
      },
      subscribe: (listener) => events.subscribe(listener),
      transfers,
      close() {
        store.close();
        transfers.dispose();
        return Promise.resolve();
      },
    };
  } catch (error) {
    store.close();
    throw error;
  }
}
