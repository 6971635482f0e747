import { writeFileSync } from 'node:fs';
import type { ApiHandlers } from '../../common/api/contract';
import { APP_VERSION } from '../build-info';
import { NotFoundError } from '../services/errors';
import { encodeNpz } from '../services/models/export-npz';
import { exportFileName, readModelExport } from '../services/models/export-model';
import { tfjsFiles, zipTfjsFiles } from '../services/models/export-tfjs';
import { firstLayerPictures } from '../services/models/first-layer';
import type { TransferStore } from '../services/transfers';
import type { RunStore } from '../store/run-store';

export interface ModelExportHandlerDeps {
  store: RunStore;
  transfers: TransferStore;
  /** Where decoded built-in datasets are cached (the normalisation is refitted from the data); optional. */
  cacheDir?: string;
}

type ModelExportHandlers = Pick<ApiHandlers, 'models.export' | 'models.firstLayer'>;

/** A kept model written as .npz or a zipped tfjs LayersModel to a transfer the client downloads or saves. */
export function createModelExportHandlers(deps: ModelExportHandlerDeps): ModelExportHandlers {
  const { store, transfers } = deps;
  return {
    'models.firstLayer': ({ runId, epoch }) => {
      if (!store.getRun(runId)) throw new NotFoundError(`no run with id ${runId}`);
      return firstLayerPictures(store, runId, { epoch, cacheDir: deps.cacheDir });
    },
    'models.export': ({ runId, epoch, format }) => {
      if (!store.getRun(runId)) throw new NotFoundError(`no run with id ${runId}`);
      // Everything is read and encoded before the transfer is reserved: an error leaves no file.
      const model = readModelExport(store, runId, { epoch, cacheDir: deps.cacheDir });
      const bytes =
        format === 'npz' ? encodeNpz(model, APP_VERSION) : zipTfjsFiles(tfjsFiles(model, APP_VERSION));
      const slot = transfers.reserve(exportFileName(model, format));
      writeFileSync(slot.path, bytes);
      const transfer = slot.commit();
      return { transferId: transfer.id, fileName: transfer.name, bytes: transfer.bytes };
    },
  };
}
