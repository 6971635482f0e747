import { describe, expect, it } from 'vitest';
import type { EpochMetrics, MetricName, MetricSummary } from '../types';
import { summarizeEpochs, updateSummaries } from './summary';

function epoch(n: number, values: Partial<EpochMetrics> = {}): EpochMetrics {
  return {
    epoch: n,
    trainLoss: 1,
    trainAcc: 0.5,
    valLoss: null,
    valAcc: null,
    testLoss: null,
    testAcc: null,
    lr: 0.1,
    seconds: 1,
    ...values,
  };
}

function summaryOf(summaries: MetricSummary[], metric: MetricName): MetricSummary | undefined {
  return summaries.find((s) => s.metric === metric);
}

describe('summarizeEpochs', () => {
  it.each([
    { name: 'falling loss', losses: [0.9, 0.5, 0.7], best: 0.5, bestEpoch: 2, min: 0.5, max: 0.9, last: 0.7 },
    {
      name: 'tie keeps the earliest epoch',
      losses: [0.9, 0.4, 0.4, 0.6],
      best: 0.4,
      bestEpoch: 2,
      min: 0.4,
      max: 0.9,
      last: 0.6,
    },
    { name: 'single epoch', losses: [2], best: 2, bestEpoch: 1, min: 2, max: 2, last: 2 },
    { name: 'rising loss', losses: [0.1, 0.2, 0.3], best: 0.1, bestEpoch: 1, min: 0.1, max: 0.3, last: 0.3 },
  ])('valLoss: $name', ({ losses, best, bestEpoch, min, max, last }) => {
    const summaries = summarizeEpochs(losses.map((valLoss, i) => epoch(i + 1, { valLoss })));
    expect(summaryOf(summaries, 'valLoss')).toEqual({
      metric: 'valLoss',
      bestValue: best,
      bestEpoch,
      min,
      max,
      lastValue: last,
      lastEpoch: losses.length,
    });
  });

  it('takes the highest accuracy as best, earliest on ties', () => {
    const summaries = summarizeEpochs([0.8, 0.95, 0.9, 0.95].map((valAcc, i) => epoch(i + 1, { valAcc })));
    expect(summaryOf(summaries, 'valAcc')).toMatchObject({
      bestValue: 0.95,
      bestEpoch: 2,
      min: 0.8,
      max: 0.95,
    });
  });

  it('skips null and NaN values, and omits metrics that never had one', () => {
    const summaries = summarizeEpochs([
      epoch(1, { valLoss: null }),
      epoch(2, { valLoss: 0.5 }),
      epoch(3, { valLoss: Number.NaN, trainLoss: Number.NaN }),
    ]);
    expect(summaryOf(summaries, 'valLoss')).toMatchObject({
      bestValue: 0.5,
      bestEpoch: 2,
      lastValue: 0.5,
      lastEpoch: 2,
    });
    expect(summaryOf(summaries, 'trainLoss')).toMatchObject({ lastEpoch: 2 });
    expect(summaryOf(summaries, 'testAcc')).toBeUndefined();
    expect(summaries.map((s) => s.metric)).toEqual(['trainLoss', 'trainAcc', 'valLoss']);
  });

  it('returns nothing for no epochs', () => {
    expect(summarizeEpochs([])).toEqual([]);
  });
});

describe('updateSummaries', () => {
  it('agrees with the batch form epoch by epoch', () => {
    const epochs = [0.7, 0.3, 0.3, 0.9, 0.1].map((v, i) => epoch(i + 1, { trainLoss: v, valAcc: 1 - v }));
    let running: MetricSummary[] = [];
    epochs.forEach((e, i) => {
      running = updateSummaries(running, e);
      expect(running).toEqual(summarizeEpochs(epochs.slice(0, i + 1)));
    });
  });

  it('does not modify the previous summaries', () => {
    const previous = summarizeEpochs([epoch(1, { trainLoss: 1 })]);
    const copy = structuredClone(previous);
    updateSummaries(previous, epoch(2, { trainLoss: 0.1 }));
    expect(previous).toEqual(copy);
  });

  it('handles epochs arriving out of order: last is the highest epoch, ties go to the earliest', () => {
    const late = updateSummaries(
      summarizeEpochs([epoch(5, { trainLoss: 0.2 })]),
      epoch(3, { trainLoss: 0.2 }),
    );
    expect(summaryOf(late, 'trainLoss')).toMatchObject({ bestEpoch: 3, lastEpoch: 5, lastValue: 0.2 });
  });
});
