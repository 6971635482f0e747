import { routeHref } from '../routing/route';

export function EmptyState() {
  return (
    <section className="view empty-state" data-testid="empty-state">
      <h1>No runs yet — start one from a preset</h1>
      <p className="muted">
        The presets E1–E9 are the reference experiments; each trains on bundled data, and every epoch is
        logged.
      </p>
      <a className="button button-primary" href={routeHref({ name: 'new' })}>
        New run
      </a>
    </section>
  );
}
