import { useCallback, useEffect, useRef, useState } from 'react';
import type { RunPoints } from '../../../common/api/contract';
import { FINAL_STATUSES } from '../../../common/types';
import { useClient, useClientEvents } from '../client/client-context';
import { errorMessage } from '../client/errors';
import { useAnnounce } from '../common/announcer';
import { useDebouncedCallback } from '../common/use-debounced';
import { applyRunEvent, EMPTY_LIVE_RUN, withFetched, type LiveRunState } from './live-run';

/** How often a page of a run still training checks the store for what its events may have missed. */
const LIVE_CHECK_MS = 5000;

export interface LiveRun extends LiveRunState {
  error: string | null;
  reload: () => Promise<void>;
}

/**
 * One run with every epoch, kept live: epochs and batch progress come from events; a status change also
 * refetches the run (finish time, error text, summaries are only in the store's answer).
 */
export function useLiveRun(runId: string): LiveRun {
  const client = useClient();
  const announce = useAnnounce();
  const [state, setState] = useState<LiveRunState>(EMPTY_LIVE_RUN);
  const [error, setError] = useState<string | null>(null);
  const name = useRef(runId);

  const reload = useCallback(async () => {
    try {
      const [detail, [epochs], [points]] = await Promise.all([
        client.call('runs.get', { runId }),
        client.call('runs.epochs', { runIds: [runId] }),
        // The points add to the epochs' curves: without them (a failed call) the page still shows the run.
        client.call('runs.points', { runIds: [runId] }).catch((): RunPoints[] => []),
      ]);
      name.current = detail.name;
      setState((current) =>
        withFetched(current, detail, epochs?.epochs ?? [], {
          points: points?.points ?? [],
          schedule: points?.schedule ?? null,
        }),
      );
      setError(null);
    } catch (e) {
      setError(errorMessage(e));
    }
  }, [client, runId]);

  const refetch = useDebouncedCallback(() => void reload(), 250, 1000);

  useEffect(() => {
    void reload();
  }, [reload]);

  // What only the store's answer holds (the backend chosen, the start time) is missing when the page opened
  // while the run was queued and its start event was missed: its next epoch fetches them.
  const lacksStart = useRef(false);
  lacksStart.current = state.detail !== null && state.detail.backend === null;

  // Events can be missed (an event stream that reconnected drops what was sent meanwhile): while the run is not
  // final, a look at the store every few seconds catches a status or epoch the page did not hear of.
  const shown = useRef({ status: state.detail?.status, epochs: state.epochs.length });
  shown.current = { status: state.detail?.status, epochs: state.epochs.length };
  const live = state.detail !== null && !FINAL_STATUSES.includes(state.detail.status);
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(() => {
      void client.call('runs.get', { runId }).then(
        (detail) => {
          const seen = shown.current;
          if (detail.status !== seen.status || detail.epochs !== seen.epochs) void reload();
        },
        () => undefined,
      );
    }, LIVE_CHECK_MS);
    return () => clearInterval(timer);
  }, [live, client, runId, reload]);

  useClientEvents((event) => {
    setState((current) => applyRunEvent(current, runId, event));
    if (event.type === 'run.epoch' && event.runId === runId && lacksStart.current) refetch();
    if (event.type === 'runs.changed') refetch();
    // The start time (and backend report) are only in the store's answer: without a refetch a run opened
    // while queued would read "Started —" for as long as it trains.
    if (event.type === 'run.started' && event.runId === runId) refetch();
    if (event.type === 'run.status' && event.runId === runId) {
      announce(`${name.current}: ${event.status}`);
      if (FINAL_STATUSES.includes(event.status)) refetch();
    }
  });

  return { ...state, error, reload };
}
