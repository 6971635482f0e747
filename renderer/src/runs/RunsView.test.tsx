// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
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

  it('names a running run instead of promising its deletion, and offers to cancel it', async () => {
    let status: RunTableRow['status'] = 'running';
    const client = new FakeWorkbench({
      'app.info': () => APP_INFO,
      'runs.list': () => [
        runRow(1, { status, name: 'ui-run-cancel' }),
        runRow(2, { status: 'completed', name: 'done' }),
      ],
      'runs.cancel': () => {
        status = 'cancelled';
        return { cancelled: true };
      },
      'runs.delete': ({ runIds }) => ({ deleted: runIds }),
    });
    renderWithClient(<RunsView />, client);
    await screen.findByTestId('runs-table');
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select ui-run-cancel' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Select done' }));
    fireEvent.click(screen.getByTestId('delete-selected'));
    const bar = screen.getByTestId('delete-confirm');
    // No "cannot be undone" promise for a deletion the server would refuse; the run by name, not by UUID.
    expect(bar.textContent).not.toMatch(/cannot be undone/);
    expect(screen.getByTestId('delete-blocked').textContent).toBe(
      '“ui-run-cancel” is still training: cancel it before deleting.',
    );
    expect(within(bar).getByTestId('delete-finished').textContent).toBe('Delete the 1 finished run');
    fireEvent.click(within(bar).getByTestId('cancel-selected-runs'));
    await waitFor(() => expect(client.callsOf('runs.cancel')).toEqual([{ runId: 'run-00001' }]));
    expect(client.callsOf('runs.delete')).toEqual([]);
    // Once the table shows it cancelled, the same bar offers the deletion.
    client.emit({ type: 'runs.changed' });
    await waitFor(() => expect(screen.getByTestId('delete-confirm').textContent).toMatch(/cannot be undone/));
    fireEvent.click(screen.getByTestId('confirm-delete'));
    await waitFor(() =>
      expect(client.callsOf('runs.delete')).toEqual([{ runIds: ['run-00001', 'run-00002'] }]),
    );
  });

  it('shows the server refusing a deletion (another window started the run meanwhile)', async () => {
    const client = new FakeWorkbench({
      'app.info': () => APP_INFO,
      'runs.list': () => [runRow(1, { status: 'completed' })],
      'runs.delete': () => {
        throw new ApiError({ code: 'conflict', message: '"run 00001" (running, run-0000); cancel it first' });
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

  it('shows what a run without a validation split has: its test accuracy', async () => {
    const rows = [
      runRow(1, {
        name: 'iris',
        hasValidation: false,
        bestValAcc: null,
        bestValAccEpoch: null,
        lastTestAcc: 0.95,
      }),
      runRow(2, { name: 'mnist', bestValAcc: 0.9, lastTestAcc: 0.88 }),
    ];
    renderWithClient(<RunsView />, workbench(rows));
    await screen.findByTestId('runs-table');
    const cells = (id: string) => [
      ...document.querySelector(`[data-run-id="${id}"]`)!.querySelectorAll('td'),
    ];
    const column = (header: string) =>
      [...document.querySelectorAll('thead th')].findIndex((th) => th.textContent?.startsWith(header));
    expect(cells('run-00001')[column('Best val acc')].textContent).toBe('no val split');
    expect(cells('run-00001')[column('Test acc')].textContent).toBe('95.00%');
    expect(cells('run-00002')[column('Best val acc')].textContent).toBe('90.00% · ep 3');
  });

  it('filters by any key hyperparameter: words, setting=value and comparisons', async () => {
    const rows = [
      runRow(1, { name: 'wide', hyper: { hidden: '2000', optimizer: 'momentum', lr: '1e-5', l2: '0.1' } }),
      runRow(2, { name: 'narrow', hyper: { hidden: '100', optimizer: 'adam', lr: '0.001', l2: '0.01' } }),
      runRow(3, { name: 'deep', hyper: { hidden: '500×300', optimizer: 'sgd', lr: '0.1', l2: '0' } }),
    ];
    renderWithClient(<RunsView />, workbench(rows));
    await screen.findByTestId('runs-table');
    const filter = screen.getByLabelText('Filter');
    const shown = (text: string) => {
      fireEvent.change(filter, { target: { value: text } });
      return ids().sort();
    };
    // The Model column says "MLP 2000": the word finds it.
    expect(shown('2000')).toEqual(['run-00001']);
    expect(shown('hidden=2000')).toEqual(['run-00001']);
    expect(shown('l2>0.05')).toEqual(['run-00001']);
    expect(shown('lr<=0.001')).toEqual(['run-00001', 'run-00002']);
    expect(shown('lr=0.00001')).toEqual(['run-00001']);
    expect(shown('optimizer!=adam l2<0.5')).toEqual(['run-00001', 'run-00003']);
    expect(shown('hidden=500x300')).toEqual(['run-00003']);
    expect(shown('regularization.l2>=0.01')).toEqual(['run-00001', 'run-00002']);
    expect(shown('widht=3')).toEqual([]);
    expect(screen.getByTestId('no-match').textContent).toMatch(/no setting called “widht”/);
  });

  it("marks forks and finds a run's forks with parent:ID", async () => {
    const parentId = '7f3a9c21-0000-4000-8000-000000000001';
    const rows = [
      runRow(1, { id: parentId, name: 'base' }),
      runRow(2, { name: 'lower lr', parent: { runId: parentId, epoch: 20 } }),
      runRow(3, { name: 'dropout on', parent: { runId: parentId, epoch: 5 } }),
      runRow(4, { name: 'other fork', parent: { runId: 'aaaa0000-0000-4000-8000-000000000002', epoch: 3 } }),
    ];
    renderWithClient(<RunsView />, workbench(rows));
    await screen.findByTestId('runs-table');
    const filter = screen.getByLabelText('Filter');
    fireEvent.change(filter, { target: { value: 'parent:7f3a9c21' } });
    expect(ids().sort()).toEqual(['run-00002', 'run-00003']);
    expect(
      screen
        .getAllByTestId('fork-mark')
        .map((m) => m.textContent?.trim())
        .sort(),
    ).toEqual(['fork @20', 'fork @5']);
    fireEvent.change(filter, { target: { value: `parent:${parentId}` } });
    expect(ids().sort()).toEqual(['run-00002', 'run-00003']);
    fireEvent.change(filter, { target: { value: 'parent:ffff' } });
    expect(ids()).toEqual([]);
  });

  it('gives every cut-off cell its whole text as a tooltip, and columns a resize handle', async () => {
    const rows = [
      runRow(1, {
        name: 'a rather long run name that no column shows whole',
        tags: ['h2000', 'e3'],
        hyper: { hidden: '32', optimizer: 'momentum', lr: '0.05', batch: '100000' },
      }),
    ];
    renderWithClient(<RunsView />, workbench(rows));
    await screen.findByTestId('runs-table');
    const row = document.querySelector('[data-run-id="run-00001"]') as HTMLElement;
    const titles = [...row.querySelectorAll('[title]')].map((e) => e.getAttribute('title'));
    expect(titles).toContain('a rather long run name that no column shows whole');
    expect(titles).toContain('Optimizer momentum');
    expect(titles).toContain('Batch 100000');
    expect(titles).toContain('h2000, e3');
    expect(titles.some((t) => /\d{4}/.test(t ?? '') && /GMT|UTC/.test(t ?? ''))).toBe(true);
    for (const column of ['name', 'optimizer', 'batch', 'tags', 'created']) {
      expect(screen.getByTestId(`resize-${column}`)).toBeTruthy();
    }
  });

  it('has one Tab stop for the header and one for the rows; arrow keys move, Space selects, Enter opens', async () => {
    const rows = [1, 2, 3].map((i) => runRow(i));
    renderWithClient(<RunsView />, workbench(rows));
    const table = await screen.findByTestId('runs-table');
    const tabStops = () =>
      [...table.querySelectorAll<HTMLElement>('a, button, input, tr')].filter((e) => e.tabIndex === 0);
    expect(tabStops()).toHaveLength(2);
    const [header, firstRow] = tabStops();
    expect(header.closest('thead')).toBeTruthy();
    // Newest first: run 3 is the first row.
    expect(firstRow.getAttribute('data-run-id')).toBe('run-00003');
    firstRow.focus();
    fireEvent.keyDown(firstRow, { key: 'ArrowDown' });
    await waitFor(() => expect(document.activeElement?.getAttribute('data-run-id')).toBe('run-00002'));
    const second = document.activeElement as HTMLElement;
    expect(second.tabIndex).toBe(0);
    fireEvent.keyDown(second, { key: ' ' });
    expect(second.getAttribute('aria-selected')).toBe('true');
    expect(screen.getByTestId('compare-selected').textContent).toContain('(1)');
    // ← → reach the row's own controls.
    fireEvent.keyDown(second, { key: 'ArrowRight' });
    expect(document.activeElement?.getAttribute('type')).toBe('checkbox');
    fireEvent.keyDown(second, { key: 'Enter' });
    expect(window.location.hash).toBe('#/runs/run-00002');
    // The header row: ← → between its controls, one of them the Tab stop.
    header.focus();
    fireEvent.keyDown(header, { key: 'ArrowRight' });
    expect(document.activeElement?.textContent).toMatch(/^Name/);
    expect((document.activeElement as HTMLElement).tabIndex).toBe(0);
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
