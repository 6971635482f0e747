import type { WorkbenchClient } from '../../../common/api/contract';
import { createElectronClient, isWorkbenchBridge } from './electron-client';
import { createHttpClient } from './http-client';

/** Per tab: a reload keeps working, a new tab needs the printed URL again (as does a new server). */
export const TOKEN_STORAGE_KEY = 'workbench.token';

export type ClientChoice = { kind: 'ready'; client: WorkbenchClient } | { kind: 'no-token' };

type HostWindow = Pick<Window, 'location' | 'history' | 'sessionStorage'> & { workbench?: unknown };

/**
 * Electron when the preload exposed `window.workbench`; otherwise HTTP to the page's own origin with the
 * token that `workbench serve` put in the URL fragment (`#token=…`). The token moves to sessionStorage and
 * out of the address bar, so it is neither bookmarked nor shown on screen, and routing gets its hash back.
 */
export function pickClient(win: HostWindow = window as unknown as HostWindow): ClientChoice {
  if (isWorkbenchBridge(win.workbench)) return { kind: 'ready', client: createElectronClient(win.workbench) };
  const token = takeTokenFromHash(win) ?? readStoredToken(win);
  if (!token) return { kind: 'no-token' };
  return {
    kind: 'ready',
    client: createHttpClient(win.location.origin, token, { onUnauthorized: () => forgetToken(win) }),
  };
}

/**
 * Reads `#token=…` (or a `token` parameter in a route's query, `#/runs/x?token=…`), stores it, and rewrites
 * the hash without it.
 */
export function takeTokenFromHash(win: HostWindow): string | null {
  const raw = win.location.hash.replace(/^#/, '');
  const queryStart = raw.indexOf('?');
  const isRoute = raw.startsWith('/');
  const path = isRoute ? (queryStart >= 0 ? raw.slice(0, queryStart) : raw) : '';
  const query = isRoute ? (queryStart >= 0 ? raw.slice(queryStart + 1) : '') : raw;
  const params = new URLSearchParams(query);
  const token = params.get('token');
  if (!token) return null;
  params.delete('token');
  storeToken(win, token);
  const rest = params.toString();
  const hash = isRoute ? (rest ? `${path}?${rest}` : path) : '/runs';
  win.history.replaceState(win.history.state, '', `${win.location.pathname}${win.location.search}#${hash}`);
  return token;
}

function readStoredToken(win: HostWindow): string | null {
  try {
    return win.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

function storeToken(win: HostWindow, token: string): void {
  try {
    win.sessionStorage.setItem(TOKEN_STORAGE_KEY, token);
  } catch {
    // Storage disabled: the token still works until the next reload.
  }
}

function forgetToken(win: HostWindow): void {
  try {
    win.sessionStorage.removeItem(TOKEN_STORAGE_KEY);
  } catch {
    // Nothing stored.
  }
}
