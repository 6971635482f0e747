import { describe, expect, it } from 'vitest';
import type { ApiEvent } from '../../common/api/contract';
import { tempWorkspace } from '../../tests/support/cli';
import { TransferStore } from '../services/transfers';
import { RunStore } from '../store/run-store';
import { CPU_BACKEND, makeEpoch, makeRunConfig } from '../store/testing/fixtures';
import { TEST_CACHE_DIR } from '../transports/test-support';
import { createArchiveHandlers } from './archive-handlers';
import { EventHub } from './event-hub';

const OWNER = { pid: process.pid, host: 'laptop', token: 'tok' };

describe('archives.export file names', () => {
  it('offers a grid’s archive under the grid’s name, not workbench-grid-<date>', async () => {
    const ws = tempWorkspace();
    const store = RunStore.open(ws.db);
    const transfers = new TransferStore();
    try {
      const gridId = store.grids.createGrid(
        {
          name: 'E5 L2 / small',
          spec: { name: 'E5 L2 / small', base: 'e5', axes: [{ path: 'regularization.l2', values: [0.01] }] },
          axes: [{ path: 'regularization.l2', label: 'λ', values: [0.01], scale: 'linear' }],
          cells: [
            {
              index: 0,
              point: 0,
              repeat: 0,
              position: 0,
              values: { 'regularization.l2': 0.01 },
              config: makeRunConfig({ name: 'E5 L2 · λ=0.01', regularization: { l2: 0.01 } }),
              datasetFingerprint: 'fp-mnist',
            },
          ],
        },
        OWNER,
      );
      const cell = store.grids.claimNextCell(gridId, OWNER, '0.1.0')!;
      store.startRun(cell.runId, { backend: CPU_BACKEND, pid: process.pid, host: 'lab' });
      store.appendEpoch(cell.runId, makeEpoch(1));
      store.finishRun(cell.runId, 'completed');

      const handlers = createArchiveHandlers({
        store,
        transfers,
        events: new EventHub<ApiEvent>(),
        cacheDir: TEST_CACHE_DIR,
        readOnly: false,
      });
      const day = new Date().toISOString().slice(0, 10);
      const exported = await handlers['archives.export']({ selection: { gridId } });
      expect(exported.fileName).toBe(`e5-l2-small-${day}.wbx`);
      expect(exported.counts.runs).toBe(1);
      const byRuns = await handlers['archives.export']({ selection: { runIds: [cell.runId] } });
      expect(byRuns.fileName).toBe(`workbench-runs-${day}.wbx`);
    } finally {
      store.close();
      transfers.dispose();
    }
  });
});
