import type { ApiHandlers } from '../../common/api/contract';
import type { ModelEvaluation } from '../../common/model-eval/types';
import type { ConfigCheckContext } from '../services/config-check';
import { NotFoundError } from '../services/errors';
import { evaluateKeptModel } from '../services/models/evaluate-model';
import type { RunStore } from '../store/run-store';

export interface ModelEvaluateHandlerDeps {
  store: RunStore;
  checks: ConfigCheckContext;
  cacheDir: string;
}

type ModelEvaluateHandlers = Pick<ApiHandlers, 'models.evaluate'>;

/** Evaluations kept for the views that ask again (switching best ↔ last, coming back to a run). */
const CACHED_EVALUATIONS = 8;

/**
 * What a kept model gets right and wrong on a split or another dataset (services/models/evaluate-model), on
 * the tfjs backend of this process; it only reads the store, so a read-only one answers it too. The answer
 * for a run's own split is kept for the next ask, keyed by the checkpoint's hash, so it can never be stale.
 */
export function createModelEvaluateHandlers(deps: ModelEvaluateHandlerDeps): ModelEvaluateHandlers {
  const { store, cacheDir } = deps;
  const cache = new Map<string, ModelEvaluation>();
  return {
    'models.evaluate': ({ runId, epoch, split, datasetId, inputs }) => {
      const run = store.getRun(runId);
      if (!run) throw new NotFoundError(`no run with id ${runId}`);
      const choice = epoch ?? (run.checkpoints.some((c) => c.kinds.includes('best')) ? 'best' : 'last');
      const resolved = store.checkpoints.resolveEpoch(run.id, choice);
      const sha = run.checkpoints.find((c) => c.epoch === resolved)?.sha256;
      const key =
        datasetId === undefined && sha !== undefined
          ? JSON.stringify([run.id, resolved, sha, split ?? null, inputs ?? 0])
          : null;
      const hit = key === null ? undefined : cache.get(key);
      if (hit) return hit;
      const evaluation = evaluateKeptModel(store, cacheDir, run.id, {
        epoch: resolved,
        split,
        datasetId,
        inputs,
      });
      if (key !== null) {
        cache.delete(key);
        cache.set(key, evaluation);
        while (cache.size > CACHED_EVALUATIONS) cache.delete(cache.keys().next().value!);
      }
      return evaluation;
    },
  };
}
