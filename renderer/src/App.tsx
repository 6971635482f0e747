import { useEffect, useRef } from 'react';
import type { WorkbenchClient } from '../../common/api/contract';
import { ArchivesView } from './archives/ArchivesView';
import { ClientProvider } from './client/client-context';
import { AnnouncerProvider } from './common/announcer';
import { AppInfoProvider } from './common/app-info';
import { ThemeProvider } from './common/theme';
import { CompareView } from './compare/CompareView';
import { GridsView } from './grids/GridsView';
import { GridView } from './grids/GridView';
import { NewGridView } from './grids/NewGridView';
import { NewRunView } from './new-run/NewRunView';
import { RunDetailView } from './run-detail/RunDetailView';
import { DatasetsView } from './datasets/DatasetsView';
import { RunsView } from './runs/RunsView';
import type { Route } from './routing/route';
import { useRoute } from './routing/use-route';
import { Header } from './shell/Header';
import { useReadOnly } from './shell/read-only';
import { ReadOnlyBanner } from './shell/ReadOnlyBanner';
import { StatusLine } from './shell/StatusLine';

export function App({ client }: { client: WorkbenchClient }) {
  return (
    <ClientProvider client={client}>
      <ThemeProvider>
        <AnnouncerProvider>
          <AppInfoProvider>
            <Shell />
          </AppInfoProvider>
        </AnnouncerProvider>
      </ThemeProvider>
    </ClientProvider>
  );
}

function Shell() {
  const route = useRoute();
  const readOnly = useReadOnly();
  const main = useRef<HTMLElement>(null);
  const viewKey =
    route.name === 'run'
      ? `run:${route.runId}`
      : route.name === 'grid'
        ? `grid:${route.gridId}`
        : route.name === 'new' && route.fork
          ? `fork:${route.fork.runId}:${route.fork.epoch}`
          : route.name === 'runs' && (route.filter || route.notFound)
            ? `runs:${route.filter ?? ''}:${route.notFound ?? ''}`
            : route.name;
  const firstView = useRef(true);
  // After navigating, keyboard and screen-reader users continue at the new view, not at the old link.
  useEffect(() => {
    if (firstView.current) {
      firstView.current = false;
      return;
    }
    main.current?.focus({ preventScroll: true });
  }, [viewKey]);

  return (
    // data-read-only lets the stylesheet hide the store-changing controls of every view in one place.
    <div className="app" data-read-only={readOnly ? 'true' : undefined}>
      <button type="button" className="skip-link" onClick={() => main.current?.focus()}>
        Skip to content
      </button>
      <Header route={route} />
      <ReadOnlyBanner />
      <main id="main" ref={main} tabIndex={-1} className="app-main">
        <View route={route} key={viewKey} />
      </main>
      <StatusLine />
    </div>
  );
}

function View({ route }: { route: Route }) {
  switch (route.name) {
    case 'runs':
      return (
        <>
          {route.notFound && (
            <p className="hint-box not-found" role="alert" data-testid="route-not-found">
              There is no page at <code>{route.notFound}</code>: showing the runs instead.
            </p>
          )}
          <RunsView initialFilter={route.filter} />
        </>
      );
    case 'new':
      return <NewRunView fork={route.fork} />;
    case 'run':
      return <RunDetailView runId={route.runId} />;
    case 'compare':
      return <CompareView initialIds={route.ids} />;
    case 'grids':
      return <GridsView />;
    case 'new-grid':
      return <NewGridView />;
    case 'grid':
      return <GridView gridId={route.gridId} />;
    case 'archives':
      return <ArchivesView />;
    case 'datasets':
      return <DatasetsView />;
  }
}
