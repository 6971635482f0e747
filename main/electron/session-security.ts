import type { Session } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../transports/csp';

/**
 * The renderer's CSP as a response header as well as its meta tag: a header covers every response the
 * session loads (including any that lack the meta), and the page asks for no permission (camera,
 * notifications, …) that the workbench would ever grant.
 */
export function applySessionSecurity(session: Session): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const headers = Object.fromEntries(
      Object.entries(details.responseHeaders ?? {}).filter(
        ([name]) => name.toLowerCase() !== 'content-security-policy',
      ),
    );
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
