import { describe, expect, it } from 'vitest';
import { epoch } from '../testing/fixtures';
import { runCurveFigure, runCurveFigureLayout } from './run-chart-data';

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
