import type { ApiEvent, ApiHandlers } from '../../common/api/contract';
import { statSync } from 'node:fs';
import type { ConfigCheckContext } from '../services/config-check';
import { NotFoundError } from '../services/errors';
import type { RunQueue } from '../services/run-queue';
import { forkRun, resumeRun } from '../services/run-continuation';
import type { RunStore } from '../store/run-store';
import type { EventHub } from './event-hub';
import { refuseReadOnly } from './run-handlers';

export interface ContinuationHandlerDeps {
  store: RunStore;
  /** Null when the store is only looked at: resume, fork and prune change it, so they are refused. */
  queue: RunQueue | null;
  events: EventHub<ApiEvent>;
  checks: ConfigCheckContext;
}

type ContinuationHandlers = Pick<ApiHandlers, 'runs.resume' | 'runs.fork' | 'checkpoints.prune'>;

/** Resume, fork and checkpoint pruning over the API: the same checks as the CLI's (services/run-continuation). */
export function createContinuationHandlers(deps: ContinuationHandlerDeps): ContinuationHandlers {
  const { store, events, checks } = deps;
  const context = () => {
    if (!deps.queue) refuseReadOnly(store.path);
    return { store, queue: deps.queue, checks };
  };
  return {
    'runs.resume': ({ runId, epochs }) => {
      const resumed = resumeRun(context(), runId, { epochs });
      return { runId: resumed.runId, fromEpoch: resumed.fromEpoch, epochs: resumed.epochs };
    },
    'runs.fork': ({ runId, epoch, config }) => {
      const forked = forkRun(context(), runId, epoch, config);
      return { runId: forked.runId, parent: forked.parent };
    },
    'checkpoints.prune': ({ runIds, keep }) => {
      context();
      const ids = [...new Set(runIds)].map((id) => {
        const run = store.getRun(id);
        if (!run) throw new NotFoundError(`no run with id ${id}`);
        return run.id;
      });
      const result = store.checkpoints.prune(ids, keep);
      store.checkpoints.reclaimSpace();
      events.emit({ type: 'runs.changed' });
      return { ...result, bytesOnDisk: fileBytes(store.path) };
    },
  };
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}
