// @vitest-environment jsdom
import { cleanup, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunEpochs } from '../../../common/api/contract';
import type { GridDetail } from '../../../common/grid/types';
import { FakeWorkbench } from '../testing/fake-client';
import { APP_INFO } from '../testing/fixtures';
import { simulateViewport } from '../testing/layout';
import { plotlyStandIn as plotly } from '../testing/plotly-stand-in';
import { prunedEpochs, prunedGrid } from '../testing/pruned-grid';
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

function workbench(detail: GridDetail) {
  const epochs = prunedEpochs(detail);
  return new FakeWorkbench({
    'app.info': () => APP_INFO,
    'grids.get': () => detail,
    'runs.epochs': ({ runIds }): RunEpochs[] =>
      runIds.map((runId) => ({ runId, epochs: epochs.get(runId)! })),
  });
}

/** Text of a column, by cell index. */
function column(id: string): Record<number, string> {
  const out: Record<number, string> = {};
  for (const row of screen.getAllByTestId('grid-result-row'))
    out[Number(row.getAttribute('data-cell'))] =
      row.querySelector(`td[data-column="${id}"]`)?.textContent ?? '';
  return out;
}

describe('GridView of a grid pruned as it trains', () => {
  it('says where a rung left each cell: pruned at it, paused at it, training to it', async () => {
    renderWithClient(<GridView gridId="grid-1" />, workbench(prunedGrid('live')));
    await screen.findByTestId('grid-results');
    const status = column('status');
    expect(status[2]).toBe('pruned at epoch 1');
    expect(status[0]).toBe('paused at epoch 3, waiting for the rung');
    expect(status[1]).toBe('running');
    const reached = column('reached');
    expect([reached[0], reached[1], reached[2]]).toEqual([
      '3/3 at the rung',
      '2/3 to the rung',
      '1/1 pruned',
    ]);
    // Successive halving has one bracket: no column for it.
    expect(screen.queryByRole('columnheader', { name: 'Bracket' })).toBeNull();
    const row = (cell: string) =>
      screen.getAllByTestId('grid-result-row').find((r) => r.getAttribute('data-cell') === cell)!;
    const badge = (cell: string) => row(cell).querySelector('td[data-column="status"] .badge')!;
    expect([badge('2').className, badge('2').textContent]).toEqual(['badge badge-pruned', 'pruned']);
    expect(badge('0').className).toBe('badge badge-paused');
    expect(screen.getByTestId('count-pruned').getAttribute('data-count')).toBe('6');
    expect(screen.getByTestId('count-paused').textContent).toBe('1 paused at a rung');
  });

  it('marks pruned cells on the heatmap with their rung, leaving them uncoloured', async () => {
    renderWithClient(<GridView gridId="grid-1" />, workbench(prunedGrid('finished')));
    const table = await screen.findByTestId('heatmap-table');
    const pruned = [...table.querySelectorAll('td[data-mark="pruned"]')];
    expect(pruned.map((td) => td.textContent).sort()).toEqual([
      'pruned @1',
      'pruned @1',
      'pruned @1',
      'pruned @1',
      'pruned @1',
      'pruned @1',
      'pruned @3',
      'pruned @3',
    ]);
    expect(pruned.find((td) => td.textContent === 'pruned @3')!.getAttribute('title')).toBe(
      '0 of 1 run (1 pruned at the rung at epoch 3: its best is over its first 3 epochs only, so not counted)',
    );
    // Only the survivor is coloured (and so outlined as the best).
    expect(table.querySelectorAll('td[data-mark="value"]')).toHaveLength(1);
    expect(screen.getByTestId('heatmap-caption').textContent).toMatch(/pruned @r, dotted: ended by the rung/);
  });

  it('decomposes the monitored value at the first rung, which every cell reached, and says why', async () => {
    const client = workbench(prunedGrid('live'));
    renderWithClient(<GridView gridId="grid-1" />, client);
    expect((await screen.findByTestId('importance-pruned-note')).textContent).toBe(
      'This grid was pruned: its cells trained for different numbers of epochs, so the importance of the validation loss at the best epoch would compare values over unequal training and mean nothing.',
    );
    expect(screen.getByTestId('importance-rung').textContent).toBe(
      'Instead: the validation loss at epoch 1, the first rung, which every cell reaches before any is pruned.',
    );
    const axes = await screen.findAllByTestId('importance-axis');
    const fraction = (path: string) =>
      Number(axes.find((a) => a.getAttribute('data-path') === path)!.getAttribute('data-fraction'));
    expect(fraction('regularization.l2')).toBeCloseTo(12 / 17, 9);
    expect(fraction('training.learningRate')).toBeCloseTo(3 / 17, 9);
    // One call for the epochs of the 9 cells, all past epoch 1.
    await waitFor(() => expect(client.callsOf('runs.epochColumns')).toHaveLength(1));
    expect((client.callsOf('runs.epochColumns')[0] as { runIds: string[] }).runIds).toHaveLength(9);
  });

  it('adds a bracket column on a Hyperband grid', async () => {
    const base = prunedGrid('live');
    const detail: GridDetail = {
      ...base,
      results: base.results.map((r) => ({
        ...r,
        pruning: { ...r.pruning!, bracket: r.index === 8 ? 0 : 2 },
      })),
      pruning: {
        ...base.pruning!,
        spec: { ...base.pruning!.spec, kind: 'hyperband' },
        brackets: [
          { index: 2, rungs: [1, 3], cells: [0, 1, 2, 3, 4, 5, 6, 7] },
          { index: 0, rungs: [], cells: [8] },
        ],
      },
    };
    renderWithClient(<GridView gridId="grid-1" />, workbench(detail));
    await screen.findByTestId('grid-results');
    const bracket = column('bracket');
    expect([bracket[0], bracket[8]]).toEqual(['2', '0']);
    expect((await screen.findByTestId('importance-rung')).textContent).toMatch(
      /^Instead: the validation loss at epoch 1, the first rung of Hyperband bracket s = 2 and the earliest of the grid/,
    );
  });

  it('says why nothing can be computed where no bracket has a rung', async () => {
    const base = prunedGrid('finished');
    const detail: GridDetail = {
      ...base,
      pruning: {
        ...base.pruning!,
        brackets: [{ index: 0, rungs: [], cells: base.pruning!.brackets[0].cells }],
      },
    };
    renderWithClient(<GridView gridId="grid-1" />, workbench(detail));
    expect((await screen.findByTestId('importance-unavailable')).textContent).toMatch(
      /^Cannot be computed: no bracket of this grid has a rung/,
    );
    expect(screen.queryByTestId('importance-axis')).toBeNull();
  });
});
