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
  // Compare keeps its settings and selection across visits; every test starts from none.
  window.localStorage.clear();
  window.sessionStorage.clear();
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
    'runs.details': ({ runIds }) =>
      runIds.map((id) => ({
        ...runDetail({ id, name: configs[id].name, config: configs[id] }),
        versions: {},
      })),
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
    expect(client.callsOf('runs.epochColumns').at(-1)).toEqual({ runIds: ['a', 'b'] });
    // Configs in bulk, never one request per run.
    expect(client.callsOf('runs.get')).toHaveLength(0);
    expect(client.callsOf('runs.details').length).toBeGreaterThan(0);
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
    await waitFor(() => expect(client.callsOf('runs.epochColumns')).toHaveLength(1));
    act(() => client.emit({ type: 'run.epoch', runId: 'a', metrics: epoch(3) }));
    fireEvent.click(screen.getByTestId('export-csv'));
    await waitFor(() => expect(client.saved).toHaveLength(1));
    expect(String(client.saved[0].data).trim().split('\r\n')).toHaveLength(4);
  });

  it('says which runs have nothing to show, and lets only drawn runs shape the x axis', async () => {
    const iris = mlpConfig({
      name: 'iris',
      dataset: {
        id: 'iris',
        split: { train: 110, validation: 0, test: 40 },
        shuffleSeed: 7,
        normalization: 'standardize',
      },
      training: { ...mlpConfig().training, epochs: 350 },
    });
    const client = new FakeWorkbench({
      'app.info': () => APP_INFO,
      'runs.list': () => [runRow(1, { id: 'a', name: 'alpha' }), runRow(2, { id: 'i', name: 'iris' })],
      'runs.details': ({ runIds }) =>
        runIds.map((id) => ({
          ...runDetail({
            id,
            name: id === 'i' ? 'iris' : 'alpha',
            config: id === 'i' ? iris : mlpConfig({ name: 'alpha' }),
          }),
          versions: {},
        })),
      'runs.epochs': ({ runIds }) =>
        runIds.map((runId) => ({
          runId,
          epochs:
            runId === 'i'
              ? Array.from({ length: 350 }, (_, n) => epoch(n + 1, { valLoss: null, valAcc: null }))
              : [1, 2, 3, 4, 5].map((n) => epoch(n)),
        })),
    });
    renderWithClient(<CompareView initialIds={['a', 'i']} />, client);
    const chart = await screen.findByTestId('compare-chart');
    await waitFor(() => expect(within(chart).getAllByTestId('legend-item')).toHaveLength(2));
    const irisEntry = within(chart)
      .getAllByTestId('legend-item')
      .find((e) => e.getAttribute('data-run-id') === 'i')!;
    expect(irisEntry.getAttribute('data-empty')).toBe('true');
    expect(within(irisEntry).getByTestId('legend-missing').textContent).toBe(
      'nothing to show: no validation loss (no validation split)',
    );
    // The exported figure (the chart's own layout) spans MNIST's 5 epochs, not Iris's 350.
    fireEvent.click(screen.getByTestId('export-svg'));
    await waitFor(() => expect(client.saved).toHaveLength(1));
    const svg = String(client.saved[0].data);
    const xTicks = [...svg.matchAll(/<g class="x-ticks"[^]*?<\/g>/g)][0][0];
    expect(xTicks).toContain('>5<');
    expect(xTicks).not.toMatch(/>(50|100|350)</);
    expect(svg).toMatch(/>iris[^<]*\(no data\)</);
  });

  it('keeps its settings when left and reopened, and puts them in the URL', async () => {
    const first = renderWithClient(<CompareView initialIds={['a', 'b']} />, workbench());
    await screen.findByTestId('compare-chart');
    fireEvent.click(screen.getByTestId('metric-trainAcc'));
    fireEvent.change(screen.getByTestId('smoothing-kind'), { target: { value: 'ema' } });
    fireEvent.click(screen.getByLabelText('log'));
    fireEvent.click(screen.getByLabelText('wall time'));
    await waitFor(() =>
      expect(window.location.hash).toBe(
        '#/compare?ids=a,b&metrics=trainAcc%2CvalLoss&smoothing=ema%3A0.6&y=log&x=time',
      ),
    );
    // Loss and accuracy: two panels.
    expect(screen.getByTestId('compare-chart').getAttribute('data-panels')).toBe('2');
    first.unmount();

    // Back through the Compare tab (no query): the same runs and settings.
    window.location.hash = '#/compare';
    renderWithClient(<CompareView initialIds={[]} />, workbench());
    const chart = await screen.findByTestId('compare-chart');
    await waitFor(() => expect(within(chart).getAllByTestId('legend-item')).toHaveLength(2));
    expect((screen.getByTestId('metric-trainAcc') as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId('smoothing-kind') as HTMLSelectElement).value).toBe('ema');
    expect((screen.getByLabelText('log') as HTMLInputElement).checked).toBe(true);
    expect((screen.getByLabelText('wall time') as HTMLInputElement).checked).toBe(true);
    cleanup();

    // A link someone sent opens on its own settings, whatever was used here last.
    window.location.hash = '#/compare?ids=a&metrics=valAcc';
    renderWithClient(<CompareView initialIds={['a']} />, workbench());
    await screen.findByTestId('compare-chart');
    expect((screen.getByTestId('metric-valAcc') as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId('metric-valLoss') as HTMLInputElement).checked).toBe(false);
    expect((screen.getByLabelText('linear') as HTMLInputElement).checked).toBe(true);
  });

  it('keys each column of the differing settings to its line in the chart', async () => {
    renderWithClient(<CompareView initialIds={['a', 'b']} />, workbench());
    const table = await screen.findByTestId('differing-params');
    const keys = within(table).getAllByTestId('differing-run-key');
    expect(keys.map((k) => k.textContent)).toEqual(['alpha', 'beta']);
    const strokes = keys.map((k) => k.querySelector('line')?.getAttribute('stroke'));
    const chart = screen.getByTestId('compare-chart');
    const legendStrokes = within(chart)
      .getAllByTestId('legend-item')
      .map((item) => item.querySelector('line')?.getAttribute('stroke'));
    expect(strokes).toEqual(legendStrokes);
    expect(new Set(strokes).size).toBe(2);
  });
});
