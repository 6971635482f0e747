// @vitest-environment jsdom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError, type RunTableRow } from '../../../common/api/contract';
import { FakeWorkbench } from '../testing/fake-client';
import { APP_INFO, runRow } from '../testing/fixtures';
import { simulateViewport } from '../testing/layout';
import { renderWithClient } from '../testing/render';
import { RunsView } from './RunsView';

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = simulateViewport();
});
afterEach(() => {
  cleanup();
  restoreLayout();
});

function workbench(rows: RunTableRow[]) {
  return new FakeWorkbench({ 'app.info': () => APP_INFO, 'runs.list': () => rows });
}

const ids = () => screen.queryAllByTestId('run-row').map((row) => row.getAttribute('data-run-id'));

describe('RunsView', () => {
  it('renders only a window of rows for 5 000 runs', async () => {
    const rows = Array.from({ length: 5000 }, (_, i) => runRow(i));
    renderWithClient(<RunsView />, workbench(rows));
    await screen.findByTestId('runs-table');
    const rendered = screen.getAllByTestId('run-row');
    expect(rendered.length).toBeGreaterThan(0);
    expect(rendered.length).toBeLessThan(100);
    expect(screen.getByText('5000 runs')).toBeTruthy();
    // Newest first by default.
    expect(rendered[0].getAttribute('data-run-id')).toBe('run-04999');
    expect(rendered[0].getAttribute('data-status')).toBe(rows[4999].status);
  });

  it('sorts by a clicked header, ascending then descending', async () => {
    const rows = [runRow(1, { name: 'bravo' }), runRow(2, { name: 'alpha' }), runRow(3, { name: 'charlie' })];
    renderWithClient(<RunsView />, workbench(rows));
    await screen.findByTestId('runs-table');
    const nameHeader = screen.getByRole('button', { name: /^Name/ });
    fireEvent.click(nameHeader);
    expect(ids()).toEqual(['run-00002', 'run-00001', 'run-00003']);
    expect(nameHeader.closest('th')?.getAttribute('aria-sort')).toBe('ascending');
    fireEvent.click(nameHeader);
    expect(ids()).toEqual(['run-00003', 'run-00001', 'run-00002']);
  });

  it('filters by text (name, tag, dataset, status) and by status', async () => {
    const rows = [
      runRow(1, { name: 'lr sweep a', tags: ['sweep'], status: 'completed', datasetId: 'mnist' }),
      runRow(2, { name: 'baseline', tags: [], status: 'failed', datasetId: 'iris' }),
      runRow(3, { name: 'other', tags: ['sweep'], status: 'failed', datasetId: 'mnist' }),
    ];
    renderWithClient(<RunsView />, workbench(rows));
    await screen.findByTestId('runs-table');
    const filter = screen.getByLabelText('Filter');
    fireEvent.change(filter, { target: { value: 'sweep' } });
    expect(ids().sort()).toEqual(['run-00001', 'run-00003']);
    fireEvent.change(filter, { target: { value: 'iris' } });
    expect(ids()).toEqual(['run-00002']);
    fireEvent.change(filter, { target: { value: '' } });
    fireEvent.change(screen.getByLabelText('Status'), { target: { value: 'failed' } });
    expect(ids().sort()).toEqual(['run-00002', 'run-00003']);
    fireEvent.change(filter, { target: { value: 'nothing like it' } });
    expect(screen.getByText('No runs match the filter.')).toBeTruthy();
  });

  it('links the selected runs to the comparison, with shift-click ranges', async () => {
    const rows = [1, 2, 3, 4].map((i) => runRow(i));
    renderWithClient(<RunsView />, workbench(rows));
    await screen.findByTestId('runs-table');
    const box = (id: string) =>
      within(document.querySelector(`[data-run-id="${id}"]`) as HTMLElement).getByRole('checkbox');
    fireEvent.click(box('run-00004'));
    fireEvent.click(box('run-00002'), { shiftKey: true });
    const link = screen.getByTestId('compare-selected');
    expect(link.textContent).toContain('(3)');
    const href = link.getAttribute('href') ?? '';
    expect(href.startsWith('#/compare?ids=')).toBe(true);
    expect(href.slice('#/compare?ids='.length).split(',').sort()).toEqual([
      'run-00002',
      'run-00003',
      'run-00004',
    ]);
  });

  it('shows the server refusing to delete a running run', async () => {
    const client = new FakeWorkbench({
      'app.info': () => APP_INFO,
      'runs.list': () => [runRow(1, { status: 'running' })],
      'runs.delete': () => {
        throw new ApiError({ code: 'conflict', message: 'run-00001 is running: cancel it first' });
      },
    });
    renderWithClient(<RunsView />, client);
    await screen.findByTestId('runs-table');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select run 00001' }));
    fireEvent.click(screen.getByTestId('delete-selected'));
    fireEvent.click(screen.getByRole('button', { name: 'Delete' }));
    expect((await screen.findByTestId('delete-error')).textContent).toMatch(/cancel it first/);
    expect(client.callsOf('runs.delete')).toEqual([{ runIds: ['run-00001'] }]);
  });

  it('shows the empty state with a way to start a run', async () => {
    renderWithClient(<RunsView />, workbench([]));
    const empty = await screen.findByTestId('empty-state');
    expect(empty.textContent).toMatch(/No runs yet — start one from a preset/);
    expect(within(empty).getByRole('link', { name: 'New run' }).getAttribute('href')).toBe('#/new');
  });

  it('refetches when the server reports changes', async () => {
    let rows = [runRow(1)];
    const client = new FakeWorkbench({ 'app.info': () => APP_INFO, 'runs.list': () => rows });
    renderWithClient(<RunsView />, client);
    await screen.findByTestId('runs-table');
    rows = [runRow(1), runRow(2, { name: 'fresh run' })];
    client.emit({ type: 'runs.changed' });
    expect(await screen.findByText('fresh run')).toBeTruthy();
  });
});
