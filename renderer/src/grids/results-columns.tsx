import type { ColumnDef, Row, Table } from '@tanstack/react-table';
import {
  analysisMetricShort,
  formatAnalysisSpread,
  formatAnalysisValue,
  type AnalysisMetric,
} from '../../../common/grid/analysis-value';
import { formatAxisValue } from '../../../common/grid/expand';
import { axisLevels } from '../../../common/grid/levels';
import { pointStatus, statusCounts } from '../../../common/grid/points';
import type { ResolvedAxis } from '../../../common/grid/spec';
import type { GridCellResult, GridPruningState } from '../../../common/grid/types';
import { isLossMetric, meanSd } from '../../../common/grid/results';
import { formatDuration, MISSING } from '../common/format';
import { routeHref } from '../routing/route';
import { GridCellBadge } from './GridCellBadge';
import { cellStatusDetail, reachedText, showsBrackets } from './pruning-text';
import { rowStat, runIdsOf, type ResultRow, type RowStat } from './result-rows';

/** What cells need beyond their row: the selection for "Compare these cells" lives in the view. */
export interface ResultsTableMeta {
  isSelected(row: ResultRow): boolean;
  onSelect(row: ResultRow, checked: boolean): void;
}

function tableMeta(table: Table<ResultRow>): ResultsTableMeta {
  return table.options.meta as ResultsTableMeta;
}

/** Sort key of an axis value: the number itself, or a categorical value's position in the spec. */
function axisColumn(axis: ResolvedAxis): ColumnDef<ResultRow> {
  const levels = axisLevels(axis);
  return {
    id: `axis:${axis.path}`,
    header: () => <span title={axis.path}>{axis.label}</span>,
    size: 92,
    // Levels read upwards (1e-4, 1e-3, 0.01) on the first click, as on the heatmap.
    sortDescFirst: false,
    accessorFn: (row) => {
      const value = row.values[axis.path];
      return axis.scale === 'categorical' ? levels.indexOf(value) : (value as number);
    },
    cell: ({ row }) => (
      <span className={axis.scale === 'categorical' ? undefined : 'num'}>
        {formatAxisValue(row.original.values[axis.path])}
      </span>
    ),
  };
}

/** The mean, and for a point its spread over seeds: "0.01278", "± 0.00043 (n=1)". */
function statParts(stat: RowStat | null, m: AnalysisMetric, row: ResultRow): [string, string] {
  if (stat === null) return [MISSING, ''];
  const text = formatAnalysisValue(stat.mean, m);
  if (row.kind !== 'point') return [text, ''];
  if (stat.live) return [`${text} so far`, ''];
  const sd = stat.sd === null ? '' : `± ${formatAnalysisSpread(stat.sd, m)}`;
  const short = stat.n < row.cells.length ? `(n=${stat.n})` : '';
  return [text, [sd, short].filter(Boolean).join(' ')];
}

function metricColumn(m: AnalysisMetric, monitored: boolean): ColumnDef<ResultRow> {
  return {
    id: `${m.at}:${m.metric}`,
    header: () => (
      <span
        title={m.at === 'best' ? 'At the epoch where the monitored metric was best' : 'At the last epoch'}
      >
        {analysisMetricShort(m)}
      </span>
    ),
    size: monitored ? 150 : 128,
    // Best first on the first click: the lowest loss, the highest accuracy.
    sortDescFirst: !isLossMetric(m.metric),
    accessorFn: (row) => rowStat(row, m)?.mean,
    sortUndefined: 'last',
    cell: ({ row }) => {
      const stat = rowStat(row.original, m);
      const pruned = prunedCellOf(row.original);
      const classes = [
        'num',
        monitored ? 'monitored' : '',
        stat?.live ? 'live-value' : '',
        pruned ? 'pruned-value' : '',
      ]
        .filter(Boolean)
        .join(' ');
      const [mean, spread] = statParts(stat, m, row.original);
      // Mean and spread wrap onto two lines where the column is narrow; the row is tall enough for two.
      return (
        <span
          className={`${classes} stat-text`}
          title={
            pruned
              ? `over its first ${pruned.epochs} epochs only: pruned at a rung, so not comparable with cells trained to the end`
              : stat?.live
                ? 'best so far: still training'
                : spread
                  ? `${mean} ${spread}`
                  : undefined
          }
        >
          {mean}
          {spread && (
            <>
              {' '}
              <span className="stat-spread">{spread}</span>
            </>
          )}
        </span>
      );
    },
  };
}

/** The row's run when it is a single run a rung pruned (its values are over fewer epochs); else null. */
function prunedCellOf(row: ResultRow): GridCellResult | null {
  return row.kind !== 'point' && row.cells[0].status === 'pruned' ? row.cells[0] : null;
}

function runCell(row: Row<ResultRow>) {
  const r = row.original;
  if (r.kind === 'point') {
    return (
      <button
        type="button"
        className="link-button expander"
        onClick={row.getToggleExpandedHandler()}
        aria-expanded={row.getIsExpanded()}
        data-testid="expand-point"
      >
        {row.getIsExpanded() ? '▾' : '▸'} {r.cells.length} seeds
      </button>
    );
  }
  const cell = r.cells[0];
  const text = r.kind === 'seed' ? `seed ${cell.seed}` : `cell ${cell.index}`;
  return cell.runId ? (
    <a
      href={routeHref({ name: 'run', runId: cell.runId })}
      title={cell.runName ?? undefined}
      className={r.kind === 'seed' ? 'seed-link' : undefined}
    >
      {text}
    </a>
  ) : (
    <span className="muted">{text}</span>
  );
}

/** Mean best epoch, and its range over seeds ("4 (3–5)"). */
function bestEpochText(row: ResultRow): string {
  const epochs = row.cells.map((c) => c.bestEpoch).filter((e): e is number => e !== null);
  if (epochs.length === 0) return MISSING;
  // A best at a point inside an epoch (`training.evaluateEvery`) is a fractional epoch.
  const text = (e: number) => (Number.isInteger(e) ? String(e) : e.toFixed(2));
  if (epochs.length === 1) return text(epochs[0]);
  const lo = Math.min(...epochs);
  const hi = Math.max(...epochs);
  return lo === hi ? text(lo) : `${text(lo)}–${text(hi)}`;
}

/**
 * Epochs trained of those planned, per run: "200/200", and for a point of seeds "200/200" with "per seed"
 * (a range where the seeds differ: "150–200/200"), never the sum over seeds.
 */
export function epochsText(row: ResultRow): [string, string] {
  const range = (values: number[]) => {
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    return lo === hi ? String(lo) : `${lo}–${hi}`;
  };
  const done = range(row.cells.map((c) => c.epochs));
  const planned = range(row.cells.map((c) => c.epochsPlanned));
  return [`${done}/${planned}`, row.kind === 'point' ? 'per seed' : ''];
}

/** Values of a row's runs, each once, in order: one for a cell, the distinct ones over a point's seeds. */
function distinct<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

/** A pruned grid's columns: the Hyperband bracket (where there are several) and epochs reached / target. */
function pruningColumns(pruning: GridPruningState): ColumnDef<ResultRow>[] {
  const bracket: ColumnDef<ResultRow> = {
    id: 'bracket',
    header: () => (
      <span title="Hyperband bracket s: its cells meet their first rung at about R·η^−s epochs (s = 0: no rung)">
        Bracket
      </span>
    ),
    size: 84,
    accessorFn: (row) => row.cells[0].pruning?.bracket,
    sortUndefined: 'last',
    cell: ({ row }) => {
      const brackets = distinct(row.original.cells.map((c) => c.pruning?.bracket ?? null));
      return (
        <span className="num">
          {brackets.every((b) => b === null) ? MISSING : brackets.map((b) => b ?? MISSING).join(', ')}
        </span>
      );
    },
  };
  const reached: ColumnDef<ResultRow> = {
    id: 'reached',
    header: () => (
      <span title="Epochs logged / the epoch the cell trains to next: a rung, or the full epochs">
        Reached / target
      </span>
    ),
    size: 120,
    accessorFn: (row) => row.cells.reduce((n, c) => n + c.epochs, 0) / Math.max(1, row.cells.length),
    cell: ({ row }) => {
      const cells = row.original.cells;
      if (row.original.kind === 'point') {
        const epochs = cells.map((c) => c.epochs);
        const lo = Math.min(...epochs);
        const hi = Math.max(...epochs);
        return (
          <span className="num stat-text">
            {lo === hi ? lo : `${lo}–${hi}`} <span className="stat-spread">per seed</span>
          </span>
        );
      }
      const text = reachedText(cells[0], pruning.fullEpochs);
      return (
        <span className="num stat-text" title={text.title}>
          {text.text}
          {text.detail && (
            <>
              {' '}
              <span className="stat-spread">{text.detail}</span>
            </>
          )}
        </span>
      );
    },
  };
  return showsBrackets(pruning) ? [bracket, reached] : [reached];
}

export function resultColumns(
  axes: readonly ResolvedAxis[],
  bestMetrics: readonly AnalysisMetric[],
  finalMetrics: readonly AnalysisMetric[],
  /** A live pruned grid's state: adds its columns and room for the rung beside the status. */
  pruning: GridPruningState | null = null,
): ColumnDef<ResultRow>[] {
  return [
    {
      id: 'select',
      size: 36,
      enableSorting: false,
      header: () => <span className="visually-hidden">Select</span>,
      cell: ({ row, table }) => {
        const meta = tableMeta(table);
        return (
          <input
            type="checkbox"
            aria-label={`Select ${runIdsOf([row.original]).length > 1 ? 'the seeds of ' : ''}${axes
              .map((a) => `${a.label}=${formatAxisValue(row.original.values[a.path])}`)
              .join(', ')}`}
            checked={meta.isSelected(row.original)}
            onChange={(e) => meta.onSelect(row.original, e.target.checked)}
          />
        );
      },
    },
    {
      id: 'run',
      header: 'Run',
      size: 88,
      enableSorting: false,
      cell: ({ row }) => runCell(row),
    },
    ...axes.map(axisColumn),
    ...bestMetrics.map((m, i) => metricColumn(m, i === 0)),
    {
      id: 'bestEpoch',
      header: 'Best epoch',
      // Room for the header and its sort mark at 1440 px.
      size: 104,
      accessorFn: (row) => meanSd(row.cells.map((c) => c.bestEpoch))?.mean,
      sortUndefined: 'last',
      cell: ({ row }) => <span className="num">{bestEpochText(row.original)}</span>,
    },
    ...finalMetrics.map((m) => metricColumn(m, false)),
    {
      id: 'epochs',
      header: () => (
        <span title="Epochs trained of those planned, per run (per seed where a point has several)">
          Epochs
        </span>
      ),
      size: 100,
      accessorFn: (row) => row.cells.reduce((n, c) => n + c.epochs, 0) / Math.max(1, row.cells.length),
      cell: ({ row }) => {
        const cells = row.original.cells;
        const stopped = cells.find((c) => c.stopEpoch !== null);
        const [done, perSeed] = epochsText(row.original);
        return (
          <span
            className="num stat-text"
            title={stopped ? `early stop at epoch ${stopped.stopEpoch}` : undefined}
          >
            {done}
            {stopped ? ' ⏹' : ''}
            {perSeed && (
              <>
                {' '}
                <span className="stat-spread">{perSeed}</span>
              </>
            )}
          </span>
        );
      },
    },
    ...(pruning ? pruningColumns(pruning) : []),
    {
      id: 'status',
      header: 'Status',
      // Room for "paused at epoch 3, waiting for the rung" on two lines in a pruned grid.
      size: pruning ? 150 : 104,
      accessorFn: (row) => pointStatus({ point: 0, values: row.values, cells: row.cells }),
      cell: ({ row }) => {
        const cells = row.original.cells;
        const error = cells.find((c) => c.error)?.error ?? undefined;
        // A point of seeds gives its counts in the title; a single run says where a rung left it.
        const detail = row.original.kind === 'point' ? null : cellStatusDetail(cells[0]);
        const badge = (
          <GridCellBadge
            status={pointStatus({ point: 0, values: row.original.values, cells })}
            title={
              [cells.length > 1 ? statusCounts(cells) : '', error ?? ''].filter(Boolean).join(' — ') ||
              undefined
            }
          />
        );
        return detail === null ? (
          badge
        ) : (
          <span className="stat-text">
            {badge} <span className="status-detail">{detail}</span>
          </span>
        );
      },
    },
    {
      id: 'duration',
      header: 'Duration',
      size: 84,
      accessorFn: (row) => meanSd(row.cells.map((c) => c.durationSeconds))?.mean,
      sortUndefined: 'last',
      cell: ({ row }) => (
        <span className="num">
          {formatDuration(meanSd(row.original.cells.map((c) => c.durationSeconds))?.mean)}
        </span>
      ),
    },
  ];
}
