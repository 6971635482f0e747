import { describe, expect, it } from 'vitest';
import { epoch } from '../testing/fixtures';
import type { PlotColors } from '../charts/plot-theme';
import { runCurveFigure, runCurveFigureLayout, runCurveTraces } from './run-chart-data';

describe('run chart axes', () => {
  it('labels a narrow accuracy range with distinct percentages, never "13% 13% 13%"', () => {
    // Early in a run: every accuracy a hair above 13 %.
    const epochs = [1, 2, 3].map((n) =>
      epoch(n, { trainAcc: 0.1312 + n * 1e-4, valAcc: 0.1315 + n * 1e-4, testAcc: 0.1313 + n * 1e-4 }),
    );
    const labels = runCurveFigure(epochs, 'accuracy').panels[0].y.labels;
    expect(labels.length).toBeGreaterThan(2);
    expect(new Set(labels).size).toBe(labels.length);
    for (const label of labels) expect(label).toMatch(/^13\.\d+%$/);
  });

  it('keeps the axes on the data: epochs from the first to the last, accuracy within 0–100 %', () => {
    const epochs = [1, 2, 3, 4, 5].map((n) => epoch(n));
    const figure = runCurveFigure(epochs, 'accuracy');
    expect(figure.x.domain).toEqual([1, 5]);
    const [low, high] = figure.panels[0].y.domain;
    expect(low).toBeGreaterThanOrEqual(0);
    expect(high).toBeLessThanOrEqual(1);
    const layout = runCurveFigureLayout('accuracy', figure);
    expect(layout.xaxis?.range).toEqual([1, 5]);
    expect(layout.yaxis?.ticktext).toEqual(figure.panels[0].y.labels);
  });
});

describe('a fork’s curves', () => {
  const colors: PlotColors = { fg: '#111', grid: '#ddd', muted: '#666' };
  const parentEpochs = [1, 2].map((n) => epoch(n, { trainLoss: 2 - n * 0.5 }));
  const own = [3, 4].map((n) => epoch(n, { trainLoss: 1 - n * 0.1 }));

  it('start at the parent’s point at the fork epoch, and draw the parent dotted up to it', () => {
    const traces = runCurveTraces(own, 'loss', colors, { parentEpochs, forkEpoch: 2 }) as {
      name: string;
      x: number[];
      y: number[];
      showlegend?: boolean;
    }[];
    const train = traces.find((t) => t.name === 'train')!;
    expect(train.x).toEqual([2, 3, 4]);
    expect(train.y).toEqual([1, 1 - 0.3, 1 - 0.4]);
    const parent = traces.find((t) => t.name === 'train (parent)')!;
    expect(parent.x).toEqual([1, 2]);
    // One legend entry per split: the parent's trace shares the fork's.
    expect(parent.showlegend).toBe(false);
  });

  it('draw the run alone where it is not a fork', () => {
    const traces = runCurveTraces(own, 'loss', colors) as { name: string; x: number[] }[];
    expect(traces.find((t) => t.name === 'train')!.x).toEqual([3, 4]);
    expect(traces.some((t) => t.name.endsWith('(parent)'))).toBe(false);
  });
});
