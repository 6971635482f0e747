import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { gridResultsCsv } from './results-csv';
import { fullGridCells, gridDetail, HIDDEN_AXIS, LR_AXIS } from './test-fixtures';

describe('gridResultsCsv', () => {
  it('writes every cell with its axis values, best-epoch and final metrics', () => {
    const axes = [LR_AXIS, HIDDEN_AXIS];
    const results = fullGridCells(axes, (v) => (v['training.learningRate'] as number) + 0.5, 2);
    results[3] = {
      ...results[3],
      status: 'failed',
      atBest: null,
      final: null,
      bestEpoch: null,
      error: 'out of memory, "badly"',
    };
    results[5] = { ...results[5], runName: 'E7 · lr=1e-4, hidden=16' };
    const csv = gridResultsCsv(gridDetail(axes, results));
    expect(csv.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parse(csv) as string[][];
    expect(rows).toHaveLength(12);
    const col = (name: string) => {
      const i = header.indexOf(name);
      if (i < 0) throw new Error(`no column ${name}`);
      return rows.map((r) => r[i]);
    };
    expect(col('cell')).toEqual(results.map((r) => String(r.index)));
    expect(col('training.learningRate').slice(0, 4)).toEqual(['0.0001', '0.0001', '0.0001', '0.0001']);
    expect(col('model.hiddenUnits').slice(0, 4)).toEqual(['[4]', '[4]', '[16]', '[16]']);
    expect(col('monitor')[0]).toBe('valLoss');
    expect(Number(col('val_loss_at_best')[0])).toBe(1e-4 + 0.5);
    expect(Number(col('final_val_loss')[0])).toBe(1e-4 + 0.5 + 0.1);
    expect(col('val_loss_at_best')[3]).toBe('');
    expect(col('status')[3]).toBe('failed');
    expect(col('error')[3]).toBe('out of memory, "badly"');
    expect(col('run_name')[5]).toBe('E7 · lr=1e-4, hidden=16');
    expect(col('repeat').slice(0, 2)).toEqual(['0', '1']);
    expect(col('seed').slice(0, 2)).toEqual(['1', '2']);
  });
});
