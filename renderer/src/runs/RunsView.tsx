import { useId, useMemo, useState } from 'react';
import { RUN_STATUSES, type RunStatus } from '../../../common/types';
import type { RunTableRow } from '../../../common/api/contract';
import { ErrorPanel, LoadingLine } from '../common/LoadState';
import { TagEditor } from '../common/TagEditor';
import { EmptyState } from './EmptyState';
import { RunsTable } from './RunsTable';
import { FILTER_KEYS, matchesRunFilter, unknownFilterKeys } from './runs-filter';
import { SelectionActions } from './SelectionActions';
import { useRunsList } from './use-runs-list';
import { RunFilterField } from './RunFilterField';
import { GridNamesProvider, useGridNames } from '../grids/grid-names';

/** `initialFilter`: from the address (`#/runs?filter=parent:ID`, as a run's lineage links to its forks). */
export function RunsView({ initialFilter = '' }: { initialFilter?: string } = {}) {
  const runs = useRunsList();
  const gridNames = useGridNames();
  const [filter, setFilter] = useState(initialFilter);
  const [status, setStatus] = useState<RunStatus | ''>('');
  const [selected, setSelected] = useState<Set<string>>(() => new Set());
  const [editing, setEditing] = useState<RunTableRow | null>(null);
  const statusId = useId();

  const all = runs.data;
  const shown = useMemo(
    () =>
      (all ?? []).filter(
        (row) =>
          (!status || row.status === status) &&
          matchesRunFilter(row, filter, row.gridId === null ? null : gridNames.get(row.gridId)),
      ),
    [all, filter, status, gridNames],
  );
  // Selection survives refreshes, but only of runs that still exist (others may have deleted some).
  const selectedRows = useMemo(() => (all ?? []).filter((row) => selected.has(row.id)), [all, selected]);
  const selectedIds = useMemo(() => selectedRows.map((r) => r.id), [selectedRows]);

  if (!all) {
    if (runs.error)
      return <ErrorPanel title="Could not load runs" message={runs.error} onRetry={runs.reload} />;
    return <LoadingLine text="Loading runs…" />;
  }
  if (all.length === 0) return <EmptyState />;

  return (
    <section className="view runs-view" aria-labelledby="runs-heading">
      <div className="view-header">
        <h1 id="runs-heading">Runs</h1>
        <p className="muted" aria-live="polite">
          {shown.length === all.length
            ? `${all.length} run${all.length === 1 ? '' : 's'}`
            : `${shown.length} of ${all.length} run${all.length === 1 ? '' : 's'} shown`}
          {selectedIds.length > 0 && ` · ${selectedIds.length} selected`}
        </p>
      </div>

      <div className="toolbar">
        <RunFilterField value={filter} onChange={setFilter} testId="runs-filter" />
        <div className="field-inline">
          <label htmlFor={statusId}>Status</label>
          <select
            id={statusId}
            value={status}
            onChange={(e) => setStatus(e.target.value as RunStatus | '')}
            data-testid="runs-status-filter"
          >
            <option value="">any</option>
            {RUN_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <SelectionActions
          selectedIds={selectedIds}
          selectedRows={selectedRows}
          onCleared={() => setSelected(new Set())}
          onDeleted={(deleted) => {
            setSelected((current) => new Set([...current].filter((id) => !deleted.includes(id))));
            void runs.reload();
          }}
        />
      </div>

      {runs.error && (
        <p className="error-text" role="alert">
          Refreshing failed: {runs.error}
        </p>
      )}

      {editing && (
        <TagEditor
          key={editing.id}
          runId={editing.id}
          runName={editing.name}
          tags={editing.tags}
          onSaved={() => {
            setEditing(null);
            void runs.reload();
          }}
          onCancel={() => setEditing(null)}
        />
      )}

      {shown.length === 0 ? (
        <p className="muted no-match" data-testid="no-match">
          No runs match the filter.
          {unknownFilterKeys(filter).length > 0 &&
            ` There is no setting called ${unknownFilterKeys(filter)
              .map((k) => `“${k}”`)
              .join(' or ')}; try ${FILTER_KEYS.join(', ')}.`}
        </p>
      ) : (
        <GridNamesProvider value={gridNames}>
          <RunsTable
            rows={shown}
            selected={selected}
            onSelectionChange={setSelected}
            progress={runs.progress}
            onEditTags={setEditing}
          />
        </GridNamesProvider>
      )}
    </section>
  );
}
