import { isAbsolute, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Where the app's own pages come from: the built renderer, or the dev server while developing. */
export interface AppOrigin {
  /** The built renderer folder (out/renderer); file:// pages inside it are ours. */
  rendererDir: string;
  /** ELECTRON_RENDERER_URL in development: pages of its origin are ours. */
  devServerUrl?: string;
}

/**
 * Whether a page URL is one of the app's own pages. IPC calls from any other frame (an iframe, a page a bug
 * navigated to) are refused, and the window may navigate only to these.
 */
export function isTrustedAppUrl(url: string, origin: AppOrigin): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'file:') {
    if (!isAbsolute(origin.rendererDir)) return false;
    let file: string;
    try {
      file = fileURLToPath(parsed);
    } catch {
      return false;
    }
    return resolve(file).startsWith(resolve(origin.rendererDir) + sep);
  }
  if (origin.devServerUrl === undefined) return false;
  try {
    const dev = new URL(origin.devServerUrl);
    return (dev.protocol === 'http:' || dev.protocol === 'https:') && parsed.origin === dev.origin;
  } catch {
    return false;
  }
}
