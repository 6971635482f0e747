// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { GridSummary } from '../../../common/grid/types';
import { RunsView } from '../runs/RunsView';
import { matchesRunFilter } from '../runs/runs-filter';
import { FakeWorkbench } from '../testing/fake-client';
import { APP_INFO, runRow } from '../testing/fixtures';
import { simulateViewport } from '../testing/layout';
import { renderWithClient } from '../testing/render';
import { GridsView } from './GridsView';

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = simulateViewport();
});
afterEach(() => {
  cleanup();
  restoreLayout();
});

function summary(overrides: Partial<GridSummary>): GridSummary {
  return {
    id: 'grid-a',
    name: 'E5 small',
    runner: { kind: 'local' },
    status: 'running',
    cells: 6,
    counts: {
      pending: 2,
      queued: 0,
      running: 2,
      completed: 1,
      failed: 1,
      cancelled: 0,
      diverged: 0,
      interrupted: 0,
      paused: 0,
      pruned: 0,
    },
    axes: [
      { path: 'training.learningRate', label: 'lr', values: [0.01, 0.05, 0.1], scale: 'linear' },
      { path: 'model.hiddenUnits', label: 'hidden', values: [[4], [16]], scale: 'categorical' },
    ],
    repeats: 1,
    createdAt: '2025-01-02T10:00:00.000Z',
    finishedAt: null,
    owner: { pid: 1, host: 'h', alive: true },
    etaSeconds: 95,
    ...overrides,
  };
}

const GRIDS = [
  summary({}),
  summary({
    id: 'grid-b',
    name: 'Iris optimizers',
    status: 'completed',
    etaSeconds: null,
    createdAt: '2025-01-03T10:00:00.000Z',
  }),
];

function workbench() {
  return new FakeWorkbench({
    'app.info': () => APP_INFO,
    'grids.list': () => GRIDS,
    'runs.list': () => [
      runRow(1, { name: 'E5 small · lr=0.01 · hidden=4', gridId: 'grid-a', gridCell: 0 }),
      runRow(2, { name: 'Iris · optimizer=gd', gridId: 'grid-b', gridCell: 0 }),
      runRow(3, { name: 'lone run' }),
    ],
  });
}

const ids = () => screen.queryAllByTestId('run-row').map((row) => row.getAttribute('data-run-id'));

describe('grids in the Runs view', () => {
  it('names the grid of each run, linking to it', async () => {
    renderWithClient(<RunsView />, workbench());
    await screen.findByTestId('runs-table');
    const link = await waitFor(() => {
      const row = document.querySelector('[data-run-id="run-00001"]') as HTMLElement;
      const found = within(row).getByTestId('run-grid-link');
      if (found.textContent !== 'E5 small') throw new Error('grid names not loaded yet');
      return found;
    });
    expect(link.getAttribute('href')).toBe('#/grids/grid-a');
    const lone = document.querySelector('[data-run-id="run-00003"]') as HTMLElement;
    expect(within(lone).queryByTestId('run-grid-link')).toBeNull();
  });

  it('filters by grid name, as a word or as grid:<name>', async () => {
    renderWithClient(<RunsView />, workbench());
    await screen.findByTestId('runs-table');
    await waitFor(() => expect(screen.getAllByTestId('run-grid-link')[0].textContent).not.toMatch(/^grid-/));
    const filter = screen.getByLabelText('Filter');
    fireEvent.change(filter, { target: { value: 'grid:iris' } });
    expect(ids()).toEqual(['run-00002']);
    fireEvent.change(filter, { target: { value: 'grid:"e5 small"' } });
    expect(ids()).toEqual(['run-00001']);
    fireEvent.change(filter, { target: { value: 'optimizers' } });
    expect(ids()).toEqual(['run-00002']);
    fireEvent.change(filter, { target: { value: 'grid:' } });
    expect(ids().sort()).toEqual(['run-00001', 'run-00002']);
  });

  it('matches grid:<name> against the grid only, not the run’s own name', () => {
    const run = runRow(1, { name: 'iris run', gridId: null });
    expect(matchesRunFilter(run, 'grid:iris', null)).toBe(false);
    expect(matchesRunFilter(run, 'iris')).toBe(true);
    const cell = runRow(2, { name: 'cell', gridId: 'abc123' });
    expect(matchesRunFilter(cell, 'grid:abc', 'Other name')).toBe(true);
    expect(matchesRunFilter(cell, 'grid:zzz', 'Other name')).toBe(false);
    expect(matchesRunFilter(cell, 'grid:"other name"', 'Other name')).toBe(true);
  });
});

describe('GridsView', () => {
  it('lists every grid, newest first, with status, shape and live progress', async () => {
    renderWithClient(<GridsView />, workbench());
    const table = await screen.findByTestId('grids-table');
    const rows = within(table).getAllByTestId('grid-row');
    expect(rows.map((r) => r.getAttribute('data-grid-id'))).toEqual(['grid-b', 'grid-a']);
    const running = rows[1];
    expect(within(running).getByRole('link').getAttribute('href')).toBe('#/grids/grid-a');
    expect(running.textContent).toContain('lr × hidden');
    expect(running.textContent).toContain('(3 × 2)');
    expect(within(running).getByTestId('count-running').getAttribute('data-count')).toBe('2');
    expect(within(running).getByTestId('count-queued').getAttribute('data-count')).toBe('2');
    expect(within(running).getByTestId('grid-eta').textContent).toBe('ETA 1 min 35 s');
    expect(within(rows[0]).queryByTestId('grid-eta')).toBeNull();
    expect(screen.getByTestId('new-grid').getAttribute('href')).toBe('#/grids/new');
  });

  it('explains grids when there are none', async () => {
    const client = new FakeWorkbench({ 'app.info': () => APP_INFO, 'grids.list': () => [] });
    renderWithClient(<GridsView />, client);
    expect((await screen.findByTestId('grids-empty')).textContent).toMatch(/every combination/);
  });
});
