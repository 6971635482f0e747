import { describe, expect, it } from 'vitest';
import { gridHeatmap } from '../../../common/grid/heatmap';
import { fullGridCells, L2_AXIS, LR_AXIS } from '../testing/fixtures';
import { heatmapLayout, heatmapTraces } from './heatmap-chart-data';

const COLORS = { fg: '#111111', muted: '#666666', grid: '#dddddd' };
const TITLES = { x: 'λ', y: 'lr', value: 'val loss @best' };

function heatmapOf(lrLevels: number) {
  const lr = { ...LR_AXIS, values: Array.from({ length: lrLevels }, (_, i) => 0.002 * 1.1 ** i) };
  const cells = fullGridCells([L2_AXIS, lr], (v) => v['training.learningRate'] as number).map((r) => ({
    values: r.values,
    status: r.status,
    value: r.atBest?.valLoss ?? null,
    runId: r.runId,
  }));
  return gridHeatmap([L2_AXIS, lr], cells, { x: 'regularization.l2', y: 'training.learningRate' });
}

describe('heatmap chart', () => {
  it('writes the values in the cells and labels every level of a small grid', () => {
    const matrix = heatmapOf(3);
    const [heat] = heatmapTraces(matrix, (v) => v.toFixed(3), TITLES, true, COLORS) as {
      texttemplate: string;
    }[];
    expect(heat.texttemplate).toBe('%{text}');
    expect(heatmapLayout(matrix, TITLES, true).yaxis?.ticktext).toEqual(matrix.y?.labels);
  });

  it('at 50 levels leaves the unreadable values to the hover and labels every third level', () => {
    const matrix = heatmapOf(50);
    const [heat] = heatmapTraces(matrix, (v) => v.toFixed(3), TITLES, true, COLORS) as {
      texttemplate: string;
    }[];
    expect(heat.texttemplate).toBe('');
    const yaxis = heatmapLayout(matrix, TITLES, true).yaxis;
    expect(yaxis?.tickvals).toEqual(Array.from({ length: 17 }, (_, i) => 3 * i));
    expect(yaxis?.ticktext?.[1]).toBe(matrix.y?.labels[3]);
  });
});
