import { resolve } from 'node:path';
import type { ApiEvent, AppInfo } from '../../common/api/contract';
import { APP_VERSION, trainingWorkerFile } from '../cli/build-info';
import { selectBackend } from '../engine/backend/select-backend';
import { TrainingService } from '../services/training-service';
import { isProcessAliveOnThisHost } from '../store/liveness';
import { RunStore } from '../store/run-store';
import type { ApiBackend, ApiBackendOptions } from './backend-types';
import { availableBackends } from './backends';
import type { ConfigCheckContext } from './config-check';
import { EventHub } from './event-hub';
import { createInfoHandlers } from './info-handlers';
import { RunLauncher } from './run-launcher';
import { createRunHandlers } from './run-handlers';
import { relayTrainingEvents } from './training-events';
import { appVersions, runtimeVersions } from './versions';

/** How long close() waits for cancelled runs to finish their batch and record their status. */
const CLOSE_WAIT_MS = 15_000;
/** After the pool is destroyed, the runs it cut off record their status within moments. */
const AFTER_DESTROY_WAIT_MS = 2_000;

/**
 * The services behind the API contract: one run store, one worker pool, one event hub. The Electron main
 * process and `workbench serve` each create one and hand `handlers` to their transport (dispatchApiCall).
 */
export async function createWorkbenchBackend(options: ApiBackendOptions): Promise<ApiBackend> {
  const dbPath = resolve(options.dbPath);
  const store = RunStore.open(dbPath);
  try {
    // As every CLI start does: runs left "running" by a process that died are interrupted, not running.
    store.markOrphanedRunsInterrupted(isProcessAliveOnThisHost);
    // Selected once here: it sizes the pool and is what app.info reports; each worker selects its own.
    const backend = await selectBackend('auto');
    const available = await availableBackends(backend);
    const training = new TrainingService({
      store,
      dbPath,
      cacheDir: options.cacheDir,
      workerFile: trainingWorkerFile(),
      appVersion: APP_VERSION,
      backend: backend.chosen,
      maxWorkers: options.maxWorkers,
    });
    const events = new EventHub<ApiEvent>();
    const stopRelay = relayTrainingEvents(training, events);
    const launcher = new RunLauncher(training, events);
    const runtime = runtimeVersions(store.sqliteVersion());
    const checks: ConfigCheckContext = {
      datasets: store,
      cacheDir: options.cacheDir,
      availableBackends: available,
      candidates: backend.candidates,
    };
    const info: AppInfo = {
      appVersion: APP_VERSION,
      dbPath,
      transport: options.transport,
      backend,
      availableBackends: available,
      trainingWorkers: training.workerCount,
      versions: appVersions(APP_VERSION, backend, runtime),
    };

    let closing: Promise<void> | undefined;
    return {
      handlers: {
        ...createInfoHandlers({ info, checks, options }),
        ...createRunHandlers({ store, training, launcher, events, checks, runtimeVersions: runtime }),
      },
      subscribe: (listener) => events.subscribe(listener),
      close() {
        closing ??= (async () => {
          const allEnded = await launcher.stopAll(CLOSE_WAIT_MS);
          await training.close();
          // Runs the pool cut off (a batch longer than the wait) record "failed" as it ends them.
          if (!allEnded) await launcher.settled(AFTER_DESTROY_WAIT_MS);
          stopRelay();
          store.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    store.close();
    throw error;
  }
}
