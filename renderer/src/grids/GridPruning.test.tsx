// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { replayPruning, type PruningSpec } from '../../../common/grid/pruning';
import { fullGridCells, gridDetail, L2_AXIS, LR_AXIS } from '../../../common/grid/test-fixtures';
import type { EpochMetrics } from '../../../common/types';
import { FakeWorkbench } from '../testing/fake-client';
import { APP_INFO, epoch } from '../testing/fixtures';
import { renderWithClient } from '../testing/render';
import { GridPruning } from './GridPruning';

afterEach(cleanup);

// 9 cells × 9 epochs; each cell's validation loss falls at a rate of its own; cell 8 starts worst and ends best.
const cells = fullGridCells([L2_AXIS, LR_AXIS], () => 0.5).map((c) => ({
  ...c,
  epochs: 9,
  epochsPlanned: 9,
}));
const grid = gridDetail([L2_AXIS, LR_AXIS], cells);
const valLoss = (index: number, e: number) =>
  index === 8 ? 1 / (1 + e * 0.9) + 0.3 / e : 1 / (1 + e * (0.1 + 0.05 * index));
const curves = new Map<number, EpochMetrics[]>(
  cells.map((c) => [
    c.index,
    Array.from({ length: 9 }, (_, e) => epoch(e + 1, { valLoss: valLoss(c.index, e + 1) })),
  ]),
);

function workbench() {
  return new FakeWorkbench({
    'app.info': () => APP_INFO,
    // What the server answers: the same pure replay on the grid's epochs.
    'grids.pruneReplay': ({ gridId, pruning }) => ({
      gridId,
      ...replayPruning(
        pruning as PruningSpec,
        cells.map((c) => ({ index: c.index, epochs: curves.get(c.index)! })),
        9,
      ),
    }),
  });
}

describe('the grid view’s Pruning section', () => {
  it('replays a setting: epochs saved, both winners, each rung’s decision', async () => {
    const client = workbench();
    renderWithClient(<GridPruning grid={grid} />, client);
    fireEvent.change(screen.getByTestId('pruning-min-epochs'), { target: { value: '1' } });
    fireEvent.click(screen.getByTestId('pruning-replay'));
    const result = await screen.findByTestId('pruning-result');
    expect(client.callsOf('grids.pruneReplay')).toEqual([
      {
        gridId: 'grid-1',
        pruning: { kind: 'successive-halving', monitor: 'valLoss', minEpochs: 1, reductionFactor: 3 },
      },
    ]);
    expect(within(result).getByTestId('pruning-saved').textContent).toBe(
      `${9 + 3 * 2 + 6 * 1} trained of the full grid's 81: saves ${((1 - 21 / 81) * 100).toFixed(2)}%`,
    );
    const rungs = screen
      .getAllByTestId('pruning-rung')
      .map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent));
    expect(rungs.map((r) => [r[1], r[2]])).toEqual([
      ['1', '5, 6, 7'],
      ['3', '7'],
    ]);
    // Successive halving from epoch 1 threw the eventual best cell away, and says so.
    expect(screen.getByTestId('pruning-winner').textContent).toMatch(
      /^cell 7 \(λ=0\.5, lr=1e-3\); the full grid’s: cell 8 \(λ=0\.5, lr=0\.01\)$/,
    );
  });

  it('compares common settings on one chart of epochs saved against accuracy lost', async () => {
    renderWithClient(<GridPruning grid={grid} />, workbench());
    fireEvent.click(screen.getByTestId('pruning-common'));
    await waitFor(() => expect(screen.getAllByTestId('pruning-setting').length).toBeGreaterThan(3));
    const settings = screen.getAllByTestId('pruning-setting').map((r) => r.querySelector('td')!.textContent);
    expect(settings).toContain('successive halving, r = 2, η = 3');
    expect(settings).toContain('Hyperband, r = 1, η = 2');
  });

  it('says why a replay is not offered on an unfinished grid, and shows the server’s refusal', async () => {
    renderWithClient(
      <GridPruning
        grid={gridDetail(
          [L2_AXIS],
          cells.slice(0, 3).map((c, i) => ({ ...c, status: i === 0 ? 'running' : 'completed' })),
        )}
      />,
      workbench(),
    );
    expect(screen.getByTestId('pruning-unavailable').textContent).toMatch(
      /needs every epoch of a finished grid/,
    );
    cleanup();
    const client = new FakeWorkbench({
      'app.info': () => APP_INFO,
      'grids.pruneReplay': () => {
        throw new Error("pruning.minEpochs: 9 is not below the grid's full 9 epochs (training.epochs)");
      },
    });
    renderWithClient(<GridPruning grid={grid} />, client);
    fireEvent.click(screen.getByTestId('pruning-replay'));
    expect((await screen.findByTestId('pruning-error')).textContent).toMatch(
      /^pruning\.minEpochs: 9 is not below/,
    );
  });

  it('keeps the setting the form names shown among common settings, and hides an earlier result after a refusal', async () => {
    const client = workbench();
    renderWithClient(<GridPruning grid={grid} />, client);
    fireEvent.change(screen.getByTestId('pruning-kind'), { target: { value: 'hyperband' } });
    fireEvent.change(screen.getByTestId('pruning-min-epochs'), { target: { value: '1' } });
    fireEvent.click(screen.getByTestId('pruning-common'));
    await waitFor(() => expect(screen.getAllByTestId('pruning-setting').length).toBeGreaterThan(3));
    expect(within(screen.getByTestId('pruning-result')).getByRole('heading').textContent).toBe(
      'Hyperband, r = 1, η = 3',
    );
    // r beyond R: refused, and the earlier result no longer stands under the error as if it answered it.
    fireEvent.change(screen.getByTestId('pruning-min-epochs'), { target: { value: '20' } });
    fireEvent.click(screen.getByTestId('pruning-replay'));
    expect((await screen.findByTestId('pruning-error')).textContent).toMatch(
      /^pruning\.minEpochs: 20 is not below/,
    );
    expect(screen.queryByTestId('pruning-result')).toBeNull();
  });
});
