import { useState } from 'react';
import type { ApiEvent, RunTableRow } from '../../../common/api/contract';
import { useClient, useClientEvents } from '../client/client-context';
import { useDebouncedCallback } from '../common/use-debounced';
import { useLoad, type Loaded } from '../common/use-load';

/** Batch progress inside the current epoch of a running run. */
export interface LiveProgress {
  epoch: number;
  batch: number;
  batches: number;
}

export interface RunsList extends Loaded<RunTableRow[]> {
  progress: Readonly<Record<string, LiveProgress>>;
}

/** Refetches at most this often while runs keep logging; a training run can log many epochs a second. */
const REFRESH_WAIT_MS = 300;
const REFRESH_MAX_WAIT_MS = 1500;

/**
 * runs.list, kept current: any run event schedules a (debounced) refetch, and batch progress, which would
 * be too chatty to refetch on, is kept per run on the side.
 */
export function useRunsList(): RunsList {
  const client = useClient();
  const loaded = useLoad(() => client.call('runs.list', {}), 'runs.list');
  const [progress, setProgress] = useState<Record<string, LiveProgress>>({});
  const refresh = useDebouncedCallback(() => void loaded.reload(), REFRESH_WAIT_MS, REFRESH_MAX_WAIT_MS);

  useClientEvents((event: ApiEvent) => {
    if (event.type === 'run.progress') {
      const { runId, epoch, batch, batches } = event;
      setProgress((current) => ({ ...current, [runId]: { epoch, batch, batches } }));
      return;
    }
    if (event.type === 'run.epoch' || event.type === 'run.status') {
      const { runId } = event;
      setProgress((current) => {
        if (!(runId in current)) return current;
        const next = { ...current };
        delete next[runId];
        return next;
      });
    }
    refresh();
  });

  return { ...loaded, progress };
}
