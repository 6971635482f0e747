import type { ApiHandlers } from '../../common/api/contract';
import type { ConfigCheckContext } from '../services/config-check';
import type { RunStore } from '../store/run-store';

export interface ModelEvaluateHandlerDeps {
  store: RunStore;
  checks: ConfigCheckContext;
  cacheDir: string;
}

type ModelEvaluateHandlers = Pick<ApiHandlers, 'models.evaluate'>;

/** What a kept model gets right and wrong on a split or another dataset. */
export function createModelEvaluateHandlers(deps: ModelEvaluateHandlerDeps): ModelEvaluateHandlers {
  void deps;
  return {
    'models.evaluate': () => {
      throw new Error('models.evaluate: being written (helper B)');
    },
  };
}
