import { contextBridge } from 'electron';

// Only a typed API is exposed to the renderer, never ipcRenderer itself. The full API arrives with the UI.
contextBridge.exposeInMainWorld('workbench', {
  transport: 'electron',
});
