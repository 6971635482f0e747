import { useMemo, useRef } from 'react';
import type { RunEpochs } from '../../../common/api/contract';
import type { GridDetail } from '../../../common/grid/types';
import { useClient } from '../client/client-context';
import { loadEpochs } from '../client/epochs';
import { useLoad, type Loaded } from '../common/use-load';
import { analysedCells } from './grid-stopping-data';

/** runs.epochColumns takes at most this many runs per call (the contract's limit). */
const MAX_RUNS_PER_CALL = 5000;

/**
 * Every logged epoch of the grid's completed runs, for the early-stopping analysis: one runs.epochColumns call
 * for all of them (however many cells), only while `enabled`. A finished run's epochs never change, so
 * while the grid trains only runs that completed since are fetched, not the whole grid again.
 */
export function useGridEpochs(
  grid: GridDetail,
  enabled: boolean,
): Loaded<ReadonlyMap<string, RunEpochs['epochs']> | null> {
  const runIds = useMemo(() => analysedCells(grid).map((c) => c.runId), [grid]);
  return useRunEpochs(runIds, enabled);
}

/**
 * The logged epochs of `runIds`, in as few runs.epochColumns calls as the contract allows, only while
 * `enabled`; a run fetched once is not fetched again. That suits runs whose epochs the caller reads are
 * already logged: finished runs, or (the rung importance of a pruned grid) epochs a run has passed.
 */
export function useRunEpochs(
  runIds: readonly string[],
  enabled: boolean,
): Loaded<ReadonlyMap<string, RunEpochs['epochs']> | null> {
  const client = useClient();
  const cache = useRef(new Map<string, RunEpochs['epochs']>());
  const key = enabled ? runIds.join(',') : 'off';
  return useLoad(async () => {
    // null, not an empty map: opening the section must show "loading", not cells without epochs.
    if (!enabled) return null;
    const missing = runIds.filter((id) => !cache.current.has(id));
    for (let i = 0; i < missing.length; i += MAX_RUNS_PER_CALL) {
      const answer = await loadEpochs(client, missing.slice(i, i + MAX_RUNS_PER_CALL));
      for (const run of answer) cache.current.set(run.runId, run.epochs);
    }
    return new Map(runIds.map((id) => [id, cache.current.get(id) ?? []]));
  }, key);
}
