import type { ApiEvent, ApiHandlers } from '../../common/api/contract';
import { findDataset, loadDataset } from '../datasets/catalog';
import {
  deleteImportedDataset,
  importDatasetTransfer,
  inspectDatasetTransfer,
  previewStoredDataset,
} from '../services/dataset-imports';
import { ConflictError, NotFoundError } from '../services/errors';
import type { TransferStore } from '../services/transfers';
import type { RunStore } from '../store/run-store';
import type { EventHub } from './event-hub';

export interface DatasetHandlerDeps {
  store: RunStore;
  transfers: TransferStore;
  events: EventHub<ApiEvent>;
  /** A store that is only looked at: previews work, imports and deletes are refused. */
  readOnly: boolean;
  cacheDir: string;
}

type DatasetHandlers = Pick<
  ApiHandlers,
  'datasets.inspect' | 'datasets.preview' | 'datasets.import' | 'datasets.delete'
>;

/** Importing datasets from uploaded files, and deleting imported ones. */
export function createDatasetHandlers(deps: DatasetHandlerDeps): DatasetHandlers {
  const { store, transfers, events } = deps;
  const writable = () => {
    if (deps.readOnly)
      throw new ConflictError(`${store.path} is open read-only: datasets cannot be imported or deleted`);
  };
  return {
    'datasets.inspect': (request) => inspectDatasetTransfer(transfers, request),
    'datasets.preview': ({ datasetId, samplesPerClass }) => {
      if (!findDataset(datasetId, store, { cacheDir: deps.cacheDir })) {
        throw new NotFoundError(`no dataset with id ${datasetId}`);
      }
      return previewStoredDataset(
        loadDataset(datasetId, store, { cacheDir: deps.cacheDir }),
        samplesPerClass,
      );
    },
    'datasets.import': (request) => {
      writable();
      const dataset = importDatasetTransfer(store, transfers, request);
      events.emit({ type: 'runs.changed' });
      return dataset;
    },
    'datasets.delete': ({ datasetId }) => {
      writable();
      const result = deleteImportedDataset(store, datasetId);
      events.emit({ type: 'runs.changed' });
      return result;
    },
  };
}
