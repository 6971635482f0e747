import { csvField } from '../compare/comparison';
import { METRIC_NAMES } from '../types';
import { formatAxisValue } from './expand';
import type { GridDetail } from './types';

/**
 * The grid's results table as CSV: one row per cell (every cell, repeats included), its axis values as
 * written, the monitored metric's best epoch with every metric there, and the final epoch's values.
 */
export function gridResultsCsv(grid: GridDetail): string {
  const header = [
    'cell',
    'repeat',
    'seed',
    ...grid.axes.map((a) => a.path),
    'status',
    'run_id',
    'monitor',
    'best_epoch',
    ...METRIC_NAMES.map((m) => `best_${m}`),
    'epochs',
    ...METRIC_NAMES.map((m) => `final_${m}`),
    'duration_s',
    'stop_epoch',
  ];
  const rows = grid.results.map((r) => [
    r.index,
    r.repeat,
    r.seed,
    ...grid.axes.map((a) => {
      const v = r.values[a.path];
      // Lists (hidden units) keep their JSON so the file reads back; numbers and names as they are.
      return typeof v === 'number' || typeof v === 'string' ? v : Array.isArray(v) ? JSON.stringify(v) : formatAxisValue(v);
    }),
    r.status,
    r.runId,
    grid.monitor,
    r.bestEpoch,
    ...METRIC_NAMES.map((m) => r.atBest?.[m] ?? null),
    r.epochs,
    ...METRIC_NAMES.map((m) => r.final?.[m] ?? null),
    r.durationSeconds === null ? null : Number(r.durationSeconds.toFixed(3)),
    r.stopEpoch,
  ]);
  return [header, ...rows].map((row) => row.map((v) => csvField(v as string | number | null)).join(',') + '\r\n').join('');
}
