import type { ApiEvent, ApiHandlers } from '../../common/api/contract';
import { formatConfigIssues } from '../../common/config/config-issues';
import { ApiInputError } from '../services/errors';
import type { ConfigCheckContext } from '../services/config-check';
import { planGrid } from '../services/grid-planner';
import { getGridDetail, listGridSummaries } from '../services/grid-report';
import { listGridPresetInfos } from '../services/presets';
import type { RunQueue } from '../services/run-queue';
import type { RunStore } from '../store/run-store';
import type { EventHub } from './event-hub';

export interface GridHandlerDeps {
  store: RunStore;
  queue: RunQueue;
  events: EventHub<ApiEvent>;
  checks: ConfigCheckContext;
}

type GridHandlers = Pick<
  ApiHandlers,
  'grids.presets' | 'grids.check' | 'grids.start' | 'grids.list' | 'grids.get' | 'grids.cancel' | 'grids.resume'
>;

/** Handlers of every grids.* method; a grid with any bad cell is refused before anything is stored. */
export function createGridHandlers(deps: GridHandlerDeps): GridHandlers {
  const { store, queue, events, checks } = deps;
  const context = () => ({ checks, store, workers: queue.workerCount });
  return {
    'grids.presets': () => listGridPresetInfos(),
    'grids.check': ({ spec }) => planGrid(spec, context()).check,
    'grids.start': ({ spec }) => {
      const plan = planGrid(spec, context());
      if (!('grid' in plan)) {
        throw new ApiInputError(plan.check.issues, `grid refused: ${formatConfigIssues(plan.check.issues, 'grid')}`);
      }
      const gridId = queue.startGrid(plan.grid);
      events.emit({ type: 'runs.changed' });
      return { gridId, cells: plan.grid.cells.length };
    },
    'grids.list': () => listGridSummaries(store, queue.workerCount),
    'grids.get': ({ gridId, monitor }) => getGridDetail(store, gridId, queue.workerCount, monitor),
    'grids.cancel': ({ gridId }) => ({ cancelled: queue.cancelGrid(gridId) }),
    'grids.resume': ({ gridId }) => ({ gridId, pending: queue.resumeGrid(gridId) }),
  };
}
