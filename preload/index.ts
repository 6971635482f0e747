import { contextBridge, ipcRenderer } from 'electron';
import { createWorkbenchBridge } from './bridge';

// The page gets the typed contract (preload/bridge.ts), never ipcRenderer itself.
contextBridge.exposeInMainWorld('workbench', createWorkbenchBridge(ipcRenderer));
