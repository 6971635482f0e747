import type { Route } from '../routing/route';
import { ThemeToggle } from './ThemeToggle';

const NAV: ReadonlyArray<{ name: Route['name']; href: string; label: string; testId: string }> = [
  { name: 'runs', href: '#/runs', label: 'Runs', testId: 'nav-runs' },
  { name: 'new', href: '#/new', label: 'New run', testId: 'nav-new' },
  { name: 'compare', href: '#/compare', label: 'Compare', testId: 'nav-compare' },
  { name: 'grids', href: '#/grids', label: 'Grids', testId: 'nav-grids' },
];

export function Header({ route }: { route: Route }) {
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
          {NAV.map((item) => (
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
