import type { BackendName, BackendReport } from '../../common/types';
import { describeBackendChain } from '../engine/backend/select-backend';

/**
 * Backends a run may ask for, best first: the one selection chose, and those below it in the chain that
 * are installed. Those above it failed here, so a run asking for them would fail too; those below were not
 * tried (a better one loaded first) but are pure JS/wasm or a second native build, which load where installed.
 */
export async function availableBackends(report: BackendReport): Promise<BackendName[]> {
  const chain = await describeBackendChain();
  const chosenAt = chain.findIndex((entry) => entry.name === report.chosen);
  return chain
    .filter((entry, i) => i === chosenAt || (chosenAt >= 0 && i > chosenAt && entry.installed))
    .map((entry) => entry.name);
}
