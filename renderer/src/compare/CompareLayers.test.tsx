// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { useState } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CompareRun } from '../../../common/compare/differing-params';
import type { RunLayerStats } from '../../../common/layers/layer-stats';
import { PALETTE } from '../../../common/plot/series-style';
import { FakeWorkbench } from '../testing/fake-client';
import { APP_INFO, epoch, mlpConfig } from '../testing/fixtures';
import { simulateViewport } from '../testing/layout';
import { plotlyStandIn as plotly } from '../testing/plotly-stand-in';
import { renderWithClient } from '../testing/render';
import { CompareLayers } from './CompareLayers';

vi.mock('../charts/plotly-loader', async () => (await import('../testing/plotly-stand-in')).mockPlotly());

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = simulateViewport();
  plotly.charts.clear();
});
afterEach(() => {
  cleanup();
  restoreLayout();
});

/** Update ratios of dense_1 and dense_2 over `epochs` epochs, `scale` times a mean-loss run's. */
function layersOf(
  runId: string,
  epochs: number,
  scale: number,
  names = ['dense_1', 'dense_2'],
): RunLayerStats {
  return {
    runId,
    layers: names.map((name, l) => ({
      name,
      kind: 'dense' as const,
      params: 100,
      activation: l === 0 ? ('relu' as const) : null,
      probeExamples: 256,
      epochs: Array.from({ length: epochs }, (_, i) => ({
        epoch: i + 1,
        weightNorm: 3 + i,
        gradNorm: 0.1 * scale,
        updateRatio: (0.01 * scale) / (i + 1),
        histogram: { edges: [-1, 0, 1], counts: [5, 5], below: 0, above: 0 },
        percentiles: [-1, 0, 1],
        deadFraction: l === 0 ? 0 : null,
      })),
    })),
  };
}

const run = (id: string, overrides: Parameters<typeof mlpConfig>[0] = {}): CompareRun => ({
  id,
  name: id,
  config: mlpConfig({ name: id, ...overrides }),
});

function Harness({ runs }: { runs: CompareRun[] }) {
  // The first run is live: "more" logs another epoch of it, as a run.epoch event would.
  const [live, setLive] = useState(3);
  const epochs = runs.map((r, i) => ({
    runId: r.id,
    epochs: Array.from({ length: i === 0 ? live : 3 }, (_, e) => epoch(e + 1)),
  }));
  return (
    <>
      <button type="button" onClick={() => setLive(live + 1)}>
        more
      </button>
      <CompareLayers runs={runs} epochs={epochs} />
    </>
  );
}

function setUp(runs: CompareRun[], answers: Record<string, (n: number) => RunLayerStats>) {
  let liveEpochs = 3;
  const client = new FakeWorkbench({
    'app.info': () => APP_INFO,
    'runs.layers': ({ runId }) => {
      const answer = answers[runId];
      if (!answer) throw new Error(`no run with id ${runId}`);
      return answer(runId === runs[0].id ? liveEpochs : 3);
    },
  });
  renderWithClient(<Harness runs={runs} />, client);
  return { client, logEpoch: () => (liveEpochs += 1) };
}

const CHART = /^dense_1: update ratio/;
type Trace = { name: string; x: number[]; y: number[]; line: { color: string } };
const traces = (label: RegExp) => plotly.chart(label).data as Trace[];

describe('CompareLayers', () => {
  it("draws the chosen layer's update ratio of each run on a log axis, naming the run without statistics", async () => {
    const { client } = setUp(
      [
        run('sum', { training: { ...mlpConfig().training, lossReduction: 'sum' } }),
        run('mean'),
        run('off', { layerStats: false }),
      ],
      {
        sum: (n) => layersOf('sum', n, 100),
        mean: (n) => layersOf('mean', n, 1),
        off: () => ({ runId: 'off', layers: [] }),
      },
    );
    await waitFor(() => expect(plotly.charts.size).toBe(1));
    expect(client.callsOf('runs.layers')).toEqual([{ runId: 'sum' }, { runId: 'mean' }, { runId: 'off' }]);
    const [sum, mean] = traces(CHART);
    expect(traces(CHART)).toHaveLength(2);
    expect([sum.line.color, mean.line.color]).toEqual([PALETTE[0], PALETTE[1]]);
    expect(sum.x).toEqual([1, 2, 3]);
    for (const [i, v] of sum.y.entries()) expect(v / mean.y[i]).toBeCloseTo(100, 9);
    const layout = plotly.chart(CHART).layout as { yaxis: { type: string } };
    expect(layout.yaxis.type).toBe('log');
    expect(screen.getByTestId('compare-layers-missing').textContent).toBe(
      'Not drawn: off · reduction=mean, layerStats=false (trained with "layerStats": false).',
    );
    const legend = screen.getAllByTestId('compare-layers-legend-item').map((li) => li.textContent);
    expect(legend).toEqual([
      'sum · reduction=sum, layerStats=true',
      'mean · reduction=mean, layerStats=true',
    ]);
    // Names match: no choice of how to match them.
    expect(screen.queryByTestId('compare-layers-match')).toBeNull();

    fireEvent.change(screen.getByTestId('compare-layers-layer'), { target: { value: 'dense_2' } });
    fireEvent.change(screen.getByTestId('compare-layers-metric'), { target: { value: 'weightNorm' } });
    await waitFor(() => expect(traces(/^dense_2: kernel norm/)[0].y).toEqual([3, 4, 5]));

    fireEvent.click(screen.getByTestId('compare-layers-csv'));
    await waitFor(() => expect(client.saved).toHaveLength(1));
    expect(client.saved[0].fileName).toBe('layers-dense-2-weight-norm.csv');
    const rows = String(client.saved[0].data).trim().split('\r\n');
    expect(rows[0]).toBe('run_id,run_name,label,layer,kind,epoch,weight_norm');
    expect(rows).toHaveLength(7);

    fireEvent.click(screen.getByTestId('compare-layers-svg'));
    await waitFor(() => expect(client.saved).toHaveLength(2));
    const svg = String(client.saved[1].data);
    expect(client.saved[1].fileName).toBe('layers-dense-2-weight-norm.svg');
    expect(svg).toContain('dense_2: kernel norm ‖W‖');
    expect(svg).toContain(`stroke="${PALETTE[1]}"`);
    expect(svg).toContain('off · reduction=mean, layerStats=false (no data)');
  });

  it('asks a live run again when it logs an epoch, and only that run', async () => {
    const { client, logEpoch } = setUp([run('a'), run('b', { seed: 2 })], {
      a: (n) => layersOf('a', n, 1),
      b: (n) => layersOf('b', n, 2),
    });
    await waitFor(() => expect(plotly.charts.size).toBe(1));
    logEpoch();
    fireEvent.click(screen.getByText('more'));
    await waitFor(() => expect(traces(CHART)[0].x).toEqual([1, 2, 3, 4]));
    expect(client.callsOf('runs.layers')).toEqual([{ runId: 'a' }, { runId: 'b' }, { runId: 'a' }]);
  });

  it('matches layers by position when the names differ, and says which runs lack one', async () => {
    setUp(
      [
        run('mlp'),
        run('deep', { model: { kind: 'mlp', hiddenUnits: [32, 16], activation: 'relu', init: 'xavier' } }),
        run('gone'),
      ],
      {
        mlp: (n) => layersOf('mlp', n, 1, ['dense_1', 'dense_2']),
        deep: (n) => layersOf('deep', n, 3, ['dense_1', 'dense_2', 'dense_3']),
      },
    );
    await waitFor(() => expect(plotly.charts.size).toBe(1));
    const match = screen.getByTestId('compare-layers-match') as HTMLSelectElement;
    expect(match.value).toBe('name');
    const picker = screen.getByTestId('compare-layers-layer');
    expect(
      within(picker)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(['dense_1', 'dense_2', 'dense_3 — in 1 of 2 runs']);
    fireEvent.change(match, { target: { value: 'position' } });
    fireEvent.change(screen.getByTestId('compare-layers-layer'), { target: { value: '2' } });
    await waitFor(() => expect(traces(/^layer 3 \(dense_3\): update ratio/)).toHaveLength(1));
    const note = screen.getByTestId('compare-layers-missing').textContent ?? '';
    expect(note).toMatch(/mlp[^;]* \(has 2 layers with weights\)/);
    expect(note).toMatch(/gone[^;]* \(its layer statistics could not be loaded \(no run with id gone\)\)/);
  });

  it('says so when no compared run logged layer statistics', async () => {
    setUp([run('old'), run('off', { layerStats: false })], {
      old: () => ({ runId: 'old', layers: [] }),
      off: () => ({ runId: 'off', layers: [] }),
    });
    expect((await screen.findByTestId('compare-layers-missing')).textContent).toMatch(
      /^None of the 2 compared runs logged layer statistics: old[^;]* \(no layer statistics \(trained before the workbench kept them\)\); off[^;]* \(trained with "layerStats": false\)\.$/,
    );
    expect(screen.queryByTestId('compare-layers-csv')).toBeNull();
    expect(plotly.charts.size).toBe(0);
  });
});
