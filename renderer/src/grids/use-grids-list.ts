import type { ApiEvent } from '../../../common/api/contract';
import type { GridSummary } from '../../../common/grid/types';
import { useClient, useClientEvents } from '../client/client-context';
import { useDebouncedCallback } from '../common/use-debounced';
import { useLoad, type Loaded } from '../common/use-load';

/** grids.list, refetched (debounced) whenever a grid or the set of runs changes. */
export function useGridsList(): Loaded<GridSummary[]> {
  const client = useClient();
  const loaded = useLoad(() => client.call('grids.list', {}), 'grids.list');
  const refresh = useDebouncedCallback(() => void loaded.reload(), 400, 2000);
  useClientEvents((event: ApiEvent) => {
    if (event.type === 'grid.changed' || event.type === 'runs.changed' || event.type === 'run.status')
      refresh();
  });
  return loaded;
}
