import type { ApiEvent, ApiHandlers } from '../../common/api/contract';
import { archiveFileName } from '../../common/archive/file-name';
import { APP_VERSION } from '../build-info';
import { exportArchive, importArchiveFile, inspectArchive } from '../services/archives';
import { NotFoundError } from '../services/errors';
import type { TransferStore } from '../services/transfers';
import type { ArchiveSelection, RunStore } from '../store/run-store';
import type { EventHub } from './event-hub';
import { refuseReadOnly } from './run-handlers';

export interface ArchiveHandlerDeps {
  store: RunStore;
  transfers: TransferStore;
  events: EventHub<ApiEvent>;
  cacheDir: string;
  readOnly: boolean;
}

type ArchiveHandlers = Pick<ApiHandlers, 'archives.export' | 'archives.inspect' | 'archives.import'>;

/**
 * Archives over the API: exports are written to a transfer the client then downloads or saves; imports
 * read a transfer the client uploaded. The checks and the merge are the CLI's (store/archive).
 */
export function createArchiveHandlers(deps: ArchiveHandlerDeps): ArchiveHandlers {
  const { store, transfers, events } = deps;
  const upload = (transferId: string) => {
    const transfer = transfers.get(transferId);
    if (!transfer)
      throw new NotFoundError(`no uploaded file with transfer id ${transferId} (uploads last an hour)`);
    return transfer;
  };
  /** Errors name the file as the user knows it, not the temporary copy. */
  const asUploaded = <T>(name: string, path: string, body: () => T): T => {
    try {
      return body();
    } catch (error) {
      if (error instanceof Error && error.message.startsWith(path))
        error.message = name + error.message.slice(path.length);
      throw error;
    }
  };
  return {
    'archives.export': ({ selection, withDatasets, withModels }) => {
      const chosen: ArchiveSelection = 'runIds' in selection ? { runIds: selection.runIds } : selection;
      // A grid's archive goes under the grid's name (a grid the store lacks fails in exportArchive).
      const grid = 'gridId' in selection ? store.grids.findGrid(selection.gridId) : undefined;
      const fileName = archiveFileName(
        'gridId' in selection
          ? { grid: grid?.name ?? selection.gridId }
          : 'tag' in selection
            ? { tag: selection.tag }
            : { runs: true },
        new Date(),
      );
      const slot = transfers.reserve(fileName);
      const { manifest, leftOut } = exportArchive(store, chosen, slot.path, {
        withDatasets: withDatasets === true,
        withModels: withModels === true,
        appVersion: APP_VERSION,
      });
      const transfer = slot.commit();
      return {
        transferId: transfer.id,
        fileName: transfer.name,
        bytes: transfer.bytes,
        counts: manifest.counts,
        leftOut,
      };
    },
    'archives.inspect': ({ transferId }) => {
      const transfer = upload(transferId);
      const preview = asUploaded(transfer.name, transfer.path, () =>
        inspectArchive(store, deps.cacheDir, transfer.path),
      );
      return { ...preview, file: transfer.name };
    },
    'archives.import': ({ transferId, onConflict }) => {
      if (deps.readOnly) refuseReadOnly(store.path);
      const transfer = upload(transferId);
      const result = asUploaded(transfer.name, transfer.path, () =>
        importArchiveFile(store, deps.cacheDir, transfer.path, onConflict ?? 'skip'),
      );
      events.emit({ type: 'runs.changed' });
      return { ...result, file: transfer.name };
    },
  };
}
