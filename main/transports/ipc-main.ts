import { writeFile } from 'node:fs/promises';
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
  backend: Pick<ApiBackend, 'handlers' | 'subscribe'>,
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

  const unsubscribe = backend.subscribe((apiEvent) => {
    for (const contents of options.allWebContents()) {
      if (!contents.isDestroyed()) contents.send(IPC_CHANNELS.event, apiEvent);
    }
  });

  return () => {
    unsubscribe();
    ipcMain.removeHandler(IPC_CHANNELS.call);
    ipcMain.removeHandler(IPC_CHANNELS.saveFile);
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
