import type { EpochMetrics } from '../../../common/types';
import { useClient } from '../client/client-context';
import { useLoad } from '../common/use-load';
import type { RunDetailData } from './live-run';

export interface ParentRun {
  name: string;
  /** The parent's epochs up to and including the fork epoch: the curve the fork continues. */
  epochs: EpochMetrics[];
}

/** A fork's parent as its page shows it; null for a run that is no fork, or while loading. */
export function useParentRun(run: RunDetailData | null): ParentRun | null {
  const client = useClient();
  const parent = run?.parent ?? null;
  const loaded = useLoad(
    async (): Promise<ParentRun | null> => {
      if (!parent) return null;
      const [detail, [epochs]] = await Promise.all([
        client.call('runs.get', { runId: parent.runId }),
        client.call('runs.epochs', { runIds: [parent.runId] }),
      ]);
      return { name: detail.name, epochs: (epochs?.epochs ?? []).filter((e) => e.epoch <= parent.epoch) };
    },
    parent ? `${parent.runId}:${parent.epoch}` : 'none',
  );
  return loaded.data ?? null;
}
