import { describe, expect, it } from 'vitest';
import type { EpochMetrics } from '../types';
import { fromEpochColumns, toEpochColumns, type EpochColumns } from './epoch-columns';

const epoch = (n: number, patch: Partial<EpochMetrics> = {}): EpochMetrics => ({
  epoch: n,
  trainLoss: 1 / n,
  trainAcc: 0.5 + n / 100,
  valLoss: 1.1 / n,
  valAcc: 0.4 + n / 100,
  testLoss: null,
  testAcc: null,
  lr: 0.1,
  seconds: 0.25 * n,
  ...patch,
});

describe('epoch columns', () => {
  it.each([
    ['no epochs', []],
    ['one epoch', [epoch(1)]],
    [
      'epochs with and without validation and test metrics',
      [epoch(1), epoch(2, { valLoss: null, testAcc: 0.9 })],
    ],
  ])('round-trips %s through JSON unchanged', (_, epochs) => {
    const sent = JSON.parse(JSON.stringify(toEpochColumns(epochs))) as EpochColumns;
    expect(fromEpochColumns(sent)).toEqual(epochs);
  });

  it('lays each field out as one array in epoch order', () => {
    const columns = toEpochColumns([epoch(1), epoch(2)]);
    expect(columns.epoch).toEqual([1, 2]);
    expect(columns.seconds).toEqual([0.25, 0.5]);
    expect(columns.testLoss).toEqual([null, null]);
  });

  it('gives back NaN for a training metric that was NaN (JSON carries it as null)', () => {
    const sent = JSON.parse(
      JSON.stringify(toEpochColumns([epoch(1, { trainLoss: Number.NaN })])),
    ) as EpochColumns;
    expect(sent.trainLoss).toEqual([null]);
    expect(fromEpochColumns(sent)[0].trainLoss).toBeNaN();
  });

  it('refuses columns of different lengths, naming the field', () => {
    const columns = toEpochColumns([epoch(1), epoch(2)]);
    columns.valAcc.pop();
    expect(() => fromEpochColumns(columns)).toThrow('epoch columns: "valAcc" has 1 values, expected 2');
    const missing = { ...toEpochColumns([epoch(1)]), lr: undefined } as unknown as EpochColumns;
    expect(() => fromEpochColumns(missing)).toThrow('"lr" has no values, expected 1');
  });
});
