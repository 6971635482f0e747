import { useEffect, useRef, useState } from 'react';
import type { RunEpochs, RunPoints } from '../../../common/api/contract';
import type { CompareRun } from '../../../common/compare/differing-params';
import { useClient, useClientEvents } from '../client/client-context';
import { loadEpochs } from '../client/epochs';
import { errorMessage } from '../client/errors';
import { mergeEpochs, mergePoints } from '../run-detail/live-run';

export interface CompareData {
  /** The selection these runs and epochs were loaded for. */
  key: string;
  runs: CompareRun[];
  epochs: RunEpochs[];
  /** Points inside epochs and each run's schedule (steps and examples per epoch). */
  points: RunPoints[];
  /** Selected ids that could not be loaded (deleted meanwhile, or mistyped in the URL). */
  missing: string[];
}

/**
 * Configs and every epoch of the selected runs. A run's config never changes, so configs are cached across
 * selections; epochs are fetched per selection and then kept live from run.epoch events.
 */
export function useCompareData(ids: readonly string[]): { data: CompareData | null; error: string | null } {
  const client = useClient();
  const configs = useRef(new Map<string, CompareRun>());
  const [data, setData] = useState<CompareData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = ids.join(',');

  useEffect(() => {
    const selection = key === '' ? [] : key.split(',');
    if (selection.length === 0) {
      setData({ key, runs: [], epochs: [], points: [], missing: [] });
      return;
    }
    let stale = false;
    (async () => {
      const remember = (run: CompareRun) => {
        configs.current.set(run.id, {
          id: run.id,
          name: run.name,
          config: run.config,
          startedAt: run.startedAt,
          parent: run.parent ?? null,
        });
      };
      // Every epoch of the selection is asked for at once, beside the configs: the largest answer by far, it
      // should not wait for the configs' round trip. Should it be refused (a run is missing), it is asked
      // again for the runs that are there.
      const allEpochs = loadEpochs(client, selection).catch(() => null);
      const allPoints = client.call('runs.points', { runIds: selection }).catch(() => null);
      const uncached = [...new Set(selection.filter((runId) => !configs.current.has(runId)))];
      if (uncached.length > 0) {
        // One request for every config; when it is refused (a run deleted meanwhile, an id mistyped in the
        // URL), run by run, to tell which ones are missing.
        try {
          for (const run of await client.call('runs.details', { runIds: uncached })) remember(run);
        } catch {
          await Promise.allSettled(
            uncached.map(async (runId) => remember(await client.call('runs.get', { runId }))),
          );
        }
      }
      const runs = selection.flatMap((runId) => {
        const run = configs.current.get(runId);
        return run ? [run] : [];
      });
      const missing = selection.filter((runId) => !configs.current.has(runId));
      const epochs =
        (await allEpochs) ??
        (runs.length > 0
          ? await loadEpochs(
              client,
              runs.map((r) => r.id),
            )
          : []);
      // The points add to the epochs' curves: without them (a failed call) the runs still compare by epoch.
      const points =
        (await allPoints) ??
        (runs.length > 0
          ? await client.call('runs.points', { runIds: runs.map((r) => r.id) }).catch((): RunPoints[] => [])
          : []);
      if (stale) return;
      setData({ key, runs, epochs, points, missing });
      setError(null);
    })().catch((e: unknown) => {
      if (!stale) setError(errorMessage(e));
    });
    return () => {
      stale = true;
    };
  }, [client, key]);

  useClientEvents((event) => {
    if (event.type === 'run.point') {
      setData((current) => {
        if (!current || !current.points.some((p) => p.runId === event.runId)) return current;
        const points = current.points.map((p) =>
          p.runId === event.runId ? { ...p, points: mergePoints(p.points, [event.point]) } : p,
        );
        return { ...current, points };
      });
      return;
    }
    if (event.type !== 'run.epoch') return;
    setData((current) => {
      if (!current || !current.runs.some((r) => r.id === event.runId)) return current;
      const epochs = current.epochs.map((e) =>
        e.runId === event.runId ? { runId: e.runId, epochs: mergeEpochs(e.epochs, [event.metrics]) } : e,
      );
      return { ...current, epochs };
    });
  });

  return { data, error };
}
