import { useMemo } from 'react';
import type { ApiEvent } from '../../../common/api/contract';
import type { GridDetail } from '../../../common/grid/types';
import type { MetricName } from '../../../common/types';
import { useClient, useClientEvents } from '../client/client-context';
import { useDebouncedCallback } from '../common/use-debounced';
import { useLoad, type Loaded } from '../common/use-load';

/**
 * Two workers can finish several epochs a second between them: the grid is refetched once events pause,
 * and at least this often while they keep coming, never once per event.
 */
const REFRESH_WAIT_MS = 250;
const REFRESH_MAX_WAIT_MS = 1000;

/**
 * One grid with a result row per cell, kept live: `grids.get` again (one call, however many cells) when the
 * grid reports a change or one of its runs logs an epoch or changes status.
 */
export function useGrid(gridId: string, monitor: MetricName | null): Loaded<GridDetail> {
  const client = useClient();
  const loaded = useLoad(
    () => client.call('grids.get', monitor ? { gridId, monitor } : { gridId }),
    `${gridId}:${monitor ?? ''}`,
  );
  const runIds = useMemo(
    () => new Set((loaded.data?.results ?? []).flatMap((r) => (r.runId ? [r.runId] : []))),
    [loaded.data],
  );
  const refresh = useDebouncedCallback(() => void loaded.reload(), REFRESH_WAIT_MS, REFRESH_MAX_WAIT_MS);

  useClientEvents((event: ApiEvent) => {
    if (event.type === 'grid.changed') {
      if (event.gridId === gridId) refresh();
    } else if (event.type === 'run.epoch' || event.type === 'run.status') {
      if (runIds.has(event.runId)) refresh();
    }
  });
  return loaded;
}
