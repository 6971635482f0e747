import {
  ApiError,
  type ApiMethodName,
  type ApiParams,
  type ApiResult,
  type WorkbenchBridge,
  type WorkbenchClient,
} from '../../../common/api/contract';

/** The contract over the preload bridge (Electron IPC); saving goes through the main process's dialog. */
export function createElectronClient(bridge: WorkbenchBridge): WorkbenchClient {
  return {
    transport: 'electron',
    async call<M extends ApiMethodName>(method: M, params: ApiParams<M>): Promise<ApiResult<M>> {
      const response = await bridge.call(method, params ?? {});
      if (!response.ok) throw new ApiError(response.error);
      return response.result as ApiResult<M>;
    },
    subscribe: (listener) => bridge.onEvent(listener),
    // The dialog picks the type from the extension; the bridge takes no MIME type.
    saveFile: (fileName, data) => bridge.saveFile(fileName, data),
    uploadFile: (fileName, data) => bridge.upload(fileName, data),
    saveTransfer: (transferId, fileName) => bridge.saveTransfer(transferId, fileName),
  };
}

export function isWorkbenchBridge(value: unknown): value is WorkbenchBridge {
  if (typeof value !== 'object' || value === null) return false;
  const bridge = value as Partial<Record<keyof WorkbenchBridge, unknown>>;
  return (
    typeof bridge.call === 'function' &&
    typeof bridge.onEvent === 'function' &&
    typeof bridge.saveFile === 'function' &&
    typeof bridge.upload === 'function' &&
    typeof bridge.saveTransfer === 'function'
  );
}
