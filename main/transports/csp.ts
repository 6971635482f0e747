/**
 * The renderer's Content-Security-Policy as it stands in the `<meta http-equiv="Content-Security-Policy">` of
 * renderer/index.html (main/ may not import the renderer, so a test compares the two): a header and a meta
 * policy that differ would both apply, and the stricter mix breaks the UI in only one of the transports.
 */
export const META_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'";

/**
 * What `workbench serve` and the Electron session send as a header: the meta policy plus `frame-ancestors`,
 * which browsers honour only in a header (in a meta tag Chromium ignores it and logs an error).
 */
export const CONTENT_SECURITY_POLICY = `${META_CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`;

/** Headers every response of the workbench carries, API and static files alike. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};
