// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunEpochs } from '../../../common/api/contract';
import type { GridDetail } from '../../../common/grid/types';
import { FakeWorkbench } from '../testing/fake-client';
import { APP_INFO, epoch, fullGridCells, gridDetail, L2_AXIS, LR_AXIS } from '../testing/fixtures';
import { simulateViewport } from '../testing/layout';
import { plotlyStandIn as plotly } from '../testing/plotly-stand-in';
import { renderWithClient } from '../testing/render';
import { exportAnswer } from '../archives/test-fixtures';
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

const EPOCHS = 30;
const L2 = [0.01, 0.1, 0.5];
const LR = [1e-4, 1e-3, 1e-2];
/** Each cell's validation loss is lowest at epoch 5 + 3·(λ level) + (lr level), then rises. */
const bestOf = (l2: number, lr: number) => 5 + 3 * L2.indexOf(l2) + LR.indexOf(lr);

/**
 * A 3 × 3 grid whose last cell failed. Patience p on validation loss stops a cell at best + p and keeps
 * its best epoch: it saves 30 − best − p epochs, and (test accuracy falling 0.001 an epoch after the
 * best) "loses" −0.001 · (30 − best) of test accuracy, i.e. gains it.
 */
function grid(): GridDetail {
  const results = fullGridCells([L2_AXIS, LR_AXIS], () => 1);
  results[8] = { ...results[8], status: 'failed', atBest: null, final: null, error: 'out of memory' };
  return gridDetail([L2_AXIS, LR_AXIS], results);
}

function history(best: number) {
  return Array.from({ length: EPOCHS }, (_, i) =>
    epoch(i + 1, {
      valLoss: 1 + 0.1 * Math.abs(i + 1 - best),
      trainLoss: 1 / (i + 1),
      testAcc: 0.9 - 0.001 * Math.abs(i + 1 - best),
    }),
  );
}

function workbench(detail = grid()) {
  const byRun = new Map(
    detail.results.map((r) => [
      r.runId!,
      history(bestOf(r.values['regularization.l2'] as number, r.values['training.learningRate'] as number)),
    ]),
  );
  return new FakeWorkbench({
    'app.info': () => APP_INFO,
    'grids.get': () => detail,
    'runs.epochs': ({ runIds }): RunEpochs[] => runIds.map((runId) => ({ runId, epochs: byRun.get(runId)! })),
    'archives.export': () =>
      exportAnswer({ counts: { ...exportAnswer().counts, runs: 8, grids: 1, gridCells: 9 } }),
  });
}

const column = (col: string) =>
  screen.getAllByTestId('stopping-row').map((row) => row.querySelector(`[data-col="${col}"]`)?.textContent);

describe('GridView: early stopping across the grid', () => {
  it('replays a rule on every completed cell from one runs.epochColumns call, and plots it against an axis', async () => {
    const client = workbench();
    renderWithClient(<GridView gridId="grid-1" />, client);
    await screen.findByTestId('grid-stopping');
    // Nothing is read until asked for: the section reads every epoch of every cell.
    expect(client.callsOf('runs.epochColumns')).toEqual([]);
    expect(screen.getByTestId('grid-stopping').textContent).toContain('8 completed cells (1 failed');
    fireEvent.click(screen.getByTestId('grid-stopping-toggle'));
    await screen.findByTestId('stopping-chart');
    expect(client.callsOf('runs.epochColumns')).toEqual([
      { runIds: [0, 1, 2, 3, 4, 5, 6, 7].map((i) => `run-${i}`) },
    ]);

    // A row per completed cell, labelled by its axis values; patience 10 on validation loss by default.
    const rows = screen.getAllByTestId('stopping-row');
    expect(rows.map((r) => within(r).getByRole('rowheader').textContent)).toEqual(
      L2.flatMap((l2) =>
        LR.map((lr) => `λ=${l2}, lr=${lr === 1e-4 ? '1e-4' : lr === 1e-3 ? '1e-3' : '0.01'}`),
      ).slice(0, 8),
    );
    const bests = L2.flatMap((l2) => LR.map((lr) => bestOf(l2, lr))).slice(0, 8);
    expect(column('best')).toEqual(bests.map(String));
    expect(column('stop')).toEqual(bests.map((b) => String(b + 10)));
    expect(column('saved')).toEqual(bests.map((b) => String(EPOCHS - b - 10)));
    // Test accuracy falls after the best epoch, so keeping it gained: said as a gain, not "-2.50 pts lost".
    expect(column('acc-change')).toEqual(bests.map((b) => `gained ${(0.1 * (EPOCHS - b)).toFixed(2)} pts`));
    expect(screen.getByRole('columnheader', { name: 'Test acc gained / lost' })).toBeTruthy();

    // The grid's own axes, by its labels; a point per cell, dots only (cells share each λ).
    const chart = screen.getByTestId('stopping-chart');
    expect(chart.getAttribute('data-points')).toBe('8');
    expect(chart.getAttribute('data-axis')).toBe('regularization.l2');
    const axis = screen.getByTestId('stopping-axis') as HTMLSelectElement;
    expect([...axis.options].map((o) => o.textContent)).toEqual(['λ', 'lr']);
    const drawn = await waitFor(() => plotly.chart(/against λ$/));
    const best = drawn.data[0] as { mode: string; x: number[]; y: number[] };
    expect(best.mode).toBe('markers');
    expect(best.x).toHaveLength(8);
    // The learning rate is a log axis of the grid: its chart starts on log₁₀ x.
    fireEvent.change(axis, { target: { value: 'training.learningRate' } });
    expect((screen.getByTestId('stopping-log-x') as HTMLInputElement).checked).toBe(true);
    // One chart div, redrawn: wait for the new traces, not just the new name.
    await waitFor(() =>
      expect([...new Set((plotly.chart(/against lr$/).data[0] as { x: number[] }).x)]).toEqual([-4, -3, -2]),
    );

    // Exported under the grid's name; the SVG draws dots, no line through cells that share an x.
    fireEvent.change(axis, { target: { value: 'regularization.l2' } });
    fireEvent.click(screen.getByTestId('stopping-export-svg'));
    await waitFor(() => expect(client.saved).toHaveLength(1));
    expect(client.saved[0].fileName).toBe('e5-small-stopping-vs-regularization.l2.svg');
    const svg = String(client.saved[0].data);
    expect(svg).toContain('>λ<');
    expect(/<g class="series"[^>]*>([\s\S]*?)<\/g>/.exec(svg)?.[1]).not.toContain('<path');
  });

  it('colours the heatmap by epochs saved and test accuracy lost under the section’s rule', async () => {
    const client = workbench();
    renderWithClient(<GridView gridId="grid-1" />, client);
    const colour = (await screen.findByTestId('heatmap-colour')) as HTMLSelectElement;
    expect([...colour.options].map((o) => o.value)).toEqual(['analysed', 'epochsSaved', 'testAccLost']);
    fireEvent.change(colour, { target: { value: 'epochsSaved' } });
    // Rows λ (0.01, 0.1, 0.5), columns lr; the failed cell has no value.
    const expected = (patience: number) =>
      L2.map((l2, j) => LR.map((lr, i) => (j === 2 && i === 2 ? null : EPOCHS - bestOf(l2, lr) - patience)));
    await waitFor(() =>
      expect((plotly.chart(/^Heatmap of epochs saved/).data[0] as { z: unknown }).z).toEqual(expected(10)),
    );
    expect(client.callsOf('runs.epochColumns')).toHaveLength(1);
    expect(screen.getByTestId('heatmap-note').textContent).toMatch(/^Under patience:10 on valLoss/);
    const heat = plotly.chart(/^Heatmap of epochs saved/).data[0] as {
      colorbar: { title: { text: string } };
    };
    expect(heat.colorbar.title.text).toBe('epochs saved (patience:10)<br>(higher is better)');

    // The rule is the Early stopping section's: patience 5 saves five more epochs in every cell.
    fireEvent.click(screen.getByTestId('grid-stopping-toggle'));
    fireEvent.change(await screen.findByTestId('across-rule-value'), { target: { value: '5' } });
    await waitFor(() =>
      expect((plotly.chart(/^Heatmap of epochs saved/).data[0] as { z: unknown }).z).toEqual(expected(5)),
    );
    // Still the epochs of the first call: the section and the heatmap share them.
    expect(client.callsOf('runs.epochColumns')).toHaveLength(1);

    fireEvent.change(colour, { target: { value: 'testAccLost' } });
    const lostZ = () =>
      (plotly.chart(/^Heatmap of test accuracy lost/).data[0] as { z: (number | null)[][] }).z;
    await waitFor(() => expect(lostZ()[0][0]).toBeCloseTo(-0.001 * (EPOCHS - bestOf(0.01, 1e-4)), 9));
    expect(lostZ()[2][2]).toBeNull();
    expect(screen.getByTestId('heatmap-caption').textContent).toMatch(
      /test accuracy lost by stopping under patience:5/,
    );
    fireEvent.click(screen.getByText('The heatmap as a table'));
    expect(screen.getByTestId('heatmap-table').querySelector('tbody td')?.textContent).toMatch(
      /^-?\d+\.\d\d pts$/,
    );
  });

  it('says it is loading until the epochs arrive, rather than showing cells without them', async () => {
    let deliver: (answer: RunEpochs[]) => void = () => {};
    const client = new FakeWorkbench({
      'app.info': () => APP_INFO,
      'grids.get': () => grid(),
      'runs.epochs': () => new Promise<RunEpochs[]>((resolve) => (deliver = resolve)),
    });
    renderWithClient(<GridView gridId="grid-1" />, client);
    fireEvent.click(await screen.findByTestId('grid-stopping-toggle'));
    await screen.findByText('Loading the epochs of 8 runs…');
    expect(screen.queryByTestId('stopping-row')).toBeNull();
    deliver(
      (client.callsOf('runs.epochColumns')[0] as { runIds: string[] }).runIds.map((runId) => ({
        runId,
        epochs: history(10),
      })),
    );
    await waitFor(() => expect(screen.getAllByTestId('stopping-row')).toHaveLength(8));
    expect(column('best')).toEqual(Array(8).fill('10'));
  });

  it('exports the grid as an archive from its header', async () => {
    const client = workbench();
    renderWithClient(<GridView gridId="grid-1" />, client);
    fireEvent.click(await screen.findByTestId('export-grid-archive'));
    expect(screen.getByTestId('archive-export-what').textContent).toMatch(/^Grid “E5 small”: 9 cells\./);
    fireEvent.click(screen.getByTestId('archive-export-run'));
    await screen.findByTestId('archive-export-result');
    expect(client.callsOf('archives.export')).toEqual([
      { selection: { gridId: 'grid-1' }, withDatasets: false },
    ]);
    expect(client.savedTransfers).toHaveLength(1);
  });
});
