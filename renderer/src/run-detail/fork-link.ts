import type { EpochChoice } from '../../../common/checkpoints/types';
import { routeHref } from '../routing/route';

/** New run in fork mode: the run's config, continuing from its checkpoint at `epoch`. */
export function forkHref(runId: string, epoch: EpochChoice): string {
  return routeHref({ name: 'new', fork: { runId, epoch } });
}
