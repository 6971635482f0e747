import { useSyncExternalStore } from 'react';
import { parseRoute, routeHref, type Route } from './route';

/** Fired by `navigate(…, {replace: true})`: history.replaceState changes the hash without a hashchange. */
const REPLACED_EVENT = 'workbench:route-replaced';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  window.addEventListener(REPLACED_EVENT, onChange);
  return () => {
    window.removeEventListener('hashchange', onChange);
    window.removeEventListener(REPLACED_EVENT, onChange);
  };
}

const currentHash = () => window.location.hash;

/** The raw hash; parse it with parseRoute (a string snapshot keeps useSyncExternalStore stable). */
export function useHash(): string {
  return useSyncExternalStore(subscribe, currentHash);
}

export function useRoute(): Route {
  return parseRoute(useHash());
}

export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const href = routeHref(route);
  if (options.replace) {
    window.history.replaceState(window.history.state, '', href);
    window.dispatchEvent(new Event(REPLACED_EVENT));
  } else {
    window.location.hash = href;
  }
}
