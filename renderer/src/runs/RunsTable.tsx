import {
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, useState } from 'react';
import type { RunTableRow } from '../../../common/api/contract';
import { SpacerRow, spacerHeights } from '../common/VirtualRows';
import { RUN_COLUMNS, type RunsTableMeta } from './columns';
import { applySelectionClick } from './selection';
import type { LiveProgress } from './use-runs-list';

export const RUN_ROW_HEIGHT = 40;

interface RunsTableProps {
  /** Already filtered; the table sorts. */
  rows: RunTableRow[];
  selected: ReadonlySet<string>;
  onSelectionChange: (selected: Set<string>) => void;
  progress: Readonly<Record<string, LiveProgress>>;
  onEditTags: (row: RunTableRow) => void;
}

/**
 * The runs, sortable by any column header. Only the rows in view (plus a margin) are in the DOM, so
 * thousands of runs scroll as smoothly as ten.
 */
export function RunsTable({ rows, selected, onSelectionChange, progress, onEditTags }: RunsTableProps) {
  const [sorting, setSorting] = useState<SortingState>([{ id: 'created', desc: true }]);
  // Shift-click ranges run from the last clicked box, in the order shown.
  const anchor = useRef<string | null>(null);
  const shownIds = (): string[] => table.getRowModel().rows.map((row) => row.id);
  const shownSelected = rows.filter((row) => selected.has(row.id)).length;
  const meta: RunsTableMeta = {
    isSelected: (id) => selected.has(id),
    onSelect: (id, checked, extendRange) => {
      onSelectionChange(applySelectionClick(selected, shownIds(), id, checked, anchor.current, extendRange));
      anchor.current = id;
    },
    selectAll: (checked) => {
      const next = new Set(selected);
      for (const row of rows) {
        if (checked) next.add(row.id);
        else next.delete(row.id);
      }
      onSelectionChange(next);
    },
    allSelected: rows.length > 0 && shownSelected === rows.length,
    someSelected: shownSelected > 0,
    progress,
    onEditTags,
  };
  const table = useReactTable({
    data: rows,
    columns: RUN_COLUMNS,
    getRowId: (row) => row.id,
    state: { sorting },
    onSortingChange: setSorting,
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    meta,
  });
  const tableRows = table.getRowModel().rows;

  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({
    count: tableRows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => RUN_ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const [above, below] = spacerHeights(items, virtualizer.getTotalSize());
  const columnCount = RUN_COLUMNS.length;

  return (
    <div className="table-scroller runs-scroller" ref={scroller}>
      <table className="data-table runs-table" data-testid="runs-table" aria-rowcount={tableRows.length + 1}>
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
            return (
              <tr
                key={row.id}
                data-testid="run-row"
                data-run-id={row.id}
                data-status={row.original.status}
                aria-rowindex={item.index + 2}
                className={meta.isSelected(row.id) ? 'selected' : undefined}
                style={{ height: RUN_ROW_HEIGHT }}
              >
                {row.getVisibleCells().map((cell) => (
                  <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
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
