import { csvField } from '../compare/comparison';
import { METRIC_NAMES, type MetricName } from '../types';
import type { GridDetail } from './types';

/**
 * A grid's results as CSV: one line per cell (every repeat, whatever is filtered on screen), its axis
 * values under their field paths, the best epoch of the monitored metric with every metric there, and the
 * final values. RFC 4180 (CRLF, quotes where needed); numbers in JavaScript's shortest round-trip form; an
 * empty field is a value that does not exist (not logged, not reached yet).
 */

const METRIC_COLUMNS: Record<MetricName, string> = {
  trainLoss: 'train_loss',
  trainAcc: 'train_acc',
  valLoss: 'val_loss',
  valAcc: 'val_acc',
  testLoss: 'test_loss',
  testAcc: 'test_acc',
};

export function gridResultsCsv(grid: Pick<GridDetail, 'axes' | 'results' | 'monitor'>): string {
  const header = [
    'cell',
    'point',
    'repeat',
    'seed',
    'run_id',
    'run_name',
    'status',
    ...grid.axes.map((a) => a.path),
    'monitor',
    'best_epoch',
    ...METRIC_NAMES.map((m) => `${METRIC_COLUMNS[m]}_at_best`),
    ...METRIC_NAMES.map((m) => `final_${METRIC_COLUMNS[m]}`),
    'epochs',
    'epochs_planned',
    'stop_epoch',
    'duration_s',
    'error',
  ];
  const lines = [header.map(csvField).join(',')];
  for (const cell of grid.results) {
    lines.push(
      [
        cell.index,
        cell.point,
        cell.repeat,
        cell.seed,
        cell.runId,
        cell.runName,
        cell.status,
        ...grid.axes.map((a) => axisValueText(cell.values[a.path])),
        grid.monitor,
        cell.bestEpoch,
        ...METRIC_NAMES.map((m) => cell.atBest?.[m]),
        ...METRIC_NAMES.map((m) => cell.final?.[m]),
        cell.epochs,
        cell.epochsPlanned,
        cell.stopEpoch,
        cell.durationSeconds,
        cell.error,
      ]
        .map(csvField)
        .join(','),
    );
  }
  return lines.map((line) => line + '\r\n').join('');
}

/** Numbers and strings as they are; lists (hidden units) as JSON, which reads back unambiguously. */
function axisValueText(value: unknown): string | number | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' || typeof value === 'string') return value;
  return JSON.stringify(value);
}
