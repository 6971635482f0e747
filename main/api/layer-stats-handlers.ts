import type { ApiHandlers } from '../../common/api/contract';
import { NotFoundError } from '../services/errors';
import type { RunStore } from '../store/run-store';

/** `runs.layers`: what the store logged per layer; reading only, so the read-only backend has it too. */
export function createLayerStatsHandlers(deps: { store: RunStore }): Pick<ApiHandlers, 'runs.layers'> {
  const { store } = deps;
  return {
    'runs.layers': ({ runId }) => {
      const run = store.getRun(runId);
      if (!run) throw new NotFoundError(`no run with id ${runId}`);
      return store.layerStats(run.id);
    },
  };
}
