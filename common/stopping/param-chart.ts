import type { SvgSeries } from '../plot/comparison-svg';
import type { StoppingRow, StoppingRunInput } from './across-runs';

/**
 * The across-runs chart: best epoch, onset and stop epoch of each run against one of its hyperparameters
 * (best epoch against λ, against keep p, against hidden units), and its CSV.
 */

/** A numeric hyperparameter that differs between the runs, with each run's value. */
export interface ParamAxis {
  /** Flattened config key, e.g. `regularization.l2`. */
  key: string;
  label: string;
  /** By run id; runs without a value are absent. */
  values: Record<string, number>;
}

/** Common axes by name, in the order offered; anything else numeric that differs follows by key. */
const KNOWN_AXES: ReadonlyArray<readonly [key: string, label: string]> = [
  ['regularization.l2', 'λ (L2)'],
  ['regularization.dropout.keep', 'dropout keep p'],
  ['model.hiddenUnits.0', 'hidden units'],
  ['model.denseUnits.0', 'dense units'],
  ['model.filters', 'filters'],
  ['training.learningRate', 'learning rate'],
  ['training.batchSize', 'batch size'],
  ['training.momentum', 'momentum'],
  ['training.epochs', 'epochs'],
  ['dataset.split.train', 'training examples'],
  ['seed', 'seed'],
];
const KNOWN = new Map(KNOWN_AXES.map(([key, label], rank) => [key, { label, rank }]));

/** Alternative spellings of another key (dropout rate = 1 − keep) and descriptive fields: not axes. */
const SKIPPED = /^(name|description|experiment|tags)(\.|$)|^regularization\.dropout\.rate$/;

/** A run without dropout keeps every unit: its keep p is 1, so it belongs on the keep-p axis. */
const IMPLIED: Readonly<Record<string, number>> = { 'regularization.dropout.keep': 1 };

export function paramAxes(runs: readonly StoppingRunInput[]): ParamAxis[] {
  const byKey = new Map<string, Record<string, number>>();
  for (const run of runs) {
    for (const p of run.params) {
      if (p.num === null || SKIPPED.test(p.key)) continue;
      const values = byKey.get(p.key) ?? {};
      values[run.runId] = p.num;
      byKey.set(p.key, values);
    }
  }
  for (const [key, implied] of Object.entries(IMPLIED)) {
    const values = byKey.get(key);
    if (!values) continue;
    for (const run of runs) values[run.runId] ??= implied;
  }
  const axes: ParamAxis[] = [];
  for (const [key, values] of byKey) {
    const numbers = Object.values(values);
    if (numbers.length >= 2 && new Set(numbers).size >= 2) axes.push({ key, label: axisLabel(key), values });
  }
  const rank = (key: string) => KNOWN.get(key)?.rank ?? KNOWN_AXES.length;
  return axes.sort((a, b) => rank(a.key) - rank(b.key) || a.key.localeCompare(b.key));
}

export function axisLabel(key: string): string {
  return KNOWN.get(key)?.label ?? key;
}

export const STOPPING_Y_SERIES = {
  bestEpoch: 'best epoch',
  onsetEpoch: 'overfitting onset',
  stopEpoch: 'stop epoch (rule)',
  restoredEpoch: 'restored epoch (rule)',
  epochsSaved: 'epochs saved',
} as const;
export type StoppingYSeries = keyof typeof STOPPING_Y_SERIES;

export interface ParamChart {
  series: SvgSeries[];
  xTitle: string;
  yTitle: string;
  /** Labels of runs left out: no value for the parameter, or a value ≤ 0 on a log axis. */
  skipped: string[];
  /** The runs plotted, in the order of every series' points (by the parameter). */
  runs: Array<{ runId: string; label: string }>;
}

/**
 * One line per chosen quantity through the runs sorted by the parameter; a run where the quantity is
 * undefined (no onset, a rule that never fired) leaves a gap. `logX` plots log₁₀ of the parameter.
 */
export function paramChart(
  rows: readonly StoppingRow[],
  axis: ParamAxis,
  ys: readonly StoppingYSeries[],
  logX = false,
): ParamChart {
  const skipped: string[] = [];
  const placed: Array<{ x: number; row: StoppingRow }> = [];
  for (const row of rows) {
    const value = axis.values[row.runId];
    if (value === undefined || (logX && !(value > 0))) skipped.push(row.label);
    else placed.push({ x: logX ? Math.log10(value) : value, row });
  }
  placed.sort((a, b) => a.x - b.x);
  const series: SvgSeries[] = ys.map((y) => {
    const values = placed.map(({ row }) => row[y]);
    return {
      runId: y,
      metric: 'epoch',
      label: STOPPING_Y_SERIES[y],
      x: placed.map((p) => p.x),
      y: values,
      raw: values,
    };
  });
  return {
    series,
    xTitle: logX ? `log₁₀ ${axis.label}` : axis.label,
    yTitle: ys.length === 1 && ys[0] === 'epochsSaved' ? 'epochs saved' : 'epoch',
    skipped,
    runs: placed.map(({ row }) => ({ runId: row.runId, label: row.label })),
  };
}

const CSV_COLUMNS: ReadonlyArray<readonly [header: string, value: (row: StoppingRow) => unknown]> = [
  ['run_id', (r) => r.runId],
  ['label', (r) => r.label],
  ['last_epoch', (r) => r.lastEpoch],
  ['best_epoch', (r) => r.bestEpoch],
  ['onset_epoch', (r) => r.onsetEpoch],
  ['stop_epoch', (r) => r.stopEpoch],
  ['restored_epoch', (r) => r.restoredEpoch],
  ['epochs_saved', (r) => r.epochsSaved],
  ['seconds_saved', (r) => r.secondsSaved],
  ['test_acc_kept', (r) => r.testAccAtResult],
  ['best_test_acc', (r) => r.bestTestAcc],
  ['final_test_acc', (r) => r.finalTestAcc],
  ['test_acc_lost', (r) => r.testAccLost],
  ['test_acc_regret', (r) => r.testAccRegret],
  ['reason', (r) => r.reason],
  ['onset_reason', (r) => r.onsetReason],
];

/**
 * One row per run (RFC 4180, CRLF): the parameter's value (when an axis is given), then every column of
 * the table. Empty = undefined (no onset, never fired, no test split). Numbers round-trip exactly.
 */
export function stoppingRowsCsv(rows: readonly StoppingRow[], axis?: ParamAxis, rule?: string): string {
  const header = [
    ...(axis ? [axis.key] : []),
    ...CSV_COLUMNS.map(([h]) => h),
    ...(rule !== undefined ? ['rule'] : []),
  ];
  const lines = [header.map(csvField).join(',')];
  for (const row of rows) {
    lines.push(
      [
        ...(axis ? [axis.values[row.runId]] : []),
        ...CSV_COLUMNS.map(([, value]) => value(row)),
        ...(rule !== undefined ? [rule] : []),
      ]
        .map(csvField)
        .join(','),
    );
  }
  return lines.map((line) => `${line}\r\n`).join('');
}

function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
