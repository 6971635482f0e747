import {
  flexRender,
  getCoreRowModel,
  getSortedRowModel,
  useReactTable,
  type ColumnSizingState,
  type SortingState,
} from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useLayoutEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import type { RunTableRow } from '../../../common/api/contract';
import { SpacerRow, spacerHeights } from '../common/VirtualRows';
import { navigate } from '../routing/use-route';
import { RUN_COLUMNS, type RunsTableMeta } from './columns';
import { applySelectionClick } from './selection';
import type { LiveProgress } from './use-runs-list';

export const RUN_ROW_HEIGHT = 40;

/** Column widths the user dragged, kept across visits (per browser profile). */
export const COLUMN_SIZES_STORAGE_KEY = 'workbench.runs.columnSizes';

interface RunsTableProps {
  /** Already filtered; the table sorts. */
  rows: RunTableRow[];
  selected: ReadonlySet<string>;
  onSelectionChange: (selected: Set<string>) => void;
  progress: Readonly<Record<string, LiveProgress>>;
  onEditTags: (row: RunTableRow) => void;
}

/** Controls inside rows and the header; only one of each group is a Tab stop (see useTabStops). */
const CONTROLS = 'a[href], button, input';

/**
 * The runs, sortable by any column header, columns resizable by dragging their right edge. Only the rows in
 * view (plus a margin) are in the DOM, so thousands of runs scroll as smoothly as ten.
 *
 * Keyboard (the ARIA grid pattern): the header row is one Tab stop (← → between its buttons) and the body is
 * one (the current row); ↑ ↓ Home End PageUp PageDown move between rows, ← → between a row's controls,
 * Space selects the row (Shift+Space a range), Enter opens it. Without this, Tab passed every header button
 * and every link and checkbox of every row.
 */
export function RunsTable({ rows, selected, onSelectionChange, progress, onEditTags }: RunsTableProps) {
  const [sorting, setSorting] = useState<SortingState>([{ id: 'created', desc: true }]);
  const [columnSizing, setColumnSizing] = useState<ColumnSizingState>(readColumnSizes);
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
    state: { sorting, columnSizing },
    onSortingChange: setSorting,
    onColumnSizingChange: (update) =>
      setColumnSizing((current) => {
        const next = typeof update === 'function' ? update(current) : update;
        writeColumnSizes(next);
        return next;
      }),
    enableColumnResizing: true,
    columnResizeMode: 'onChange',
    defaultColumn: { minSize: 40, maxSize: 800 },
    getCoreRowModel: getCoreRowModel(),
    getSortedRowModel: getSortedRowModel(),
    meta,
  });
  const tableRows = table.getRowModel().rows;

  const scroller = useRef<HTMLDivElement>(null);
  const tableElement = useRef<HTMLTableElement>(null);
  const virtualizer = useVirtualizer({
    count: tableRows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => RUN_ROW_HEIGHT,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const [above, below] = spacerHeights(items, virtualizer.getTotalSize());
  const columnCount = RUN_COLUMNS.length;

  // The row that holds the body's Tab stop; the first row until the user moves.
  const [current, setCurrent] = useState<string | null>(null);
  const currentIndex = Math.max(
    0,
    tableRows.findIndex((row) => row.id === current),
  );
  const currentId = tableRows[currentIndex]?.id ?? null;
  const [headerStop, setHeaderStop] = useState(0);
  useTabStops(tableElement, headerStop);

  /** Focuses row `index`: at once when it is rendered, else once it has scrolled into the virtual window. */
  const focusRow = (index: number) => {
    const target = tableRows[Math.min(Math.max(index, 0), tableRows.length - 1)];
    if (!target) return;
    setCurrent(target.id);
    const find = () =>
      [...(tableElement.current?.querySelectorAll<HTMLElement>('tr[data-run-id]') ?? [])].find(
        (r) => r.dataset.runId === target.id,
      );
    virtualizer.scrollToIndex(tableRows.indexOf(target), { align: 'auto' });
    const rendered = find();
    if (rendered) rendered.focus();
    else requestAnimationFrame(() => find()?.focus());
  };

  const onBodyKeyDown = (event: KeyboardEvent<HTMLTableSectionElement>) => {
    const rowElement = (event.target as HTMLElement).closest<HTMLTableRowElement>('tr[data-run-id]');
    if (!rowElement) return;
    const id = rowElement.dataset.runId ?? '';
    const index = tableRows.findIndex((row) => row.id === id);
    const onRow = event.target === rowElement;
    const page = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 400) / RUN_ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: tableRows.length - 1,
    };
    if (event.key in moves && !(event.target instanceof HTMLInputElement && event.key.startsWith('Page'))) {
      event.preventDefault();
      focusRow(moves[event.key]);
      return;
    }
    if (event.key === 'ArrowRight' || event.key === 'ArrowLeft') {
      // The row itself, then its controls (checkbox, name, grid, tags), left to right.
      const stops = [rowElement, ...rowElement.querySelectorAll<HTMLElement>(CONTROLS)];
      const at = stops.indexOf(event.target as HTMLElement);
      const next = stops[at + (event.key === 'ArrowRight' ? 1 : -1)];
      if (next) {
        event.preventDefault();
        next.focus();
      }
      return;
    }
    if (!onRow) return;
    if (event.key === ' ') {
      event.preventDefault();
      meta.onSelect(id, !selected.has(id), event.shiftKey);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      navigate({ name: 'run', runId: id });
    }
  };

  const onHeaderKeyDown = (event: KeyboardEvent<HTMLTableSectionElement>) => {
    if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
    const controls = [
      ...(tableElement.current?.querySelectorAll<HTMLElement>(`thead :is(${CONTROLS})`) ?? []),
    ];
    const at = controls.indexOf(event.target as HTMLElement);
    const next = at + (event.key === 'ArrowRight' ? 1 : -1);
    if (at < 0 || next < 0 || next >= controls.length) return;
    event.preventDefault();
    setHeaderStop(next);
    controls[next].focus();
  };

  return (
    <div className="table-scroller runs-scroller" ref={scroller}>
      <table
        ref={tableElement}
        className="data-table runs-table"
        data-testid="runs-table"
        role="grid"
        aria-multiselectable="true"
        aria-label="Runs (arrow keys move between rows, Space selects, Enter opens)"
        aria-rowcount={tableRows.length + 1}
        style={{ width: table.getTotalSize() }}
      >
        <colgroup>
          {table.getVisibleLeafColumns().map((column) => (
            <col key={column.id} style={{ width: column.getSize() }} />
          ))}
        </colgroup>
        <thead onKeyDown={onHeaderKeyDown}>
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
                        title={
                          typeof header.column.columnDef.header === 'string'
                            ? `Sort by ${header.column.columnDef.header}`
                            : undefined
                        }
                      >
                        {content}
                        <span className="sort-mark" aria-hidden="true">
                          {sorted === 'asc' ? '▲' : sorted === 'desc' ? '▼' : ''}
                        </span>
                      </button>
                    ) : (
                      content
                    )}
                    {header.column.getCanResize() && (
                      // Mouse only: widths are a convenience, and every cut-off cell has its text as a tooltip.
                      <span
                        className={
                          header.column.getIsResizing() ? 'column-resizer resizing' : 'column-resizer'
                        }
                        onMouseDown={header.getResizeHandler()}
                        onTouchStart={header.getResizeHandler()}
                        onDoubleClick={() => header.column.resetSize()}
                        title="Drag to resize, double-click to reset"
                        aria-hidden="true"
                        data-testid={`resize-${header.column.id}`}
                      />
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody onKeyDown={onBodyKeyDown}>
          <SpacerRow height={above} colSpan={columnCount} />
          {items.map((item) => {
            const row = tableRows[item.index];
            const isSelected = meta.isSelected(row.id);
            return (
              <tr
                key={row.id}
                data-testid="run-row"
                data-run-id={row.id}
                data-status={row.original.status}
                aria-rowindex={item.index + 2}
                aria-selected={isSelected}
                aria-label={row.original.name}
                tabIndex={row.id === currentId ? 0 : -1}
                onFocus={(event) => {
                  if (event.target === event.currentTarget) setCurrent(row.id);
                }}
                className={isSelected ? 'selected' : undefined}
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

/**
 * One Tab stop in the header (the `headerStop`-th control) and none inside rows (the row itself is the stop):
 * set on the DOM after every render, as cell contents come from column definitions and other views' components.
 */
function useTabStops(table: RefObject<HTMLTableElement | null>, headerStop: number): void {
  useLayoutEffect(() => {
    const element = table.current;
    if (!element) return;
    element.querySelectorAll<HTMLElement>(`thead :is(${CONTROLS})`).forEach((control, i) => {
      control.tabIndex = i === headerStop ? 0 : -1;
    });
    element.querySelectorAll<HTMLElement>(`tbody :is(${CONTROLS})`).forEach((control) => {
      control.tabIndex = -1;
    });
  });
}

function readColumnSizes(): ColumnSizingState {
  try {
    const parsed: unknown = JSON.parse(window.localStorage.getItem(COLUMN_SIZES_STORAGE_KEY) ?? '{}');
    if (parsed === null || typeof parsed !== 'object') return {};
    return Object.fromEntries(
      Object.entries(parsed).filter((entry): entry is [string, number] => typeof entry[1] === 'number'),
    );
  } catch {
    return {};
  }
}

function writeColumnSizes(sizes: ColumnSizingState): void {
  try {
    window.localStorage.setItem(COLUMN_SIZES_STORAGE_KEY, JSON.stringify(sizes));
  } catch {
    // Kept for this visit only.
  }
}
