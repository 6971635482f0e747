import { copyFile, writeFile } from 'node:fs/promises';
import { MAX_UPLOAD_BYTES, safeName } from '../services/transfers';
import { IPC_CHANNELS, type ApiResponse } from '../../common/api/contract';
import type { ApiBackend } from '../api/backend-types';
import { dispatchApiCall } from '../api/dispatch';
import type { IpcMainInvokeEventLike, IpcMainLike, WebContentsLike } from './ipc-types';
import { validateSaveRequest } from './save-file';
import { isTrustedAppUrl, type AppOrigin } from './trusted-origin';

export interface IpcTransportOptions extends AppOrigin {
  /** Every open window's web contents: live events go to all of them. */
  allWebContents(): WebContentsLike[];
  /** Asks the user where to save (a save dialog); resolves the chosen path, or undefined if cancelled. */
  showSaveDialog(sender: WebContentsLike, defaultName: string): Promise<string | undefined>;
}

/**
 * The API contract over Electron IPC: `call` (dispatched like the HTTP transport), live events pushed to
 * every window, and `saveFile` through the save dialog. Returns the function that unregisters it all.
 */
export function registerIpcHandlers(
  ipcMain: IpcMainLike,
  backend: Pick<ApiBackend, 'handlers' | 'subscribe' | 'transfers'>,
  options: IpcTransportOptions,
): () => void {
  const fromOurPage = (event: IpcMainInvokeEventLike): boolean =>
    event.senderFrame !== null && isTrustedAppUrl(event.senderFrame.url, options);

  ipcMain.handle(IPC_CHANNELS.call, (event, method, params): Promise<ApiResponse> => {
    if (!fromOurPage(event)) return Promise.resolve(refusal(event));
    return dispatchApiCall(backend.handlers, method, params);
  });

  ipcMain.handle(IPC_CHANNELS.saveFile, async (event, fileName, data): Promise<boolean> => {
    if (!fromOurPage(event)) throw new Error(refusal(event).error.message);
    const request = validateSaveRequest(fileName, data);
    const target = await options.showSaveDialog(event.sender, request.fileName);
    if (target === undefined) return false;
    await writeFile(target, request.data);
    return true;
  });

  // An archive the user picked, as bytes from the page: kept as a transfer for archives.inspect/import.
  ipcMain.handle(IPC_CHANNELS.upload, async (event, fileName, data): Promise<string> => {
    if (!fromOurPage(event)) throw new Error(refusal(event).error.message);
    if (typeof fileName !== 'string' || fileName.length === 0 || fileName.length > 1000) {
      throw new TypeError('upload: expected a file name (a string of 1 to 1000 characters)');
    }
    if (!(data instanceof Uint8Array))
      throw new TypeError('upload: expected the file as bytes (a Uint8Array)');
    if (data.byteLength > MAX_UPLOAD_BYTES) {
      throw new RangeError(`upload: ${data.byteLength} bytes is more than the limit of ${MAX_UPLOAD_BYTES}`);
    }
    const slot = backend.transfers.reserve(fileName);
    await writeFile(slot.path, data);
    return slot.commit().id;
  });

  // An exported archive, saved where the user chooses.
  ipcMain.handle(IPC_CHANNELS.saveTransfer, async (event, transferId, fileName): Promise<boolean> => {
    if (!fromOurPage(event)) throw new Error(refusal(event).error.message);
    const transfer = backend.transfers.get(transferId);
    if (!transfer) throw new Error('save: no exported file with this transfer id (exports last an hour)');
    const target = await options.showSaveDialog(
      event.sender,
      safeName(typeof fileName === 'string' ? fileName : transfer.name),
    );
    if (target === undefined) return false;
    await copyFile(transfer.path, target);
    return true;
  });

  const unsubscribe = backend.subscribe((apiEvent) => {
    for (const contents of options.allWebContents()) {
      if (!contents.isDestroyed()) contents.send(IPC_CHANNELS.event, apiEvent);
    }
  });

  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_CHANNELS.call);
    ipcMain.removeHandler(IPC_CHANNELS.saveFile);
    ipcMain.removeHandler(IPC_CHANNELS.upload);
    ipcMain.removeHandler(IPC_CHANNELS.saveTransfer);
  };
}

function refusal(event: IpcMainInvokeEventLike): {
  ok: false;
  error: { code: 'unauthorized'; message: string };
} {
  const from = event.senderFrame?.url ?? '(a frame that is gone)';
  return {
    ok: false,
    error: { code: 'unauthorized', message: `refused: ${from.slice(0, 200)} is not a page of the workbench` },
  };
}
