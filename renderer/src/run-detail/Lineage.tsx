import { StatusBadge } from '../common/StatusBadge';
import { routeHref } from '../routing/route';
import type { RunDetailData } from './live-run';

/**
 * Where a fork came from and what was forked from this run: each links to the other, and the Runs view lists
 * a run's forks with the filter `parent:ID`.
 */
export function Lineage({ run, parentName }: { run: RunDetailData; parentName: string | null }) {
  if (!run.parent && run.children.length === 0) return null;
  const short = run.id.slice(0, 8);
  return (
    <section className="panel lineage" aria-labelledby="lineage-heading" data-testid="lineage">
      <h2 id="lineage-heading">Lineage</h2>
      {run.parent && (
        <p data-testid="lineage-parent">
          Forked from{' '}
          <a href={routeHref({ name: 'run', runId: run.parent.runId })}>
            {parentName ?? `run ${run.parent.runId.slice(0, 8)}`}
          </a>{' '}
          at its epoch {run.parent.epoch}: this run's epochs start at {run.parent.epoch + 1}.{' '}
          <a
            href={routeHref({ name: 'compare', ids: [run.parent.runId, run.id] })}
            data-testid="compare-with-parent"
          >
            Compare with the parent
          </a>
        </p>
      )}
      {run.children.length > 0 && (
        <>
          <p>
            {run.children.length === 1 ? 'One fork' : `${run.children.length} forks`} of this run{' '}
            <a href={routeHref({ name: 'runs', filter: `parent:${short}` })} data-testid="children-filter">
              (list them in Runs: <code>parent:{short}</code>)
            </a>
            {run.children.length > 1 && (
              <>
                {' · '}
                <a
                  href={routeHref({ name: 'compare', ids: [run.id, ...run.children.map((c) => c.id)] })}
                  data-testid="compare-forks"
                >
                  compare them all
                </a>
              </>
            )}
          </p>
          <ul className="lineage-children" data-testid="lineage-children">
            {run.children.map((child) => (
              <li key={child.id}>
                <a href={routeHref({ name: 'run', runId: child.id })}>{child.name}</a>{' '}
                <span className="muted">from epoch {child.epoch}</span> <StatusBadge status={child.status} />
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
