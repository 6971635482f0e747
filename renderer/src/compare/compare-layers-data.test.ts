import { describe, expect, it } from 'vitest';
import type { CompareRun } from '../../../common/compare/differing-params';
import type { LayerEpochStats, RunLayerStats } from '../../../common/layers/layer-stats';
import { PALETTE } from '../../../common/plot/series-style';
import { mlpConfig } from '../testing/fixtures';
import {
  compareLayerLayout,
  compareLayers,
  compareLayersCsv,
  compareLayerTraces,
  defaultMatch,
  layerChoices,
  sameLayerNames,
  type RunLayersLoad,
} from './compare-layers-data';

const COLORS = { fg: '#111111', muted: '#666666', grid: '#dddddd' };

function epochStats(
  epoch: number,
  updateRatio: number | null,
  weightNorm = 2,
  gradNorm: number | null = 0.5,
) {
  return {
    epoch,
    weightNorm,
    gradNorm,
    updateRatio,
    histogram: { edges: [-1, 0, 1], counts: [1, 1], below: 0, above: 0 },
    percentiles: [-1, 0, 1],
    deadFraction: null,
  } satisfies LayerEpochStats;
}

function layer(name: string, ratios: (number | null)[], kind: 'dense' | 'conv2d' = 'dense') {
  return {
    name,
    kind,
    params: 10,
    activation: null,
    probeExamples: 256,
    epochs: ratios.map((r, i) => epochStats(i + 1, r)),
  };
}

function stats(runId: string, layers: RunLayerStats['layers']): RunLayersLoad {
  return { at: layers[0]?.epochs.length ?? 0, stats: { runId, layers } };
}

/** E1-like (summed loss) and E2-like (mean loss) runs, a run trained without layer statistics, one never asked. */
const RUNS: CompareRun[] = [
  { id: 'sum', name: 'sum', config: mlpConfig({ name: 'sum' }) },
  { id: 'mean', name: 'mean', config: mlpConfig({ name: 'mean' }) },
  { id: 'off', name: 'off', config: mlpConfig({ name: 'off', layerStats: false }) },
];
RUNS[0].config.training.lossReduction = 'sum';

const LOADS = new Map<string, RunLayersLoad>([
  ['sum', stats('sum', [layer('dense_1', [0.5, 0.2, 0.1]), layer('dense_2', [0.4, 0.3, 0.2])])],
  ['mean', stats('mean', [layer('dense_1', [0.005, 0.002, 0.001]), layer('dense_2', [0.004, 0.003, 0.002])])],
  ['off', { at: 3, stats: { runId: 'off', layers: [] } }],
]);

describe('layerChoices', () => {
  it('lists the names every run with statistics has, and matches by name when there is one', () => {
    expect(layerChoices(RUNS, LOADS, 'name')).toEqual([
      { key: 'dense_1', label: 'dense_1', runs: 2, of: 2 },
      { key: 'dense_2', label: 'dense_2', runs: 2, of: 2 },
    ]);
    expect(sameLayerNames(RUNS, LOADS)).toBe(true);
    expect(defaultMatch(RUNS, LOADS)).toBe('name');
  });

  it('puts the common names first, says where a layer is only in some runs, and matches by position', () => {
    const loads = new Map(LOADS).set(
      'off',
      stats('off', [layer('conv2d_1', [0.1], 'conv2d'), layer('dense_1', [0.2]), layer('dense_2', [0.3])]),
    );
    expect(sameLayerNames(RUNS, loads)).toBe(false);
    expect(layerChoices(RUNS, loads, 'name').map((c) => [c.key, c.runs, c.of])).toEqual([
      ['dense_1', 3, 3],
      ['dense_2', 3, 3],
      ['conv2d_1', 1, 3],
    ]);
    expect(layerChoices(RUNS, loads, 'position').map((c) => [c.key, c.label, c.runs])).toEqual([
      ['0', 'layer 1 (dense_1 / conv2d_1)', 3],
      ['1', 'layer 2 (dense_2 / dense_1)', 3],
      ['2', 'layer 3 (dense_2)', 1],
    ]);
  });

  it('matches by position when no name is common to every run', () => {
    const loads = new Map<string, RunLayersLoad>([
      ['sum', stats('sum', [layer('conv2d_1', [0.1], 'conv2d')])],
      ['mean', stats('mean', [layer('dense_1', [0.1])])],
      ['off', { at: 0, stats: { runId: 'off', layers: [] } }],
    ]);
    expect(defaultMatch(RUNS, loads)).toBe('position');
  });
});

describe('compareLayers', () => {
  it('gives one series per run in its Compare colour, and names the runs without the layer', () => {
    const c = compareLayers(RUNS, LOADS, 'name', 'dense_1', 'updateRatio');
    expect(c.title).toBe('dense_1: update ratio ‖W_e − W_e−1‖ / ‖W_e−1‖');
    expect(c.series.map((s) => [s.runId, s.x, s.y])).toEqual([
      ['sum', [1, 2, 3], [0.5, 0.2, 0.1]],
      ['mean', [1, 2, 3], [0.005, 0.002, 0.001]],
      ['off', [], []],
    ]);
    // Colour follows the run's place in the comparison, as in the curves chart.
    expect(c.styles.map((s) => s.color)).toEqual([PALETTE[0], PALETTE[1], PALETTE[2]]);
    expect(c.figure.layout.drawable).toEqual([true, true, false]);
    expect(c.missing).toEqual([
      {
        runId: 'off',
        label: 'off · reduction=mean, layerStats=false',
        reason: 'trained with "layerStats": false',
      },
    ]);
    // A log axis spanning both runs: 0.001 … 0.5.
    const y = c.figure.layout.panels[0].y;
    expect(y.domain[0]).toBeLessThanOrEqual(0.001);
    expect(y.domain[1]).toBeGreaterThanOrEqual(0.5);
  });

  it('says why a run has nothing: an older run, a failed load, a run not started, a missing layer, no values', () => {
    const runs: CompareRun[] = [
      ...RUNS.slice(0, 2),
      { id: 'old', name: 'old', config: mlpConfig({ name: 'old' }) },
      { id: 'gone', name: 'gone', config: mlpConfig({ name: 'gone' }) },
      { id: 'new', name: 'new', config: mlpConfig({ name: 'new' }) },
    ];
    const loads = new Map(LOADS)
      .set('sum', stats('sum', [layer('dense_9', [0.1])]))
      .set('mean', stats('mean', [layer('dense_1', [0, 0, null])]))
      .set('old', { at: 5, stats: { runId: 'old', layers: [] } })
      .set('gone', { at: 2, error: 'no run with id gone' })
      .set('new', { at: 0, stats: { runId: 'new', layers: [] } });
    const c = compareLayers(runs, loads, 'name', 'dense_1', 'updateRatio');
    expect(c.missing.map((m) => [m.runId, m.reason])).toEqual([
      ['sum', 'has no layer dense_1 (its layers: dense_9)'],
      ['mean', 'no update ratio above 0 to draw on a log axis'],
      ['old', 'no layer statistics (trained before the workbench kept them)'],
      ['gone', 'its layer statistics could not be loaded (no run with id gone)'],
      ['new', 'no epoch logged yet'],
    ]);
    expect(compareLayerLayout(c).annotations).toEqual([expect.objectContaining({ text: 'nothing to draw' })]);
    const byPosition = compareLayers(runs, loads, 'position', '1', 'weightNorm');
    expect(byPosition.missing.slice(0, 2).map((m) => m.reason)).toEqual([
      'has 1 layer with weights',
      'has 1 layer with weights',
    ]);
  });

  it('draws the other metrics from the same layers', () => {
    const c = compareLayers(RUNS, LOADS, 'position', '1', 'gradNorm');
    expect(c.title).toBe('layer 2 (dense_2): last-batch gradient norm ‖∇W‖');
    expect(c.series[0].y).toEqual([0.5, 0.5, 0.5]);
    expect(c.figure.options.yTitle).toBe('‖∇W‖');
  });
});

describe('traces, layout and CSV', () => {
  const c = compareLayers(RUNS, LOADS, 'name', 'dense_1', 'updateRatio');

  it('draws a line per run with something to draw, on the log axis the export has', () => {
    const traces = compareLayerTraces(c, COLORS) as {
      name: string;
      y: number[];
      line: { color: string };
      hovertemplate: string;
    }[];
    expect(traces.map((t) => [t.name, t.line.color])).toEqual([
      ['sum · reduction=sum, layerStats=true', PALETTE[0]],
      ['mean · reduction=mean, layerStats=true', PALETTE[1]],
    ]);
    expect(traces[0].hovertemplate).toBe('%{y:.3g}<extra>sum · reduction=sum, layerStats=true</extra>');
    const layout = compareLayerLayout(c) as {
      yaxis: { type: string; range: number[]; tickvals: number[] };
      xaxis: { tickvals: number[] };
      annotations?: unknown;
    };
    expect(layout.yaxis.type).toBe('log');
    expect(layout.yaxis.range).toEqual(c.figure.layout.panels[0].y.domain.map(Math.log10));
    expect(layout.xaxis.tickvals).toEqual([1, 2, 3]);
    expect(layout.annotations).toBeUndefined();
  });

  it('exports the plotted numbers, one row per run and epoch of the layer', () => {
    expect(compareLayersCsv(RUNS, c, 'updateRatio').split('\r\n')).toEqual([
      'run_id,run_name,label,layer,kind,epoch,update_ratio',
      'sum,sum,"sum · reduction=sum, layerStats=true",dense_1,dense,1,0.5',
      'sum,sum,"sum · reduction=sum, layerStats=true",dense_1,dense,2,0.2',
      'sum,sum,"sum · reduction=sum, layerStats=true",dense_1,dense,3,0.1',
      'mean,mean,"mean · reduction=mean, layerStats=true",dense_1,dense,1,0.005',
      'mean,mean,"mean · reduction=mean, layerStats=true",dense_1,dense,2,0.002',
      'mean,mean,"mean · reduction=mean, layerStats=true",dense_1,dense,3,0.001',
      '',
    ]);
  });
});
