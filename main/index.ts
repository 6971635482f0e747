import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, session, type WebContents } from 'electron';
import type { ApiBackend } from './api/backend-types';
import { defaultCacheDir } from './app-paths';
import { applySessionSecurity } from './electron/session-security';
import { describeStartupError } from './electron/startup-error';
import { createMainWindow } from './electron/window';
import { defaultDbPath } from './store/default-db-path';
import { registerIpcHandlers } from './transports/ipc-main';
import { isTrustedAppUrl, type AppOrigin } from './transports/trusted-origin';

// The Electron shell stays thin: every capability lives in the backend the CLI's `serve` uses as well.
const here = fileURLToPath(new URL('.', import.meta.url));
const origin: AppOrigin = {
  rendererDir: join(here, '../renderer'),
  // Set by `electron-vite dev`; a packaged app never loads pages from a server.
  devServerUrl: app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL,
};

function openWindow(): BrowserWindow {
  return createMainWindow({
    preloadPath: join(here, '../preload/index.cjs'),
    load: origin.devServerUrl
      ? { url: origin.devServerUrl }
      : { file: join(origin.rendererDir, 'index.html') },
    isOwnPage: (url) => isTrustedAppUrl(url, origin),
  });
}

async function showSaveDialog(sender: WebContents, defaultName: string): Promise<string | undefined> {
  const owner = BrowserWindow.fromWebContents(sender);
  const options = { defaultPath: defaultName };
  // Looked up at call time (not bound at start), so tests can stand in for the dialog.
  const result = owner ? await dialog.showSaveDialog(owner, options) : await dialog.showSaveDialog(options);
  return result.canceled || !result.filePath ? undefined : result.filePath;
}

async function startBackend(): Promise<ApiBackend> {
  // Imported here rather than at the top so that a native module failing to load (better-sqlite3 built
  // for Node, not Electron) is an error this function can explain, not a crash before any window.
  const { createWorkbenchBackend } = await import('./api/workbench-backend');
  return createWorkbenchBackend({
    transport: 'electron',
    dbPath: defaultDbPath(),
    cacheDir: defaultCacheDir(),
  });
}

async function main(): Promise<void> {
  await app.whenReady();
  applySessionSecurity(session.defaultSession);

  let backend: ApiBackend;
  try {
    backend = await startBackend();
  } catch (error) {
    const { title, content } = describeStartupError(error);
    dialog.showErrorBox(title, content);
    app.exit(1);
    return;
  }

  const unregister = registerIpcHandlers(ipcMain, backend, {
    ...origin,
    allWebContents: () => BrowserWindow.getAllWindows().map((window) => window.webContents),
    // The transport sees senders structurally; here they are Electron's own web contents.
    showSaveDialog: (sender, defaultName) => showSaveDialog(sender as WebContents, defaultName),
  });

  // Quitting waits for the backend to cancel running runs (they end `cancelled`) and close the store.
  let closed = false;
  let closing = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    event.preventDefault();
    if (closing) return;
    closing = true;
    unregister();
    backend
      .close()
      .catch((error: unknown) => console.error('closing the backend failed:', error))
      .finally(() => {
        closed = true;
        app.quit();
      });
  });

  openWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openWindow();
  });
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});

main().catch((error: unknown) => {
  const { title, content } = describeStartupError(error);
  dialog.showErrorBox(title, content);
  app.exit(1);
});
