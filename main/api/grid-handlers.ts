import type { ApiEvent, ApiHandlers } from '../../common/api/contract';
import { formatConfigIssues } from '../../common/config/config-issues';
import { APP_VERSION } from '../build-info';
import { ApiInputError } from '../services/errors';
import type { ConfigCheckContext } from '../services/config-check';
import { planGrid } from '../services/grid-planner';
import { replayGridPruning } from '../services/grid-prune-replay';
import { getGridDetail, listGridSummaries } from '../services/grid-report';
import { listGridPresetInfos } from '../services/presets';
import type { RunQueue } from '../services/run-queue';
import { writeSlurmGrid } from '../services/slurm/slurm-grid';
import type { RunStore } from '../store/run-store';
import type { EventHub } from './event-hub';
import { refuseReadOnly } from './run-handlers';

export interface GridHandlerDeps {
  store: RunStore;
  /** Null for a read-only store: grids are shown, not started, cancelled or resumed. */
  queue: RunQueue | null;
  events: EventHub<ApiEvent>;
  checks: ConfigCheckContext;
}

type GridHandlers = Pick<
  ApiHandlers,
  | 'grids.presets'
  | 'grids.check'
  | 'grids.start'
  | 'grids.list'
  | 'grids.get'
  | 'grids.cancel'
  | 'grids.pruneReplay'
  | 'grids.resume'
  | 'grids.slurm'
>;

/** Handlers of every grids.* method; a grid with any bad cell is refused before anything is stored. */
export function createGridHandlers(deps: GridHandlerDeps): GridHandlers {
  const { store, events, checks } = deps;
  const queue = (): RunQueue => deps.queue ?? refuseReadOnly(store.path);
  const workers = () => deps.queue?.workerCount ?? 1;
  const context = () => ({ checks, store, workers: workers() });
  const plannedOrRefused = (spec: unknown) => {
    const plan = planGrid(spec, context());
    if (!('grid' in plan)) {
      throw new ApiInputError(
        plan.check.issues,
        `grid refused: ${formatConfigIssues(plan.check.issues, 'grid')}`,
      );
    }
    return plan.grid;
  };
  return {
    'grids.presets': () => listGridPresetInfos(),
    'grids.check': ({ spec }) => planGrid(spec, context()).check,
    'grids.start': ({ spec }) => {
      queue();
      const grid = plannedOrRefused(spec);
      const gridId = queue().startGrid(grid);
      events.emit({ type: 'runs.changed' });
      return { gridId, cells: grid.cells.length };
    },
    'grids.list': () => listGridSummaries(store, workers()),
    'grids.get': ({ gridId, monitor }) => getGridDetail(store, gridId, workers(), monitor),
    'grids.cancel': ({ gridId }) => ({ cancelled: queue().cancelGrid(gridId) }),
    // Reads only: a replay works on a read-only store too.
    'grids.pruneReplay': ({ gridId, pruning }) => replayGridPruning(store, gridId, pruning),
    'grids.resume': ({ gridId }) => ({ gridId, pending: queue().resumeGrid(gridId) }),
    // The same checked grid, handed to Slurm: stored here as Slurm's, trained by the cluster's array tasks.
    'grids.slurm': ({ spec, options }) => {
      queue();
      const result = writeSlurmGrid({
        store,
        grid: plannedOrRefused(spec),
        options: options ?? {},
        appVersion: APP_VERSION,
      });
      events.emit({ type: 'grid.changed', gridId: result.gridId });
      return result;
    },
  };
}
