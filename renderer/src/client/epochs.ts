import type { RunEpochs, WorkbenchClient } from '../../../common/api/contract';
import { fromEpochColumns } from '../../../common/api/epoch-columns';

/**
 * Every logged epoch of these runs, fetched in the compact column form (runs.epochColumns) and given back as
 * runs.epochs would: for views that read many runs at once.
 */
export async function loadEpochs(client: WorkbenchClient, runIds: readonly string[]): Promise<RunEpochs[]> {
  const answer = await client.call('runs.epochColumns', { runIds: [...runIds] });
  return answer.map(({ runId, columns }) => ({ runId, epochs: fromEpochColumns(columns) }));
}
