import type { GridSummary } from '../../../common/grid/types';
import { formatDateTime } from '../common/format';
import { ErrorPanel, LoadingLine } from '../common/LoadState';
import { routeHref } from '../routing/route';
import { useReadOnly } from '../shell/read-only';
import { GridCellBadge } from './GridCellBadge';
import { GridProgress } from './GridProgress';
import { useGridsList } from './use-grids-list';

/** Every grid, newest first, with its status and progress live. */
export function GridsView() {
  const grids = useGridsList();
  // A read-only store cannot start one.
  const newGrid = useReadOnly() ? null : (
    <a className="button button-primary" href={routeHref({ name: 'new-grid' })} data-testid="new-grid">
      New grid
    </a>
  );
  if (!grids.data) {
    if (grids.error)
      return <ErrorPanel title="Could not load grids" message={grids.error} onRetry={grids.reload} />;
    return <LoadingLine text="Loading grids…" />;
  }
  const sorted = [...grids.data].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  return (
    <section className="view grids-view" aria-labelledby="grids-heading">
      <div className="view-header">
        <h1 id="grids-heading">Grids</h1>
        <p className="muted">{sorted.length === 1 ? '1 grid' : `${sorted.length} grids`}</p>
        {sorted.length > 0 && newGrid && <span className="view-header-action">{newGrid}</span>}
      </div>
      {sorted.length === 0 ? (
        <div className="empty-state" data-testid="grids-empty">
          <h2>No grids yet</h2>
          <p className="muted">
            A grid trains every combination of a few hyperparameters (say λ × learning rate) and shows which
            ones matter.
          </p>
          {newGrid}
        </div>
      ) : (
        <div className="table-scroller">
          <table className="data-table grids-table" data-testid="grids-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Axes</th>
                <th scope="col">Progress</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((grid) => (
                <GridRow key={grid.id} grid={grid} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function GridRow({ grid }: { grid: GridSummary }) {
  const shape = grid.axes.map((a) => a.values.length).join(' × ');
  return (
    <tr data-testid="grid-row" data-grid-id={grid.id} data-status={grid.status}>
      <td>
        <a href={routeHref({ name: 'grid', gridId: grid.id })}>{grid.name}</a>
      </td>
      <td>
        <GridCellBadge status={grid.status} />
      </td>
      <td title={grid.axes.map((a) => a.path).join(', ')}>
        {grid.axes.map((a) => a.label).join(' × ')}{' '}
        <span className="muted">
          ({shape}
          {grid.repeats > 1 ? ` × ${grid.repeats} seeds` : ''})
        </span>
      </td>
      <td>
        <GridProgress grid={grid} compact />
      </td>
      <td className="num">{formatDateTime(grid.createdAt)}</td>
    </tr>
  );
}
