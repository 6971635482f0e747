import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import e5L2Point1 from '../../resources/presets/e5-cnn-l2-0.1.json';
import type { RunEpochs } from '../api/contract';
import { runConfigSchema } from '../config/run-config';
import type { EpochMetrics } from '../types';
import {
  buildComparisonSeries,
  comparisonCsv,
  METRIC_LABELS,
  plottedComparison,
  yAxisTitle,
  type ComparisonSpec,
} from './comparison';
import type { CompareRun } from './differing-params';

function compareRun(id: string, name: string, l2: number): CompareRun {
  const config = runConfigSchema.parse({ ...e5L2Point1, name, regularization: { l2 } });
  return { id, name, config };
}

/** Irregular values (π / epoch) so that any rounding on the way out would show. */
function epochs(count: number, seconds: number, withValidation = true): EpochMetrics[] {
  return Array.from({ length: count }, (_, i) => ({
    epoch: i + 1,
    trainLoss: Math.PI / (i + 1),
    trainAcc: 1 - 1 / (i + 3),
    valLoss: withValidation ? Math.E / (i + 1) : null,
    valAcc: withValidation ? 0.5 + i / 100 : null,
    testLoss: null,
    testAcc: null,
    lr: 1e-4 / 3,
    seconds: seconds + i / 10,
  }));
}

const spec = (overrides: Partial<ComparisonSpec> = {}): ComparisonSpec => ({
  metrics: ['valLoss'],
  x: 'epoch',
  yScale: 'linear',
  smoothing: { kind: 'none' },
  showRaw: false,
  ...overrides,
});

describe('buildComparisonSeries', () => {
  const runs = [compareRun('a', 'small λ', 0.1), compareRun('b', 'big λ', 0.5)];
  const data: RunEpochs[] = [
    { runId: 'a', epochs: epochs(4, 2) },
    { runId: 'b', epochs: epochs(3, 1, false) },
  ];

  it('gives one series per run with epoch numbers and the logged values', () => {
    const series = buildComparisonSeries(runs, data, spec());
    expect(series.map((s) => [s.runId, s.metric, s.label])).toEqual([
      ['a', 'valLoss', 'small λ · λ=0.1'],
      ['b', 'valLoss', 'big λ · λ=0.5'],
    ]);
    expect(series[0].x).toEqual([1, 2, 3, 4]);
    expect(series[0].raw).toEqual(data[0].epochs.map((e) => e.valLoss));
    expect(series[0].y).toEqual(series[0].raw);
    // No validation split: every value is missing, none invented.
    expect(series[1].raw).toEqual([null, null, null]);
  });

  it('uses cumulative wall seconds on the time axis', () => {
    const [a] = buildComparisonSeries(runs, data, spec({ x: 'time' }));
    // Epochs took 2, 2.1, 2.2 and 2.3 s.
    [2, 4.1, 6.3, 8.6].forEach((t, i) => expect(a.x[i]).toBeCloseTo(t, 12));
  });

  it('smooths y and keeps raw as logged', () => {
    const [a] = buildComparisonSeries(runs, data, spec({ smoothing: { kind: 'moving-average', window: 2 } }));
    expect(a.raw).toEqual(data[0].epochs.map((e) => e.valLoss));
    expect(a.y[0]).toBeCloseTo(Math.E, 12);
    expect(a.y[1]).toBeCloseTo((Math.E + Math.E / 2) / 2, 12);
    expect(a.y[3]).toBeCloseTo((Math.E / 3 + Math.E / 4) / 2, 12);
  });

  it('names the metric in each label when several are shown, metric by metric', () => {
    const series = buildComparisonSeries(runs, data, spec({ metrics: ['trainLoss', 'valLoss'] }));
    expect(series.map((s) => s.label)).toEqual([
      'small λ · λ=0.1 (training loss)',
      'big λ · λ=0.5 (training loss)',
      'small λ · λ=0.1 (validation loss)',
      'big λ · λ=0.5 (validation loss)',
    ]);
  });

  it('gives a run without epochs an empty series and sorts epochs that arrived out of order', () => {
    const shuffled = [...epochs(3, 1)].reverse();
    const series = buildComparisonSeries(
      runs,
      [{ runId: 'a', epochs: shuffled }],
      spec({ metrics: ['trainLoss'] }),
    );
    expect(series[0].x).toEqual([1, 2, 3]);
    expect(series[0].raw).toEqual([Math.PI, Math.PI / 2, Math.PI / 3]);
    expect(series[1]).toMatchObject({ runId: 'b', x: [], y: [], raw: [] });
  });

  it('puts points inside epochs on the steps and examples axes, and leaves a run without a schedule empty there', () => {
    const point = { ...data[0].epochs[0], step: 5, examples: 500, epoch: 0.5, seconds: 0.7 };
    const points = [
      {
        runId: 'a',
        schedule: { trainExamples: 1000, stepsPerEpoch: 10, evaluateEvery: { examples: 500 } },
        points: [point],
      },
      { runId: 'b', schedule: null, points: [] },
    ];
    const [a, b] = buildComparisonSeries(runs, data, spec({ x: 'examples' }), points);
    expect(a.x).toEqual([500, 1000, 2000, 3000, 4000]);
    expect(a.raw[0]).toBe(point.valLoss);
    expect(b.x).toEqual([]);
    expect(buildComparisonSeries(runs, data, spec({ x: 'step' }), points)[0].x).toEqual([5, 10, 20, 30, 40]);
    // Time: the point is 0.7 s into the first epoch; epoch ends are the epochs' seconds summed.
    expect(buildComparisonSeries(runs, data, spec({ x: 'time' }), points)[0].x.slice(0, 2)).toEqual([0.7, 2]);
    expect(buildComparisonSeries(runs, data, spec({ x: 'epoch' }), points)[0].x).toEqual([0.5, 1, 2, 3, 4]);
  });

  it('rejects an unknown metric or an empty metric list, naming the field', () => {
    expect(() => buildComparisonSeries(runs, data, spec({ metrics: ['valLos' as 'valLoss'] }))).toThrow(
      /metrics: unknown metric "valLos"/,
    );
    expect(() => buildComparisonSeries(runs, data, spec({ metrics: [] }))).toThrow(
      /metrics: expected at least one/,
    );
    expect(() => buildComparisonSeries(runs, data, spec({ x: 'batch' as 'epoch' }))).toThrow(
      /^x: expected one of epoch, step, examples, time/,
    );
  });
});

describe('plottedComparison', () => {
  const runs = [compareRun('a', 'A', 0.1), compareRun('b', 'B', 0.5)];
  const noValidation: RunEpochs[] = [
    { runId: 'a', epochs: epochs(3, 1, false) },
    { runId: 'b', epochs: epochs(2, 1, false) },
  ];

  it('leaves out metrics no run logged, from the series and the spec', () => {
    const asked = spec({ metrics: ['valLoss', 'trainLoss', 'testAcc'] });
    const plotted = plottedComparison(asked, buildComparisonSeries(runs, noValidation, asked));
    expect(plotted.missing).toEqual(['valLoss', 'testAcc']);
    expect(plotted.spec.metrics).toEqual(['trainLoss']);
    expect(plotted.series.map((s) => [s.runId, s.metric])).toEqual([
      ['a', 'trainLoss'],
      ['b', 'trainLoss'],
    ]);
    expect(yAxisTitle(plotted.spec.metrics)).toBe('training loss');
  });

  it('keeps a metric one run logged, and everything when nothing was logged', () => {
    const mixed: RunEpochs[] = [noValidation[0], { runId: 'b', epochs: epochs(2, 1, true) }];
    const asked = spec({ metrics: ['valLoss'] });
    const some = plottedComparison(asked, buildComparisonSeries(runs, mixed, asked));
    expect(some.missing).toEqual([]);
    expect(some.series).toHaveLength(2);
    const none = plottedComparison(asked, buildComparisonSeries(runs, noValidation, asked));
    expect(none.missing).toEqual(['valLoss']);
    expect(none.spec).toEqual(asked);
    expect(none.series).toHaveLength(2);
  });
});

describe('METRIC_LABELS and axis titles', () => {
  it('reads like prose', () => {
    expect(METRIC_LABELS.valLoss).toBe('validation loss');
    expect(METRIC_LABELS.trainAcc).toBe('training accuracy');
    expect(yAxisTitle(['testAcc'])).toBe('test accuracy');
    expect(yAxisTitle(['trainLoss', 'valLoss'])).toBe('loss');
    expect(yAxisTitle(['trainAcc', 'valAcc'])).toBe('accuracy');
    expect(yAxisTitle(['valLoss', 'valAcc'])).toBe('validation loss / validation accuracy');
  });
});

describe('comparisonCsv', () => {
  const tricky = 'E5 "quoted", with comma\nand newline';
  const runs = [compareRun('a', tricky, 0.1), compareRun('b', 'plain', 0.5)];
  const data: RunEpochs[] = [
    { runId: 'a', epochs: epochs(5, 2) },
    { runId: 'b', epochs: epochs(3, 1, false) },
  ];

  function rows(csv: string): string[][] {
    return parse(csv) as string[][];
  }

  it('writes every epoch of every run with the values exactly as stored', () => {
    const csv = comparisonCsv(runs, data);
    const [header, ...body] = rows(csv);
    expect(header).toEqual([
      'run_id',
      'run_name',
      'label',
      'epoch',
      'step',
      'examples',
      'time_s',
      'train_loss',
      'train_acc',
      'val_loss',
      'val_acc',
      'test_loss',
      'test_acc',
      'lr',
    ]);
    expect(body).toHaveLength(5 + 3);
    const col = (name: string) => header.indexOf(name);
    const first = body[0];
    expect(first[col('run_name')]).toBe(tricky);
    expect(first[col('label')]).toBe(`${tricky} · λ=0.1`);
    // Shortest round-trip text: parses back to the identical double.
    expect(Number(first[col('train_loss')])).toBe(Math.PI);
    expect(Number(first[col('lr')])).toBe(1e-4 / 3);
    expect(Number(body[4][col('time_s')])).toBe(data[0].epochs.reduce((t, e) => t + e.seconds, 0));
    expect(body.map((r) => r[col('run_id')])).toEqual(['a', 'a', 'a', 'a', 'a', 'b', 'b', 'b']);
    expect(body.map((r) => Number(r[col('epoch')]))).toEqual([1, 2, 3, 4, 5, 1, 2, 3]);
    // Runs without a schedule (none given here) have no steps or examples: empty, not invented.
    expect(body[0][col('step')]).toBe('');
    // Missing values are empty fields.
    expect(body[5][col('val_loss')]).toBe('');
    expect(body[0][col('test_acc')]).toBe('');
  });

  it('follows RFC 4180: CRLF line ends and doubled quotes inside quoted fields', () => {
    const csv = comparisonCsv(runs, data);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv).toContain('"E5 ""quoted"", with comma\nand newline"');
    // The newline inside the quoted name is part of a field; every record ends with CRLF.
    expect(csv.split('\r\n')).toHaveLength(1 + 8 + 1);
  });

  it('adds smoothed columns for the spec metrics when the spec smooths', () => {
    const smoothed = rows(
      comparisonCsv(
        runs,
        data,
        spec({ metrics: ['trainLoss', 'valLoss'], smoothing: { kind: 'moving-average', window: 2 } }),
      ),
    );
    expect(smoothed[0].slice(-2)).toEqual(['train_loss_smoothed', 'val_loss_smoothed']);
    expect(Number(smoothed[2].at(-2))).toBeCloseTo((Math.PI + Math.PI / 2) / 2, 12);
    expect(smoothed[6].at(-1)).toBe('');
    expect(rows(comparisonCsv(runs, data, spec()))[0]).not.toContain('val_loss_smoothed');
  });

  it('is just the header when no run has epochs', () => {
    expect(rows(comparisonCsv(runs, []))).toHaveLength(1);
  });
});
