import { parseEpochChoice, type EpochChoice } from '../../../common/checkpoints/types';

/** The views, addressed by the URL hash so that reloads, back/forward and bookmarks work in both transports. */
export type Route =
  /**
   * `filter`: the Runs filter's text, e.g. `parent:ID` from a run's lineage. `notFound`: the address asked
   * for, when it names no view (the runs are shown instead, and say so).
   */
  | { name: 'runs'; filter?: string; notFound?: string }
  /** `fork`: New run in fork mode, on that run's config, continuing from its checkpoint at `epoch`. */
  | { name: 'new'; fork?: { runId: string; epoch: EpochChoice } }
  | { name: 'run'; runId: string }
  /** `view`: the comparison's settings as query parameters (metrics, smoothing, scales), when given. */
  | { name: 'compare'; ids: string[]; view?: string }
  | { name: 'grids' }
  | { name: 'new-grid' }
  | { name: 'grid'; gridId: string }
  | { name: 'archives' }
  | { name: 'datasets' };

export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '');
  const queryStart = raw.indexOf('?');
  const path = (queryStart >= 0 ? raw.slice(0, queryStart) : raw).replace(/\/+$/, '');
  const query = new URLSearchParams(queryStart >= 0 ? raw.slice(queryStart + 1) : '');
  if (path === '/new') {
    const forkOf = query.get('forkOf');
    const epoch = parseEpochChoice(query.get('epoch') ?? 'last');
    return forkOf && epoch !== null ? { name: 'new', fork: { runId: forkOf, epoch } } : { name: 'new' };
  }
  if (path === '/compare') {
    const ids = parseIds(query.get('ids'));
    query.delete('ids');
    const view = query.toString();
    return view === '' ? { name: 'compare', ids } : { name: 'compare', ids, view };
  }
  if (path === '/runs' && query.get('filter')) return { name: 'runs', filter: query.get('filter') ?? '' };
  if (path === '/grids') return { name: 'grids' };
  if (path === '/grids/new') return { name: 'new-grid' };
  if (path === '/archives') return { name: 'archives' };
  if (path === '/datasets') return { name: 'datasets' };
  const grid = /^\/grids\/([^/]+)$/.exec(path);
  if (grid) return { name: 'grid', gridId: decodeURIComponent(grid[1]) };
  const run = /^\/runs\/([^/]+)$/.exec(path);
  if (run) return { name: 'run', runId: decodeURIComponent(run[1]) };
  if (path === '' || path === '/runs') return { name: 'runs' };
  return { name: 'runs', notFound: `#${raw}` };
}

export function routeHref(route: Route): string {
  switch (route.name) {
    case 'runs':
      return route.filter ? `#/runs?filter=${encodeURIComponent(route.filter)}` : '#/runs';
    case 'new':
      return route.fork
        ? `#/new?forkOf=${encodeURIComponent(route.fork.runId)}&epoch=${encodeURIComponent(String(route.fork.epoch))}`
        : '#/new';
    case 'run':
      return `#/runs/${encodeURIComponent(route.runId)}`;
    case 'compare': {
      // Commas stay readable: run ids are UUIDs and never contain one.
      const query = [
        ...(route.ids.length > 0 ? [`ids=${route.ids.map(encodeURIComponent).join(',')}`] : []),
        ...(route.view ? [route.view] : []),
      ];
      return query.length > 0 ? `#/compare?${query.join('&')}` : '#/compare';
    }
    case 'grids':
      return '#/grids';
    case 'new-grid':
      return '#/grids/new';
    case 'grid':
      return `#/grids/${encodeURIComponent(route.gridId)}`;
    case 'archives':
      return '#/archives';
    case 'datasets':
      return '#/datasets';
  }
}

function parseIds(value: string | null): string[] {
  if (!value) return [];
  return [
    ...new Set(
      value
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id.length > 0),
    ),
  ];
}
