import type { ApiHandlers } from '../../common/api/contract';
import type { TransferStore } from '../services/transfers';
import type { RunStore } from '../store/run-store';

export interface ModelExportHandlerDeps {
  store: RunStore;
  transfers: TransferStore;
}

type ModelExportHandlers = Pick<ApiHandlers, 'models.export'>;

/** A kept model written as .npz or a zipped tfjs LayersModel to a transfer the client downloads or saves. */
export function createModelExportHandlers(deps: ModelExportHandlerDeps): ModelExportHandlers {
  void deps;
  return {
    'models.export': () => {
      throw new Error('models.export: being written (helper A)');
    },
  };
}
