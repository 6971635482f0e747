// @vitest-environment jsdom
import { cleanup, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { GridDetail } from '../../../common/grid/types';
import { ClientProvider } from '../client/client-context';
import { FakeWorkbench } from '../testing/fake-client';
import { APP_INFO } from '../testing/fixtures';
import { simulateViewport } from '../testing/layout';
import { plotlyStandIn as plotly } from '../testing/plotly-stand-in';
import { prunedGrid } from '../testing/pruned-grid';
import { renderWithClient } from '../testing/render';
import { GridPruning } from './GridPruning';

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

const client = () => new FakeWorkbench({ 'app.info': () => APP_INFO });

interface Bar {
  name: string;
  y: string[];
  x: number[];
}

const rungItems = () => within(screen.getByTestId('pruning-rung-list')).queryAllByRole('listitem');

describe('the Pruning section of a grid pruned as it trains', () => {
  it('shows the epochs and time against the full grid, the bars to each cell’s epoch and every decided rung', async () => {
    const workbench = client();
    renderWithClient(<GridPruning grid={prunedGrid('live')} />, workbench);
    const live = screen.getByTestId('pruning-live');
    expect(within(live).getByRole('heading', { level: 3 }).textContent).toBe(
      'Successive halving, r = 1, η = 3, ranked by validation loss',
    );
    expect(screen.getByTestId('pruning-live-saved').textContent).toMatch(/^13 of 81 epochs trained so far/);
    expect(screen.getByTestId('pruning-live-time').textContent).toBe(
      '2 min 10 s of training so far, against about 13 min 30 s for the full grid at the same seconds per epoch',
    );
    const items = rungItems();
    expect(items).toHaveLength(1);
    expect(items[0].getAttribute('data-epoch')).toBe('1');
    expect(items[0].getAttribute('data-kept')).toBe('0,1,3');
    expect(items[0].getAttribute('data-pruned')).toBe('2,4,5,6,7,8');
    expect(items[0].textContent).toMatch(/^epoch 1 — kept 3: cell 0 \(λ=0\.01, lr=1e-4\), /);
    expect(screen.getByTestId('pruning-bracket-progress').textContent).toMatch(
      /next: epoch 3, 1 of the 3 cells still in has reached it$/,
    );

    // Survivors apart from pruned cells, cells 1 and 3 on their way to the rung at 3, the rungs as lines.
    const chart = await waitFor(() => plotly.chart(/each cell as a bar to the epoch it has reached/));
    const bars = chart.data as Bar[];
    const byName = (name: string) => bars.find((b) => b.name === name)!;
    expect(byName('still in')).toMatchObject({ y: ['cell 0', 'cell 1', 'cell 3'], x: [3, 2, 2] });
    expect(byName('pruned at a rung').y).toEqual([
      'cell 2',
      'cell 4',
      'cell 5',
      'cell 6',
      'cell 7',
      'cell 8',
    ]);
    expect(byName('training to its next rung (or the end)')).toMatchObject({
      y: ['cell 1', 'cell 3'],
      x: [3, 3],
    });
    const shapes = chart.layout.shapes as { x0: number; line: { dash: string } }[];
    expect(shapes.map((s) => [s.x0, s.line.dash])).toEqual([
      [1, 'dot'],
      [3, 'dot'],
    ]);

    // No replay on a pruned grid, and nothing asked of the server: it is all in the grid.
    expect(screen.queryByTestId('pruning-replay')).toBeNull();
    expect(screen.getByTestId('pruning-unavailable').textContent).toMatch(/needs a full grid/);
    expect(workbench.callsOf('grids.pruneReplay')).toEqual([]);
  });

  it('follows the grid as it is refetched: the next rung, the final saving', () => {
    const workbench = client();
    const view = renderWithClient(<GridPruning grid={prunedGrid('live')} />, workbench);
    expect(rungItems()).toHaveLength(1);
    const rerender = (grid: GridDetail) =>
      view.rerender(
        <ClientProvider client={workbench}>
          <GridPruning grid={grid} />
        </ClientProvider>,
      );
    rerender(prunedGrid('finished'));
    expect(rungItems().map((li) => li.getAttribute('data-epoch'))).toEqual(['1', '3']);
    expect(rungItems()[1].textContent).toMatch(
      /^epoch 3 — kept 1: cell 1 \(λ=0\.01, lr=1e-3\); pruned 2: cell 0 \(λ=0\.01, lr=1e-4\), cell 3 \(λ=0\.1, lr=1e-4\); ended before it: none \(decided /,
    );
    expect(screen.getByTestId('pruning-live-saved').textContent).toBe(
      '21 of 81 epochs trained (a full grid: 9 cells × 9 epochs): saves 74.07%',
    );
  });

  it('draws each Hyperband bracket on its own, and names the bracket of each rung', async () => {
    const base = prunedGrid('live');
    const grid: GridDetail = {
      ...base,
      pruning: {
        ...base.pruning!,
        spec: { ...base.pruning!.spec, kind: 'hyperband' },
        brackets: [
          { index: 2, rungs: [1, 3], cells: [0, 1, 2, 3, 4, 5, 6, 7] },
          { index: 0, rungs: [], cells: [8] },
        ],
        rungs: base.pruning!.rungs.map((r) => ({ ...r, bracket: 2 })),
      },
    };
    renderWithClient(<GridPruning grid={grid} />, client());
    const brackets = screen.getAllByTestId('pruning-bracket');
    expect(brackets.map((b) => within(b).getByRole('heading').textContent)).toEqual([
      'Bracket s = 2',
      'Bracket s = 0',
    ]);
    expect(within(brackets[1]).getByTestId('pruning-bracket-progress').textContent).toBe(
      '1 cell, no rung: every one trains to the full 9 epochs',
    );
    expect(rungItems()[0].textContent).toMatch(/^bracket s = 2, epoch 1 — /);
    const second = await waitFor(() => plotly.chart(/^Bracket s = 0:/));
    expect(second.layout.shapes).toEqual([]);
  });
});
