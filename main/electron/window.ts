import { BrowserWindow, shell } from 'electron';

export interface MainWindowOptions {
  preloadPath: string;
  /** What the window shows: the built renderer's index.html, or the dev server's URL. */
  load: { file: string } | { url: string };
  /** Whether a URL is one of the app's own pages (see isTrustedAppUrl). */
  isOwnPage(url: string): boolean;
}

/** Links to the web open in the system browser, where the user's browser protections apply. */
function openExternally(url: string): void {
  if (/^https?:\/\//i.test(url)) void shell.openExternal(url);
}

/**
 * The one window, locked down as Electron's security checklist asks: the page has no Node, runs sandboxed
 * and isolated from the preload, and cannot navigate or open windows away from the app's own pages (which
 * would hand the preload's API to someone else's page).
 */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    title: 'Experiment Workbench',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
    },
  });
  const contents = window.webContents;
  contents.setWindowOpenHandler(({ url }) => {
    if (!options.isOwnPage(url)) openExternally(url);
    return { action: 'deny' };
  });
  const guardNavigation = (event: { preventDefault(): void }, url: string) => {
    if (options.isOwnPage(url)) return;
    event.preventDefault();
    openExternally(url);
  };
  contents.on('will-navigate', guardNavigation);
  contents.on('will-redirect', guardNavigation);
  contents.on('will-attach-webview', (event) => event.preventDefault());

  if ('url' in options.load) void window.loadURL(options.load.url);
  else void window.loadFile(options.load.file);
  return window;
}
