// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunStatus } from '../../../common/types';
import { FakeWorkbench } from '../testing/fake-client';
import { formatDateTime } from '../common/format';
import { APP_INFO, epoch, runDetail } from '../testing/fixtures';
import { simulateViewport } from '../testing/layout';
import { renderWithClient } from '../testing/render';
import { RunDetailView } from './RunDetailView';

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = simulateViewport();
});
afterEach(() => {
  cleanup();
  restoreLayout();
});

function workbench(status: RunStatus = 'running', error: string | null = null) {
  let stored = runDetail({ status, error, epochs: 1 });
  const client = new FakeWorkbench({
    'app.info': () => APP_INFO,
    'runs.get': () => stored,
    'runs.epochs': () => [{ runId: 'run-live', epochs: [epoch(1)] }],
    'runs.cancel': () => {
      stored = { ...stored, status: 'cancelled' };
      return { cancelled: true };
    },
    'runs.rerun': () => ({ runId: 'run-again' }),
  });
  return client;
}

const statusText = () => screen.getByTestId('run-status').textContent;
const epochRows = () => screen.queryAllByTestId('epoch-row').length;

describe('RunDetailView', () => {
  it('follows a running run live: epochs, batch progress, final status', async () => {
    const client = workbench();
    renderWithClient(<RunDetailView runId="run-live" />, client);
    await screen.findByTestId('epoch-progress');
    expect(statusText()).toBe('running');
    expect(epochRows()).toBe(1);
    expect(screen.getByText('Epoch 2/5')).toBeTruthy();

    act(() => client.emit({ type: 'run.progress', runId: 'run-live', epoch: 2, batch: 5, batches: 10 }));
    expect(screen.getByText('Batch 5/10')).toBeTruthy();
    // 1 epoch of 2 s done, 3.5 epochs to go.
    expect(screen.getByTestId('eta').textContent).toBe('About 7.0 s left');

    act(() => client.emit({ type: 'run.epoch', runId: 'run-live', metrics: epoch(2) }));
    expect(epochRows()).toBe(2);
    expect(screen.getByText('Epoch 3/5')).toBeTruthy();

    // Events of other runs change nothing.
    act(() => client.emit({ type: 'run.epoch', runId: 'someone-else', metrics: epoch(3) }));
    expect(epochRows()).toBe(2);

    act(() => client.emit({ type: 'run.status', runId: 'run-live', status: 'completed' }));
    expect(statusText()).toBe('completed');
    expect(screen.queryByTestId('epoch-progress')).toBeNull();
  });

  it('cancels through runs.cancel, after asking', async () => {
    const client = workbench();
    renderWithClient(<RunDetailView runId="run-live" />, client);
    fireEvent.click(await screen.findByTestId('cancel-run'));
    // A stray click stops nothing: it asks first, naming the run and what is kept.
    expect(client.callsOf('runs.cancel')).toEqual([]);
    expect(screen.getByRole('alertdialog').textContent).toMatch(
      /^Stop training live run\? The 1 epoch logged so far are kept\./,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Keep training' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    fireEvent.click(screen.getByTestId('cancel-run'));
    fireEvent.click(screen.getByTestId('confirm-cancel-run'));
    await waitFor(() => expect(client.callsOf('runs.cancel')).toEqual([{ runId: 'run-live' }]));
    act(() => client.emit({ type: 'run.status', runId: 'run-live', status: 'cancelled' }));
    expect(statusText()).toBe('cancelled');
  });

  it('shows when a run opened while queued started, and says plainly when it trains full-batch', async () => {
    let stored = runDetail({ status: 'queued', startedAt: null, epochs: 0 });
    const client = new FakeWorkbench({
      'app.info': () => APP_INFO,
      'runs.get': () => stored,
      'runs.epochs': () => [{ runId: 'run-live', epochs: [] }],
    });
    renderWithClient(<RunDetailView runId="run-live" />, client);
    expect((await screen.findByTestId('started-at')).textContent).toBe('not yet (queued)');
    // No empty axes before the first epoch: a line saying when the curves appear.
    expect(screen.getByTestId('charts-placeholder').textContent).toMatch(/Waiting for a training worker/);
    stored = { ...stored, status: 'running', startedAt: '2025-01-01T10:00:05.000Z' };
    act(() => client.emit({ type: 'run.started', runId: 'run-live', backend: 'wasm', trainExamples: 110 }));
    // At once (the event's time), then the stored start time from the refetch the event triggers.
    expect(screen.getByTestId('started-at').textContent).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
    await waitFor(() =>
      expect(screen.getByTestId('started-at').textContent).toBe(formatDateTime('2025-01-01T10:00:05.000Z')),
    );
    expect(screen.getByTestId('charts-placeholder').textContent).toMatch(/first epoch/);
    act(() => client.emit({ type: 'run.progress', runId: 'run-live', epoch: 1, batch: 1, batches: 1 }));
    expect(screen.getByTestId('batch-progress').textContent).toBe('Full batch: one step per epoch');
  });

  it('fetches the backend and start time when the start event was missed (never "backend not chosen yet" while it trains)', async () => {
    let stored = runDetail({ status: 'queued', startedAt: null, backend: null, epochs: 0 });
    const client = new FakeWorkbench({
      'app.info': () => APP_INFO,
      'runs.get': () => stored,
      'runs.epochs': () => [{ runId: 'run-live', epochs: [] }],
    });
    renderWithClient(<RunDetailView runId="run-live" />, client);
    expect((await screen.findByTestId('started-at')).textContent).toBe('not yet (queued)');
    expect(screen.getByTestId('run-backend').textContent).toBe('backend not chosen yet');
    // The run started while the page was loading: no run.started reaches it, only its epochs.
    stored = {
      ...stored,
      status: 'running',
      backend: 'wasm',
      startedAt: '2025-01-01T10:00:05.000Z',
      epochs: 1,
    };
    act(() => client.emit({ type: 'run.epoch', runId: 'run-live', metrics: epoch(1) }));
    await waitFor(() => expect(screen.getByTestId('run-backend').textContent).toBe('backend wasm'));
    expect(screen.getByTestId('started-at').textContent).toBe(formatDateTime('2025-01-01T10:00:05.000Z'));
  });

  it('shows why a run diverged, and re-runs it', async () => {
    const client = workbench('diverged', 'loss became NaN at epoch 3');
    renderWithClient(<RunDetailView runId="run-live" />, client);
    expect((await screen.findByTestId('run-error')).textContent).toContain('loss became NaN at epoch 3');
    expect(screen.queryByTestId('cancel-run')).toBeNull();
    fireEvent.click(screen.getByTestId('rerun'));
    await waitFor(() => expect(window.location.hash).toBe('#/runs/run-again'));
  });

  it('highlights each metric’s best epoch', async () => {
    const client = workbench('completed');
    renderWithClient(<RunDetailView runId="run-live" />, client);
    await screen.findByTestId('epoch-table');
    act(() =>
      client.emit({ type: 'run.epoch', runId: 'run-live', metrics: epoch(2, { valLoss: 5, valAcc: 0.1 }) }),
    );
    const [first, second] = screen.getAllByTestId('epoch-row');
    // Epoch 2 is better in training loss, epoch 1 in validation loss and accuracy.
    expect(second.querySelectorAll('td.best')).toHaveLength(4);
    expect(first.querySelectorAll('td.best')).toHaveLength(2);
  });
});
