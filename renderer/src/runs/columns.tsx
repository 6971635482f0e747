import type { ColumnDef, Table } from '@tanstack/react-table';
import { useEffect, useRef } from 'react';
import type { RunTableRow } from '../../../common/api/contract';
import { formatDateTime, formatDuration, formatPercent, MISSING } from '../common/format';
import { StatusBadge } from '../common/StatusBadge';
import { routeHref } from '../routing/route';
import { GridLink } from '../grids/GridLink';
import { hyperText } from './runs-filter';
import type { LiveProgress } from './use-runs-list';

/** What cells need beyond their row: selection and live progress live in the view, not in the table. */
export interface RunsTableMeta {
  isSelected(id: string): boolean;
  onSelect(id: string, checked: boolean, extendRange: boolean): void;
  /** Over the rows currently shown (after filtering). */
  selectAll(checked: boolean): void;
  allSelected: boolean;
  someSelected: boolean;
  progress: Readonly<Record<string, LiveProgress>>;
  onEditTags(row: RunTableRow): void;
}

export function tableMeta(table: Table<RunTableRow>): RunsTableMeta {
  return table.options.meta as RunsTableMeta;
}

/** Hidden layers of an MLP, or the conv and dense sizes of a CNN. */
function architectureText(row: RunTableRow): string {
  const { hidden, conv, dense } = row.hyper;
  if (row.modelKind === 'mlp') return hidden ?? '';
  return [conv, dense ? `dense ${dense}` : undefined].filter(Boolean).join(' · ');
}

/**
 * One key hyperparameter as its own column, so runs sort by it; numeric ones sort by value ("1e-5" < "0.05"),
 * and runs without it (no dropout) sort last.
 */
function hyperColumn(key: string, header: string, size: number, numeric: boolean): ColumnDef<RunTableRow> {
  return {
    id: key,
    header,
    size,
    accessorFn: (row) => {
      const text = row.hyper[key];
      if (text === undefined) return undefined;
      return numeric && Number.isFinite(Number(text)) ? Number(text) : text;
    },
    sortUndefined: 'last',
    cell: ({ row }) => {
      const text = row.original.hyper[key];
      return (
        <span
          className={numeric ? 'num' : undefined}
          title={text === undefined ? undefined : `${header} ${text}`}
        >
          {text ?? MISSING}
        </span>
      );
    },
  };
}

export const RUN_COLUMNS: ColumnDef<RunTableRow>[] = [
  {
    id: 'select',
    size: 32,
    enableSorting: false,
    enableResizing: false,
    header: ({ table }) => <SelectAllBox meta={tableMeta(table)} />,
    cell: ({ row, table }) => {
      const meta = tableMeta(table);
      return (
        <input
          type="checkbox"
          aria-label={`Select ${row.original.name}`}
          checked={meta.isSelected(row.id)}
          onChange={(e) =>
            meta.onSelect(row.id, e.target.checked, (e.nativeEvent as MouseEvent).shiftKey === true)
          }
        />
      );
    },
  },
  {
    id: 'name',
    accessorKey: 'name',
    header: 'Name',
    size: 140,
    minSize: 80,
    cell: ({ row }) => (
      <>
        <a href={routeHref({ name: 'run', runId: row.id })} title={row.original.name}>
          {row.original.name}
        </a>
        {row.original.parent && (
          <span
            className="fork-mark muted"
            data-testid="fork-mark"
            title={`Forked from run ${row.original.parent.runId.slice(0, 8)} at its epoch ${row.original.parent.epoch}; filter parent:${row.original.parent.runId.slice(0, 8)} lists its siblings`}
          >
            {' '}
            fork @{row.original.parent.epoch}
          </span>
        )}
      </>
    ),
  },
  {
    id: 'grid',
    header: 'Grid',
    size: 76,
    // Sorts runs of one grid together, in cell order; runs on their own last.
    accessorFn: (row) =>
      row.gridId === null ? undefined : `${row.gridId}:${String(row.gridCell ?? 0).padStart(6, '0')}`,
    sortUndefined: 'last',
    cell: ({ row }) => <GridLink gridId={row.original.gridId} cell={row.original.gridCell} />,
  },
  {
    id: 'status',
    accessorKey: 'status',
    header: 'Status',
    size: 94,
    cell: ({ row }) => <StatusBadge status={row.original.status} />,
  },
  {
    id: 'dataset',
    accessorKey: 'datasetId',
    header: 'Dataset',
    size: 70,
    cell: ({ row }) => <span title={row.original.datasetId}>{row.original.datasetId}</span>,
  },
  {
    id: 'model',
    header: 'Model',
    size: 92,
    accessorFn: (row) => `${row.modelKind} ${architectureText(row)}`,
    cell: ({ row }) => {
      const arch = architectureText(row.original);
      return (
        <span title={hyperText(row.original)}>
          <span className="model-kind">{row.original.modelKind.toUpperCase()}</span> {arch}
        </span>
      );
    },
  },
  hyperColumn('optimizer', 'Optimizer', 88, false),
  hyperColumn('lr', 'LR', 52, true),
  hyperColumn('batch', 'Batch', 52, true),
  hyperColumn('l2', 'λ', 50, true),
  hyperColumn('keep', 'Keep p', 56, true),
  {
    id: 'bestValAcc',
    header: 'Best val acc',
    size: 116,
    accessorFn: (row) => row.bestValAcc ?? undefined,
    sortUndefined: 'last',
    // With its epoch in the same cell: one column less, so that the table fits a laptop screen uncut.
    cell: ({ row }) => {
      const { bestValAcc, bestValAccEpoch, hasValidation } = row.original;
      // Without a validation split there is no validation accuracy to be best: say so, not "—".
      if (!hasValidation && bestValAcc === null) {
        return (
          <span className="muted" title="This run has no validation split; its test accuracy is in Test acc">
            no val split
          </span>
        );
      }
      return (
        <span
          className="num"
          title={
            bestValAccEpoch === null ? undefined : `Best validation accuracy, at epoch ${bestValAccEpoch}`
          }
        >
          {formatPercent(bestValAcc)}
          {bestValAccEpoch !== null && <span className="muted"> · ep {bestValAccEpoch}</span>}
        </span>
      );
    },
  },
  {
    id: 'testAcc',
    header: 'Test acc',
    size: 72,
    accessorFn: (row) => row.lastTestAcc ?? undefined,
    sortUndefined: 'last',
    cell: ({ row }) => (
      <span className="num" title="Test accuracy at the last logged epoch">
        {formatPercent(row.original.lastTestAcc)}
      </span>
    ),
  },
  {
    id: 'epochs',
    header: 'Epochs',
    size: 64,
    accessorKey: 'epochs',
    cell: ({ row, table }) => <EpochsCell row={row.original} progress={tableMeta(table).progress[row.id]} />,
  },
  {
    id: 'duration',
    header: 'Duration',
    size: 70,
    accessorFn: (row) => row.durationSeconds ?? undefined,
    sortUndefined: 'last',
    cell: ({ row }) => <span className="num">{formatDuration(row.original.durationSeconds)}</span>,
  },
  {
    id: 'tags',
    header: 'Tags',
    size: 76,
    accessorFn: (row) => row.tags.join(', '),
    cell: ({ row, table }) => (
      <span
        className="tags-cell"
        title={row.original.tags.length > 0 ? row.original.tags.join(', ') : undefined}
      >
        <button
          type="button"
          className="icon-button"
          onClick={() => tableMeta(table).onEditTags(row.original)}
          aria-label={`Edit tags of ${row.original.name}`}
          title="Edit tags"
          data-testid="edit-tags"
        >
          ✎
        </button>
        {row.original.tags.map((tag) => (
          <span className="tag" key={tag}>
            {tag}
          </span>
        ))}
      </span>
    ),
  },
  {
    id: 'created',
    header: 'Created',
    size: 128,
    accessorKey: 'createdAt',
    sortDescFirst: true,
    cell: ({ row }) => (
      <span className="num" title={new Date(row.original.createdAt).toString()}>
        {formatDateTime(row.original.createdAt)}
      </span>
    ),
  },
];

function SelectAllBox({ meta }: { meta: RunsTableMeta }) {
  const box = useRef<HTMLInputElement>(null);
  // "Some but not all" has no attribute, only this DOM property.
  useEffect(() => {
    if (box.current) box.current.indeterminate = meta.someSelected && !meta.allSelected;
  }, [meta.someSelected, meta.allSelected]);
  return (
    <input
      ref={box}
      type="checkbox"
      aria-label="Select all shown runs"
      checked={meta.allSelected}
      onChange={(e) => meta.selectAll(e.target.checked)}
    />
  );
}

function EpochsCell({ row, progress }: { row: RunTableRow; progress: LiveProgress | undefined }) {
  const planned = row.epochsPlanned;
  const live = row.status === 'running' || row.status === 'queued';
  // Epochs done plus the fraction of the current one, so a slow epoch still shows movement.
  const done = row.epochs + (live && progress ? progress.batch / Math.max(1, progress.batches) : 0);
  return (
    <span className="epochs-cell">
      <span className="num">
        {row.epochs}/{planned ?? '?'}
      </span>
      {live && planned ? (
        <progress max={planned} value={Math.min(done, planned)} aria-label={`${row.name} progress`} />
      ) : null}
    </span>
  );
}
