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

  it('marks a pruned cell "pruned @r" in a dotted outline, uncoloured, and names the rung on hover', () => {
    const cells = fullGridCells([L2_AXIS, LR_AXIS], () => 0.2).map((r) => ({
      values: r.values,
      status: r.index === 4 ? ('pruned' as const) : r.status,
      value: r.index === 4 ? 0.9 : (r.atBest?.valLoss ?? null),
      runId: r.runId,
      prunedAt: r.index === 4 ? 2 : null,
    }));
    const matrix = gridHeatmap([L2_AXIS, LR_AXIS], cells, {
      x: 'regularization.l2',
      y: 'training.learningRate',
    });
    const [heat] = heatmapTraces(matrix, (v) => v.toFixed(3), TITLES, true, COLORS) as {
      z: (number | null)[][];
      customdata: string[][];
    }[];
    expect(heat.z[1][1]).toBeNull();
    expect(heat.customdata[1][1]).toBe(
      'λ = 0.1<br>lr = 1e-3<br>pruned @2 · 0 of 1 run (1 pruned at the rung at epoch 2: its best is over its first 2 epochs only, so not counted)<br>pruned run before the rung: 0.900',
    );
    const layout = heatmapLayout(matrix, TITLES, true);
    expect(layout.annotations?.map((a) => a.text)).toEqual(['pruned @2']);
    expect(layout.shapes?.filter((sh) => sh.line?.dash === 'dot')).toHaveLength(1);
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
