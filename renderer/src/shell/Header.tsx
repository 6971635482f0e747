import type { Route } from '../routing/route';
import { useReadOnly } from './read-only';
import { ThemeToggle } from './ThemeToggle';

interface NavItem {
  name: Route['name'];
  href: string;
  label: string;
  testId: string;
  /** Leads only to changing the store: not offered when it is read-only. */
  writes?: boolean;
}

const NAV: readonly NavItem[] = [
  { name: 'runs', href: '#/runs', label: 'Runs', testId: 'nav-runs' },
  { name: 'new', href: '#/new', label: 'New run', testId: 'nav-new', writes: true },
  { name: 'compare', href: '#/compare', label: 'Compare', testId: 'nav-compare' },
  { name: 'grids', href: '#/grids', label: 'Grids', testId: 'nav-grids' },
  { name: 'datasets', href: '#/datasets', label: 'Datasets', testId: 'nav-datasets' },
  { name: 'archives', href: '#/archives', label: 'Archives', testId: 'nav-archives' },
];

export function Header({ route }: { route: Route }) {
  const readOnly = useReadOnly();
  // A run's detail page belongs to the Runs section, a grid's page and New grid to Grids.
  const section =
    route.name === 'run' ? 'runs' : route.name === 'grid' || route.name === 'new-grid' ? 'grids' : route.name;
  return (
    <header className="app-header">
      <a className="app-name" href="#/runs">
        Experiment Workbench
      </a>
      <nav aria-label="Main">
        <ul className="nav-list">
          {NAV.filter((item) => !(readOnly && item.writes)).map((item) => (
            <li key={item.name}>
              <a
                href={item.href}
                data-testid={item.testId}
                aria-current={section === item.name ? 'page' : undefined}
              >
                {item.label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <ThemeToggle />
    </header>
  );
}
