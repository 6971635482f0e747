// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeWorkbench } from '../testing/fake-client';
import { APP_INFO, epoch, mlpConfig, runDetail, runRow } from '../testing/fixtures';
import { simulateViewport } from '../testing/layout';
import { renderWithClient } from '../testing/render';
import { CompareView } from './CompareView';

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = simulateViewport();
  window.location.hash = '#/compare';
});
afterEach(() => {
  cleanup();
  restoreLayout();
});

function workbench() {
  const rows = [runRow(1, { id: 'a', name: 'alpha' }), runRow(2, { id: 'b', name: 'beta' })];
  const configs: Record<string, ReturnType<typeof mlpConfig>> = {
    a: mlpConfig({ name: 'alpha' }),
    b: mlpConfig({ name: 'beta', regularization: { l2: 0.1, l2Convention: 'half', l2Covers: 'weights' } }),
  };
  return new FakeWorkbench({
    'app.info': () => APP_INFO,
    'runs.list': () => rows,
    'runs.get': ({ runId }) => runDetail({ id: runId, name: configs[runId].name, config: configs[runId] }),
    'runs.epochs': ({ runIds }) => runIds.map((runId) => ({ runId, epochs: [epoch(1), epoch(2)] })),
  });
}

const pick = (id: string) =>
  fireEvent.click(document.querySelector(`[data-testid="compare-select-run"][data-run-id="${id}"]`)!);

describe('CompareView', () => {
  it('compares the picked runs: legend, differing settings, URL', async () => {
    const client = workbench();
    renderWithClient(<CompareView initialIds={[]} />, client);
    await screen.findAllByTestId('compare-select-run');
    pick('a');
    pick('b');
    expect(window.location.hash).toBe('#/compare?ids=a,b');
    const chart = await screen.findByTestId('compare-chart');
    await waitFor(() => expect(within(chart).getAllByTestId('legend-item')).toHaveLength(2));
    expect(chart.textContent).toContain('alpha · λ=0');
    expect(chart.textContent).toContain('beta · λ=0.1');
    const differing = screen.getByTestId('differing-params');
    expect(differing.textContent).toContain('λ (L2)');
    expect(client.callsOf('runs.epochs').at(-1)).toEqual({ runIds: ['a', 'b'] });
  });

  it('exports exactly what is configured: CSV with smoothing, SVG with the same series', async () => {
    const client = workbench();
    renderWithClient(<CompareView initialIds={['a', 'b']} />, client);
    const chart = await screen.findByTestId('compare-chart');
    await waitFor(() => expect(within(chart).getAllByTestId('legend-item')).toHaveLength(2));
    fireEvent.change(screen.getByTestId('smoothing-kind'), { target: { value: 'ema' } });
    fireEvent.click(screen.getByTestId('metric-trainAcc'));

    fireEvent.click(screen.getByTestId('export-csv'));
    await waitFor(() => expect(client.saved).toHaveLength(1));
    const csv = client.saved[0];
    expect(csv.fileName).toBe('comparison.csv');
    expect(csv.mimeType).toBe('text/csv');
    const header = String(csv.data).split('\r\n')[0];
    expect(header).toContain('run_id');
    expect(header).toContain('train_acc_smoothed');
    expect(header).toContain('val_loss_smoothed');

    fireEvent.click(screen.getByTestId('export-svg'));
    await waitFor(() => expect(client.saved).toHaveLength(2));
    const svg = String(client.saved[1].data);
    expect(client.saved[1].mimeType).toBe('image/svg+xml');
    expect(svg).toContain('alpha');
    expect(svg).toContain('EMA 0.6');
  });

  it('hides a run from the chart and the exports from its legend entry', async () => {
    const client = workbench();
    renderWithClient(<CompareView initialIds={['a', 'b']} />, client);
    const chart = await screen.findByTestId('compare-chart');
    const [first] = await within(chart).findAllByTestId('legend-item');
    fireEvent.click(first);
    expect(first.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(screen.getByTestId('export-csv'));
    await waitFor(() => expect(client.saved).toHaveLength(1));
    expect(String(client.saved[0].data)).not.toContain('alpha');
  });

  it('keeps the curves live as epochs arrive', async () => {
    const client = workbench();
    renderWithClient(<CompareView initialIds={['a']} />, client);
    await screen.findByTestId('compare-chart');
    await waitFor(() => expect(client.callsOf('runs.epochs')).toHaveLength(1));
    act(() => client.emit({ type: 'run.epoch', runId: 'a', metrics: epoch(3) }));
    fireEvent.click(screen.getByTestId('export-csv'));
    await waitFor(() => expect(client.saved).toHaveLength(1));
    expect(String(client.saved[0].data).trim().split('\r\n')).toHaveLength(4);
  });
});
