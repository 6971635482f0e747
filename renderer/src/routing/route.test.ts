import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref, type Route } from './route';

describe('routes', () => {
  it('parses every view from the hash', () => {
    expect(parseRoute('')).toEqual({ name: 'runs' });
    expect(parseRoute('#/runs')).toEqual({ name: 'runs' });
    expect(parseRoute('#/runs?filter=parent%3Aab12')).toEqual({ name: 'runs', filter: 'parent:ab12' });
    expect(parseRoute('#/new')).toEqual({ name: 'new' });
    expect(parseRoute('#/new?forkOf=abc&epoch=12')).toEqual({
      name: 'new',
      fork: { runId: 'abc', epoch: 12 },
    });
    expect(parseRoute('#/new?forkOf=abc&epoch=best')).toEqual({
      name: 'new',
      fork: { runId: 'abc', epoch: 'best' },
    });
    expect(parseRoute('#/new?forkOf=abc')).toEqual({ name: 'new', fork: { runId: 'abc', epoch: 'last' } });
    expect(parseRoute('#/new?forkOf=abc&epoch=0')).toEqual({ name: 'new' });
    expect(parseRoute('#/runs/3f2a-b')).toEqual({ name: 'run', runId: '3f2a-b' });
    expect(parseRoute('#/compare?ids=a,b,a')).toEqual({ name: 'compare', ids: ['a', 'b'] });
    expect(parseRoute('#/compare')).toEqual({ name: 'compare', ids: [] });
    expect(parseRoute('#/compare?ids=a&metrics=valLoss&y=log')).toEqual({
      name: 'compare',
      ids: ['a'],
      view: 'metrics=valLoss&y=log',
    });
    expect(parseRoute('#/grids')).toEqual({ name: 'grids' });
    expect(parseRoute('#/grids/new')).toEqual({ name: 'new-grid' });
    expect(parseRoute('#/grids/g-12')).toEqual({ name: 'grid', gridId: 'g-12' });
    expect(parseRoute('#/archives')).toEqual({ name: 'archives' });
    // An address that names no view shows the runs, and says which address it was.
    expect(parseRoute('#/nowhere')).toEqual({ name: 'runs', notFound: '#/nowhere' });
    expect(parseRoute('#/somewhere?x=1')).toEqual({ name: 'runs', notFound: '#/somewhere?x=1' });
    expect(parseRoute('#/datasets')).toEqual({ name: 'datasets' });
    expect(parseRoute('#/')).toEqual({ name: 'runs' });
  });

  it('round-trips through hrefs', () => {
    const routes: Route[] = [
      { name: 'runs' },
      { name: 'runs', filter: 'parent:ab12 lr<0.1' },
      { name: 'new' },
      { name: 'new', fork: { runId: 'abc-123', epoch: 7 } },
      { name: 'new', fork: { runId: 'abc-123', epoch: 'best' } },
      { name: 'run', runId: 'abc-123' },
      { name: 'compare', ids: ['x', 'y'] },
      { name: 'compare', ids: ['x'], view: 'metrics=valLoss%2CvalAcc&smoothing=ema%3A0.6' },
      { name: 'grids' },
      { name: 'new-grid' },
      { name: 'grid', gridId: 'g 1/2' },
      { name: 'archives' },
    ];
    for (const route of routes) expect(parseRoute(routeHref(route))).toEqual(route);
  });
});
