import {
  flexRender,
  getCoreRowModel,
  getExpandedRowModel,
  getSortedRowModel,
  useReactTable,
  type ExpandedState,
  type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState, type MouseEvent } from 'react';
import type { AnalysisMetric } from '../../../common/grid/analysis-value';
import type { ResolvedAxis } from '../../../common/grid/spec';
import type { GridPruningState } from '../../../common/grid/types';
import { SpacerRow, spacerHeights } from '../common/VirtualRows';
import { navigate } from '../routing/use-route';
import { runIdsOf, type ResultRow } from './result-rows';
import { resultColumns, type ResultsTableMeta } from './results-columns';

export const RESULT_ROW_HEIGHT = 36;

interface GridResultsTableProps {
  /** Already filtered (by a parallel-coordinates brush); the table sorts. */
  rows: ResultRow[];
  axes: readonly ResolvedAxis[];
  /** Metrics at the best epoch; the first is the monitored one, sorted by default. */
  bestMetrics: readonly AnalysisMetric[];
  finalMetrics: readonly AnalysisMetric[];
  lowerIsBetter: boolean;
  /** A live pruned grid's state (null otherwise): its bracket and reached / target columns. */
  pruning?: GridPruningState | null;
  selected: ReadonlySet<string>;
  onSelectionChange: (selected: Set<string>) => void;
}

/**
 * One row per cell (or per point, with its seeds as sub-rows), sortable by any column, best first by
 * default. Only the rows in view are in the DOM, so a grid of hundreds of cells scrolls like one of ten.
 */
export function GridResultsTable(props: GridResultsTableProps) {
  const { rows, axes, bestMetrics, finalMetrics, lowerIsBetter, selected, onSelectionChange } = props;
  const pruning = props.pruning ?? null;
  const columns = useMemo(
    () => resultColumns(axes, bestMetrics, finalMetrics, pruning),
    [axes, bestMetrics, finalMetrics, pruning],
  );
  const monitorColumn = bestMetrics[0] ? `${bestMetrics[0].at}:${bestMetrics[0].metric}` : 'bestEpoch';
  const [sorting, setSorting] = useState<SortingState>([{ id: monitorColumn, desc: !lowerIsBetter }]);
  const [expanded, setExpanded] = useState<ExpandedState>({});
  const meta: ResultsTableMeta = {
    isSelected: (row) => {
      const ids = runIdsOf([row]);
      return ids.length > 0 && ids.every((id) => selected.has(id));
    },
    onSelect: (row, checked) => {
      const next = new Set(selected);
      for (const id of runIdsOf([row])) {
        if (checked) next.add(id);
        else next.delete(id);
      }
      onSelectionChange(next);
    },
  };
  const table = useReactTable({
    data: rows,
    columns,
    getRowId: (row) => row.id,
    getSubRows: (row) => row.subRows,
    state: { sorting, expanded },
    onSortingChange: setSorting,
    onExpandedChange: setExpanded,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    getExpandedRowModel: getExpandedRowModel(),
    meta,
  });
  const tableRows = table.getRowModel().rows;

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: tableRows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => RESULT_ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const [above, below] = spacerHeights(items, virtualizer.getTotalSize());
  const columnCount = columns.length;

  // A click anywhere on a single run's row opens it; a point's row opens or closes its seeds. Controls
  // inside the row (checkbox, link, expander) act on their own.
  const onRowClick = (event: MouseEvent, row: (typeof tableRows)[number]) => {
    if ((event.target as HTMLElement).closest('a, button, input, label')) return;
    const r = row.original;
    if (r.kind === 'point') row.toggleExpanded();
    else if (r.cells[0].runId) navigate({ name: 'run', runId: r.cells[0].runId });
  };

  return (
    <div className="table-scroller grid-results-scroller" ref={scroller}>
      <table
        className="data-table grid-results-table"
        data-testid="grid-results"
        aria-rowcount={tableRows.length + 1}
      >
        <colgroup>
          {table.getVisibleLeafColumns().map((column) => (
            <col key={column.id} style={{ width: column.getSize() }} />
          ))}
        </colgroup>
        <thead>
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const sorted = header.column.getIsSorted();
                const content = flexRender(header.column.columnDef.header, header.getContext());
                return (
                  <th
                    key={header.id}
                    scope="col"
                    data-column={header.column.id}
                    aria-sort={sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : undefined}
                  >
                    {header.column.getCanSort() ? (
                      <button
                        type="button"
                        className="sort-button"
                        onClick={header.column.getToggleSortingHandler()}
                      >
                        {content}
                        <span className="sort-mark" aria-hidden="true">
                          {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                        </span>
                      </button>
                    ) : (
                      content
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody>
          <SpacerRow height={above} colSpan={columnCount} />
          {items.map((item) => {
            const row = tableRows[item.index];
            const r = row.original;
            const single = r.kind !== 'point' ? r.cells[0] : null;
            return (
              <tr
                key={row.id}
                data-testid="grid-result-row"
                data-kind={r.kind}
                data-cell={single?.index}
                data-run-id={single?.runId ?? undefined}
                data-status={single?.status}
                aria-rowindex={item.index + 2}
                className={
                  [
                    r.kind === 'seed' ? 'seed-row' : '',
                    meta.isSelected(r) ? 'selected' : '',
                    r.kind === 'point' || single?.runId ? 'clickable' : '',
                  ]
                    .filter(Boolean)
                    .join(' ') || undefined
                }
                style={{ height: RESULT_ROW_HEIGHT }}
                onClick={(event) => onRowClick(event, row)}
              >
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id} data-column={cell.column.id}>
                    {flexRender(cell.column.columnDef.cell, cell.getContext())}
                  </td>
                ))}
              </tr>
            );
          })}
          <SpacerRow height={below} colSpan={columnCount} />
        </tbody>
      </table>
    </div>
  );
}
