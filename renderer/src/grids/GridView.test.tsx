// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GridCellResult, GridDetail } from '../../../common/grid/types';
import { FakeWorkbench } from '../testing/fake-client';
import { APP_INFO, epoch, fullGridCells, gridDetail, L2_AXIS, LR_AXIS, metrics } from '../testing/fixtures';
import { simulateViewport } from '../testing/layout';
import { plotlyStandIn as plotly } from '../testing/plotly-stand-in';
import { renderWithClient } from '../testing/render';
import { GridView } from './GridView';

vi.mock('../charts/plotly-loader', async () => (await import('../testing/plotly-stand-in')).mockPlotly());

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = simulateViewport();
  plotly.charts.clear();
  window.location.hash = '#/grids/grid-1';
});
afterEach(() => {
  cleanup();
  restoreLayout();
});

/** Validation loss at the best epoch of each (λ, lr): the hand-computed example of the importance tests. */
const TABLE: Record<string, number> = {
  '0.01,0.0001': 2,
  '0.01,0.001': 1,
  '0.01,0.01': 3,
  '0.1,0.0001': 2,
  '0.1,0.001': 5,
  '0.1,0.01': 5,
  '0.5,0.0001': 5,
  '0.5,0.001': 6,
  '0.5,0.01': 7,
};
const lossOf = (v: Record<string, unknown>) =>
  TABLE[`${String(v['regularization.l2'])},${String(v['training.learningRate'])}`];

function completedGrid(overrides: Partial<GridDetail> = {}): GridDetail {
  return gridDetail([L2_AXIS, LR_AXIS], fullGridCells([L2_AXIS, LR_AXIS], lossOf), overrides);
}

function workbench(detail: () => GridDetail) {
  return new FakeWorkbench({
    'app.info': () => APP_INFO,
    'grids.get': () => detail(),
    'grids.cancel': () => ({ cancelled: 3 }),
    'grids.resume': () => ({ gridId: 'grid-1', pending: 2 }),
  });
}

const rows = () => screen.queryAllByTestId('grid-result-row');
const cellOrder = () => rows().map((r) => Number(r.getAttribute('data-cell')));
const column = (id: string) =>
  rows().map((r) => r.querySelector(`td[data-column="${id}"]`)?.textContent ?? '');

describe('GridView', () => {
  it('shows progress with the ETA and every cell, best first, sortable by any column', async () => {
    const results = fullGridCells([L2_AXIS, LR_AXIS], lossOf);
    results[7] = { ...results[7], status: 'running', atBest: metrics({ valLoss: 9 }) };
    results[8] = {
      ...results[8],
      status: 'pending',
      runId: null,
      atBest: null,
      final: null,
      bestEpoch: null,
    };
    const detail = gridDetail([L2_AXIS, LR_AXIS], results, { etaSeconds: 120 });
    renderWithClient(
      <GridView gridId="grid-1" />,
      workbench(() => detail),
    );
    await screen.findByTestId('grid-results');
    const count = (id: string) => screen.getByTestId(id).getAttribute('data-count');
    expect([
      count('count-done'),
      count('count-running'),
      count('count-queued'),
      count('count-failed'),
    ]).toEqual(['7', '1', '1', '0']);
    expect(screen.getByTestId('grid-eta').textContent).toBe('ETA 2 min 00 s');
    // Lowest validation loss first; the running cell shows its best so far, the pending one sorts last.
    expect(cellOrder()).toEqual([1, 0, 3, 2, 4, 5, 6, 7, 8]);
    expect(column('best:valLoss').slice(0, 2)).toEqual(['1', '2']);
    expect(column('axis:training.learningRate').slice(0, 3)).toEqual(['1e-3', '1e-4', '1e-4']);

    const l2Header = screen.getByRole('button', { name: /^λ/ });
    fireEvent.click(l2Header);
    expect(column('axis:regularization.l2')).toEqual([
      '0.01',
      '0.01',
      '0.01',
      '0.1',
      '0.1',
      '0.1',
      '0.5',
      '0.5',
      '0.5',
    ]);
    fireEvent.click(l2Header);
    expect(column('axis:regularization.l2').slice(0, 3)).toEqual(['0.5', '0.5', '0.5']);
    expect(l2Header.closest('th')?.getAttribute('aria-sort')).toBe('descending');
  });

  it('stays light with hundreds of cells: one grids.get, a window of rows in the DOM', async () => {
    const l2 = { ...L2_AXIS, values: Array.from({ length: 20 }, (_, i) => (i + 1) / 100) };
    const lr = { ...LR_AXIS, values: Array.from({ length: 20 }, (_, i) => 10 ** (-5 + i / 5)) };
    const results = fullGridCells(
      [l2, lr],
      (v) => (v['regularization.l2'] as number) + Math.log10(v['training.learningRate'] as number) ** 2,
    );
    const client = workbench(() => gridDetail([l2, lr], results));
    const started = performance.now();
    renderWithClient(<GridView gridId="grid-1" />, client);
    await screen.findByTestId('grid-results');
    await waitFor(() => plotly.chart(/^Parallel coordinates/));
    expect(performance.now() - started).toBeLessThan(5000);
    expect(rows().length).toBeGreaterThan(0);
    expect(rows().length).toBeLessThan(60);
    expect(screen.getByTestId('results-count').textContent).toMatch(/^400 cells/);
    expect(client.calls.map((c) => c.method).filter((m) => m !== 'app.info')).toEqual(['grids.get']);
    const heatmap = plotly.chart(/^Heatmap/);
    expect((heatmap.data[0] as { z: number[][] }).z).toHaveLength(20);
    // Log axis: ticks at decades of real values, not 20 crowded labels, on the parallel coordinates.
    const trace = plotly.chart(/^Parallel coordinates/).data[0] as { dimensions: { ticktext?: string[] }[] };
    expect(trace.dimensions[1].ticktext).toEqual(['1e-5', '1e-4', '1e-3', '0.01', '0.1']);
    // The value is λ plus a function of lr: purely additive, so the decomposition leaves no interaction.
    expect(screen.getAllByTestId('importance-axis')).toHaveLength(2);
    expect(Number(screen.getByTestId('importance-interactions').getAttribute('data-fraction'))).toBeLessThan(
      1e-9,
    );
  });

  it('opens a cell’s run from its row', async () => {
    renderWithClient(
      <GridView gridId="grid-1" />,
      workbench(() => completedGrid()),
    );
    await screen.findByTestId('grid-results');
    const row = rows().find((r) => r.getAttribute('data-cell') === '4')!;
    fireEvent.click(row.querySelector('td[data-column="best:valLoss"]')!);
    expect(window.location.hash).toBe('#/runs/run-4');
  });

  it('with repeats shows one row per point as mean ± sd, expandable to its seeds', async () => {
    const results = fullGridCells([L2_AXIS, LR_AXIS], (v, r) => lossOf(v) + (r === 0 ? -0.5 : 0.5), 2);
    // (λ=0.5, lr=0.01) still training on both seeds; (λ=0.1, lr=0.001) lost a seed.
    results[16].status = 'running';
    results[17].status = 'running';
    Object.assign(results[9], { status: 'failed', atBest: null });
    renderWithClient(
      <GridView gridId="grid-1" />,
      workbench(() => gridDetail([L2_AXIS, LR_AXIS], results, { repeats: 2 })),
    );
    await screen.findByTestId('grid-results');
    expect(rows()).toHaveLength(9);
    expect(rows().every((r) => r.getAttribute('data-kind') === 'point')).toBe(true);
    // (λ=0.01, lr=0.001): seeds 0.5 and 1.5 → mean 1, sd √0.5 ≈ 0.7071.
    expect(column('best:valLoss')[0]).toBe('1 ± 0.71');
    // Epochs per run, not summed over the seeds (2 × 5 read "10/10").
    expect(column('epochs')[0]).toBe('5/5 per seed');
    // Seeds still training: their best so far, marked; a point that lost a seed says over how many.
    expect(column('best:valLoss').at(-1)).toBe('7 so far');
    // its remaining seed (repeat 0) is 5 − 0.5.
    expect(column('best:valLoss')).toContain('4.5 (n=1)');
    fireEvent.click(within(rows()[0]).getByTestId('expand-point'));
    expect(
      rows()
        .map((r) => r.getAttribute('data-kind'))
        .slice(0, 3),
    ).toEqual(['point', 'seed', 'seed']);
    expect(column('run').slice(1, 3)).toEqual(['seed 1', 'seed 2']);
  });

  it('writes mean ± sd short enough for its column, and epochs per seed', async () => {
    // Losses near 0.0128 with a spread of about 4e-4, over 2 seeds × 200 epochs (one seed stopped at 150).
    const results = fullGridCells(
      [L2_AXIS, LR_AXIS],
      (v, r) => 0.012777 + (lossOf(v) - 1) * 0.001 + (r === 0 ? -0.000302 : 0.000302),
      2,
    ).map((c) => ({ ...c, epochs: c.index === 3 ? 150 : 200, epochsPlanned: 200 }));
    renderWithClient(
      <GridView gridId="grid-1" />,
      workbench(() => gridDetail([L2_AXIS, LR_AXIS], results, { repeats: 2 })),
    );
    await screen.findByTestId('grid-results');
    const best = rows()[0].querySelector('td[data-column="best:valLoss"]')!;
    expect(best.textContent).toBe('0.01278 ± 0.00043');
    // The spread is its own piece, which wraps under the mean where the column is narrow.
    expect(best.querySelector('.stat-spread')?.textContent).toBe('± 0.00043');
    expect(best.querySelector('.stat-text')?.getAttribute('title')).toBe('0.01278 ± 0.00043');
    expect(column('epochs')[0]).toBe('150–200/200 per seed');
    expect(column('epochs').slice(1)).toEqual(Array(8).fill('200/200 per seed'));
    fireEvent.click(within(rows()[0]).getByTestId('expand-point'));
    // Seeds sorted by loss: seed 1 (200 epochs), then seed 2 (stopped at 150).
    expect(column('epochs').slice(1, 3)).toEqual(['200/200', '150/200']);
  });

  it('draws the heatmap with real values as ticks and names the importance method with its numbers', async () => {
    const results = fullGridCells([L2_AXIS, LR_AXIS], lossOf);
    renderWithClient(
      <GridView gridId="grid-1" />,
      workbench(() => gridDetail([L2_AXIS, LR_AXIS], results)),
    );
    await screen.findByTestId('heatmap');
    const heatmap = await waitFor(() => plotly.chart(/^Heatmap/));
    const layout = heatmap.layout as {
      xaxis: { ticktext: string[]; title: { text: string } };
      yaxis: { ticktext: string[] };
    };
    expect(layout.xaxis.ticktext).toEqual(['1e-4', '1e-3', '0.01']);
    expect(layout.xaxis.title.text).toBe('lr (training.learningRate)');
    expect(layout.yaxis.ticktext).toEqual(['0.01', '0.1', '0.5']);
    const trace = heatmap.data[0] as { z: number[][]; colorbar: { title: { text: string } } };
    expect(trace.z).toEqual([
      [2, 1, 3],
      [2, 5, 5],
      [5, 6, 7],
    ]);
    expect(trace.colorbar.title.text).toMatch(/val loss @best.*lower is better/);

    const method = screen.getByTestId('importance-method').textContent ?? '';
    expect(method).toMatch(/main-effect variance decomposition \(functional ANOVA\)/);
    expect(method).toMatch(/3 × 3 grid/);
    const share = (path: string) =>
      Number(
        document
          .querySelector(`[data-testid="importance-axis"][data-path="${path}"]`)
          ?.getAttribute('data-fraction'),
      );
    expect(share('regularization.l2')).toBeCloseTo(12 / 17, 9);
    expect(share('training.learningRate')).toBeCloseTo(3 / 17, 9);
    expect(screen.getByTestId('importance').textContent).toContain('70.6 %');
    expect(screen.getByTestId('importance-seeds').textContent).toMatch(/One seed per point/);
  });

  it('marks a failed cell on the heatmap and says why importance cannot be computed', async () => {
    const results = fullGridCells([L2_AXIS, LR_AXIS], lossOf);
    results[4] = { ...results[4], status: 'failed', atBest: null, error: 'out of memory' };
    renderWithClient(
      <GridView gridId="grid-1" />,
      workbench(() => gridDetail([L2_AXIS, LR_AXIS], results)),
    );
    await screen.findByTestId('heatmap');
    const heatmap = await waitFor(() => plotly.chart(/^Heatmap/));
    const annotations = (heatmap.layout as { annotations: { x: number; y: number; text: string }[] })
      .annotations;
    expect(annotations).toEqual([expect.objectContaining({ x: 1, y: 1, text: '<b>failed</b>' })]);
    expect(heatmap.data).toHaveLength(2);
    expect(screen.getByTestId('heatmap-table').querySelector('[data-mark="failed"]')?.textContent).toBe(
      'failed',
    );
    const unavailable = screen.getByTestId('importance-unavailable').textContent ?? '';
    expect(unavailable).toMatch(/Cannot be computed: 1 of 9 points have no result \(1 failed\)/);
    expect(unavailable).toMatch(/λ=0\.1, lr=1e-3: failed/);
  });

  it('draws parallel coordinates with log and categorical axes; brushing filters the table', async () => {
    const client = workbench(() => completedGrid());
    renderWithClient(<GridView gridId="grid-1" />, client);
    await screen.findByTestId('parcoords');
    const chart = await waitFor(() => plotly.chart(/^Parallel coordinates/));
    const trace = chart.data[0] as {
      type: string;
      dimensions: { label: string; values: number[]; tickvals?: number[]; ticktext?: string[] }[];
      line: { color: number[]; colorbar: { title: { text: string } } };
    };
    expect(trace.type).toBe('parcoords');
    const lr = trace.dimensions[1];
    expect(lr.label).toBe('lr (log)');
    expect(lr.ticktext).toEqual(['1e-4', '1e-3', '0.01']);
    expect(lr.tickvals).toEqual([-4, -3, -2].map((v) => expect.closeTo(v, 9)));
    expect(trace.line.colorbar.title.text).toMatch(/val loss @best/);

    // Brush lr from 1e-3.5 to 1e-1.5: the six cells with lr 0.001 or 0.01 stay.
    act(() =>
      chart.handlers.get('plotly_restyle')?.([{ 'dimensions[1].constraintrange': [[-3.5, -1.5]] }, [0]]),
    );
    await waitFor(() => expect(rows()).toHaveLength(6));
    expect(new Set(column('axis:training.learningRate'))).toEqual(new Set(['1e-3', '0.01']));
    expect(screen.getByTestId('brush-note').textContent).toMatch(
      /Showing 6 of 9 runs: lr from 3\.16e-4 to 0\.0316/,
    );
    expect(screen.getByTestId('results-count').textContent).toMatch(/6 of 9 cells inside the brush/);
    // The brush goes back to Plotly on the next draw, so live updates keep it.
    await waitFor(() =>
      expect(
        (plotly.chart(/^Parallel coordinates/).data[0] as { dimensions: { constraintrange?: unknown }[] })
          .dimensions[1].constraintrange,
      ).toEqual([-3.5, -1.5]),
    );
    expect(screen.getByTestId('compare-cells').getAttribute('href')).toBe(
      `#/compare?ids=${['run-1', 'run-2', 'run-4', 'run-5', 'run-7', 'run-8'].join(',')}`,
    );
    fireEvent.click(screen.getByTestId('clear-brush'));
    expect(rows()).toHaveLength(9);
  });

  it('exports every cell as CSV even while a brush filters the table, and the figures as SVG', async () => {
    const client = workbench(() => completedGrid());
    renderWithClient(<GridView gridId="grid-1" />, client);
    await screen.findByTestId('parcoords');
    const chart = await waitFor(() => plotly.chart(/^Parallel coordinates/));
    act(() => chart.handlers.get('plotly_restyle')?.([{ 'dimensions[0].constraintrange': [0.2, 0.6] }, [0]]));
    await waitFor(() => expect(rows()).toHaveLength(3));

    fireEvent.click(screen.getByTestId('export-grid-csv'));
    await waitFor(() => expect(client.saved).toHaveLength(1));
    expect(client.saved[0]).toMatchObject({ fileName: 'e5-small-results.csv', mimeType: 'text/csv' });
    const lines = String(client.saved[0].data).trim().split('\r\n');
    expect(lines).toHaveLength(10);
    expect(lines[0]).toContain('regularization.l2,training.learningRate');

    fireEvent.click(screen.getByTestId('export-heatmap-svg'));
    await waitFor(() => expect(client.saved).toHaveLength(2));
    const heatmapSvg = String(client.saved[1].data);
    expect(client.saved[1].fileName).toBe('e5-small-heatmap.svg');
    expect(heatmapSvg).toContain('lr (training.learningRate)');
    expect(heatmapSvg).toContain('>1e-4<');

    fireEvent.click(screen.getByTestId('export-parcoords-svg'));
    await waitFor(() => expect(client.saved).toHaveLength(3));
    const parcoordsSvg = String(client.saved[2].data);
    expect(parcoordsSvg).toContain('class="brush"');
    expect((parcoordsSvg.match(/<path d="M[^"]*" stroke="#[0-9a-f]{6}"><title>/g) ?? []).length).toBe(3);
  });

  it('refetches when the grid or one of its runs changes, not for other runs', async () => {
    let detail = completedGrid({ status: 'running' });
    const client = workbench(() => detail);
    renderWithClient(<GridView gridId="grid-1" />, client);
    await screen.findByTestId('grid-results');
    expect(client.callsOf('grids.get')).toEqual([{ gridId: 'grid-1' }]);
    act(() => client.emit({ type: 'run.epoch', runId: 'someone-else', metrics: epoch(1) }));
    act(() => client.emit({ type: 'grid.changed', gridId: 'another-grid' }));
    await new Promise((r) => setTimeout(r, 600));
    expect(client.callsOf('grids.get')).toHaveLength(1);

    const results: GridCellResult[] = detail.results.map((r, i) =>
      i === 0 ? { ...r, status: 'failed', atBest: null } : r,
    );
    detail = { ...detail, results, counts: { ...detail.counts, completed: 8, failed: 1 } };
    act(() => client.emit({ type: 'run.epoch', runId: 'run-3', metrics: epoch(2) }));
    act(() => client.emit({ type: 'grid.changed', gridId: 'grid-1' }));
    await waitFor(() => expect(screen.getByTestId('count-failed').getAttribute('data-count')).toBe('1'));
    expect(client.callsOf('grids.get')).toHaveLength(2);
  });

  it('asks the server for another monitor when the user picks one', async () => {
    const client = workbench(() => completedGrid());
    renderWithClient(<GridView gridId="grid-1" />, client);
    await screen.findByTestId('grid-results');
    fireEvent.change(screen.getByTestId('grid-monitor'), { target: { value: 'valAcc' } });
    await waitFor(() =>
      expect(client.callsOf('grids.get').at(-1)).toEqual({ gridId: 'grid-1', monitor: 'valAcc' }),
    );
  });

  it('cancels a running grid after asking, and resumes a cancelled one', async () => {
    let detail = completedGrid({ status: 'running', owner: { pid: 1, host: 'h', alive: true } });
    detail.results[8].status = 'running';
    detail.counts = { ...detail.counts, completed: 8, running: 1 };
    const client = workbench(() => detail);
    renderWithClient(<GridView gridId="grid-1" />, client);
    fireEvent.click(await screen.findByTestId('cancel-grid'));
    expect(client.callsOf('grids.cancel')).toHaveLength(0);
    detail = { ...detail, status: 'cancelled', counts: { ...detail.counts, running: 0, cancelled: 1 } };
    fireEvent.click(screen.getByTestId('confirm-cancel-grid'));
    await waitFor(() => expect(client.callsOf('grids.cancel')).toEqual([{ gridId: 'grid-1' }]));
    fireEvent.click(await screen.findByTestId('resume-grid'));
    await waitFor(() => expect(client.callsOf('grids.resume')).toEqual([{ gridId: 'grid-1' }]));
  });
});
