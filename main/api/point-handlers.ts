import type { ApiHandlers } from '../../common/api/contract';
import { NotFoundError } from '../services/errors';
import type { RunStore } from '../store/run-store';

/** `runs.points`: each run's evaluation points and schedule; reading only, so the read-only backend has it too. */
export function createPointHandlers(deps: { store: RunStore }): Pick<ApiHandlers, 'runs.points'> {
  const { store } = deps;
  return {
    'runs.points': ({ runIds }) => {
      const runs = [...new Set(runIds)].map((id) => ({ id, run: store.getRun(id) }));
      const missing = runs.filter((r) => !r.run).map((r) => r.id);
      if (missing.length > 0) throw new NotFoundError(`no run with id ${missing.join(', ')}`);
      return runs.map(({ run }) => {
        const runId = run?.id ?? '';
        return { runId, schedule: store.getSchedule(runId), points: store.getPoints(runId) };
      });
    },
  };
}
