/**
 * DNS-rebinding guard: a page on evil.example whose name an attacker re-points at 127.0.0.1 reaches the
 * server with `Host: evil.example`. Answering only the names the server was bound to (plus the loopback
 * names) stops that page from reading anything, even before the token check.
 */

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '::1'];

function bare(hostname: string): string {
  return hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
}

export function isLoopbackHost(host: string): boolean {
  const h = bare(host);
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h);
}

/** 0.0.0.0 and :: listen on every interface, so any name of this machine may legitimately arrive. */
export function isWildcardHost(host: string): boolean {
  const h = bare(host);
  return h === '0.0.0.0' || h === '::';
}

/** A predicate over Host headers for a server bound to `boundHost`. */
export function hostHeaderChecker(boundHost: string): (hostHeader: string | undefined) => boolean {
  // Bound to every interface on purpose (--allow-remote): the token is the guard there.
  if (isWildcardHost(boundHost)) return () => true;
  const allowed = new Set([...LOOPBACK_NAMES, bare(boundHost)]);
  return (hostHeader) => {
    if (hostHeader === undefined || hostHeader === '') return false;
    let hostname: string;
    try {
      hostname = new URL(`http://${hostHeader}`).hostname;
    } catch {
      return false;
    }
    return allowed.has(bare(hostname));
  };
}
