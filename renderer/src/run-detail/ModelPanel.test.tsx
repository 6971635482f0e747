// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ApiParams } from '../../../common/api/contract';
import type { CheckpointInfo } from '../../../common/checkpoints/types';
import { buildEvaluation } from '../../../common/model-eval/evaluation';
import type { ModelEvaluation } from '../../../common/model-eval/types';
import { FakeWorkbench } from '../testing/fake-client';
import { APP_INFO, epoch, mlpConfig, runDetail } from '../testing/fixtures';
import { simulateViewport } from '../testing/layout';
import { plotlyStandIn as plotly } from '../testing/plotly-stand-in';
import { renderWithClient } from '../testing/render';
import { GALLERY_SIZE, ModelPanel } from './ModelPanel';

vi.mock('../charts/plotly-loader', async () => (await import('../testing/plotly-stand-in')).mockPlotly());

/** What the canvases were asked to draw: jsdom has no 2D context, so a recording one stands in. */
const drawn: { width: number; height: number; data: Uint8ClampedArray }[] = [];
let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = simulateViewport();
  plotly.charts.clear();
  drawn.length = 0;
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockImplementation(function (this: HTMLCanvasElement) {
    return {
      createImageData: (width: number, height: number) => ({
        width,
        height,
        data: new Uint8ClampedArray(width * height * 4),
      }),
      putImageData: (image: { width: number; height: number; data: Uint8ClampedArray }) => drawn.push(image),
    } as unknown as CanvasRenderingContext2D;
  } as never);
});
afterEach(() => {
  cleanup();
  restoreLayout();
  vi.restoreAllMocks();
});

const checkpoint = (epochNumber: number, kinds: CheckpointInfo['kinds']): CheckpointInfo => ({
  epoch: epochNumber,
  kinds,
  trainingState: kinds.includes('last'),
  bytes: 1000,
  sha256: `sha-${epochNumber}`,
  createdAt: '2025-01-01T10:00:00.000Z',
});

const KEPT = [checkpoint(2, ['best']), checkpoint(3, ['last'])];

/** A 2 × 2 image (4 values) per example: the gallery draws them. */
function imageEvaluation(
  params: ApiParams<'models.evaluate'>,
  overrides: Partial<ModelEvaluation> = {},
): ModelEvaluation {
  // 3 classes; labels 0 0 0 0 1 1 1 2 2 2, predicted 0 0 1 2 1 1 0 2 1 1 (see common/model-eval tests).
  const evaluation = buildEvaluation({
    runId: params.runId,
    epoch: params.epoch as number,
    split: params.split ?? 'validation',
    loss: 0.75,
    labels: [0, 0, 0, 0, 1, 1, 1, 2, 2, 2],
    predicted: [0, 0, 1, 2, 1, 1, 0, 2, 1, 1],
    confidence: [0.9, 0.8, 0.95, 0.6, 0.7, 0.99, 0.95, 0.5, 0.6, 0.4],
    classes: ['cat', 'dog', 'bird'],
    inputShape: [2, 2],
  });
  evaluation.mistakes.slice(0, params.inputs ?? 0).forEach((m) => (m.input = [0, 255, m.index, 128]));
  return { ...evaluation, ...overrides };
}

function setUp(
  options: {
    checkpoints?: CheckpointInfo[];
    status?: 'completed' | 'running';
    evaluation?: typeof imageEvaluation;
  } = {},
) {
  const client = new FakeWorkbench({
    'app.info': () => APP_INFO,
    // As the store does: best / last name the epoch kept as that now.
    'models.evaluate': (params) => {
      const kept = options.checkpoints ?? KEPT;
      const wanted = params.epoch;
      const epochNumber =
        typeof wanted === 'number'
          ? wanted
          : (kept.find((c) => c.kinds.includes(wanted ?? 'best'))?.epoch ?? 0);
      return (options.evaluation ?? imageEvaluation)({ ...params, epoch: epochNumber });
    },
    'models.export': ({ epoch: e, format }) => ({
      transferId: 'transfer-0123456789abcdefghij',
      fileName: `live run-epoch${String(e)}${format === 'npz' ? '.npz' : '-tfjs.zip'}`,
      bytes: 1234,
    }),
  });
  const run = runDetail({ status: options.status ?? 'completed', checkpoints: options.checkpoints ?? KEPT });
  const epochs = [epoch(1), epoch(2), epoch(3)];
  const view = renderWithClient(<ModelPanel run={run} epochs={epochs} />, client);
  return { client, view, run };
}

const heatmap = () => plotly.chart(/^Confusion matrix/);

describe('ModelPanel', () => {
  it('evaluates the best epoch on the validation split and draws the confusion matrix with class names', async () => {
    const { client } = setUp();
    const summary = await screen.findByTestId('model-summary');
    expect(client.callsOf('models.evaluate')).toEqual([
      { runId: 'run-live', epoch: 'best', split: 'validation', inputs: GALLERY_SIZE },
    ]);
    expect(summary.textContent).toBe(
      'epoch 2 (best), validation split: 50.00% accuracy (5 of 10 right), loss 0.7500, 5 mistakes.',
    );
    await waitFor(() => expect(heatmap().data).toHaveLength(1));
    const [trace] = heatmap().data as { z: number[][]; text: string[][]; colorscale: [number, string][] }[];
    expect(trace.z).toEqual([
      [2, 1, 1],
      [1, 2, 0],
      [0, 2, 1],
    ]);
    expect(trace.colorscale[0][1]).toBe('#440154');
    const layout = heatmap().layout as {
      xaxis: { ticktext: string[]; title: { text: string } };
      yaxis: { ticktext: string[]; range: number[] };
    };
    expect(layout.xaxis.ticktext).toEqual(['cat', 'dog', 'bird']);
    expect(layout.yaxis.ticktext).toEqual(['cat', 'dog', 'bird']);
    expect(layout.xaxis.title.text).toBe('predicted class');
    // The first true class at the top.
    expect(layout.yaxis.range).toEqual([2.5, -0.5]);
  });

  it('toggles to row-normalised shares', async () => {
    setUp();
    await screen.findByTestId('model-summary');
    fireEvent.click(screen.getByTestId('confusion-mode'));
    await waitFor(() =>
      expect(screen.getByTestId('confusion-heatmap').getAttribute('data-mode')).toBe('normalised'),
    );
    await waitFor(() => expect((heatmap().data[0] as { z: number[][] }).z[0]).toEqual([0.5, 0.25, 0.25]));
    expect((heatmap().data[0] as { text: string[][] }).text[0]).toEqual(['50.0%', '25.0%', '25.0%']);
  });

  it('lists precision, recall, F1 and support per class, undefined ones as a dash', async () => {
    setUp({
      evaluation: (params) =>
        imageEvaluation(params, {
          perClass: [
            { class: 'cat', precision: 2 / 3, recall: 0.5, f1: 4 / 7, support: 4 },
            { class: 'dog', precision: null, recall: 0, f1: null, support: 3 },
            { class: 'bird', precision: 0.5, recall: 1 / 3, f1: 0.4, support: 3 },
          ],
        }),
    });
    const table = await screen.findByTestId('per-class-table');
    const rows = within(table).getAllByTestId('per-class-row');
    expect(rows.map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent))).toEqual([
      ['cat', '66.67%', '50.00%', '0.571', '4'],
      ['dog', '—', '0.00%', '—', '3'],
      ['bird', '50.00%', '33.33%', '0.400', '3'],
    ]);
    expect(rows[1].querySelector('[data-col="precision"]')?.getAttribute('title')).toMatch(
      /no example was predicted/,
    );
  });

  it('draws the most confident mistakes as images from their stored pixels', async () => {
    setUp();
    const gallery = await screen.findByTestId('mistake-gallery');
    const items = within(gallery).getAllByTestId('mistake');
    expect(items.map((i) => i.getAttribute('data-index'))).toEqual(['2', '6', '3', '8', '9']);
    expect(items[0].textContent).toBe('true cat → dog95.00% · #2');
    const canvases = within(gallery).getAllByTestId('example-canvas') as HTMLCanvasElement[];
    expect(canvases.map((c) => [c.width, c.height])).toEqual(Array(5).fill([2, 2]));
    // 2 × 2 pixels drawn 42× larger (84 CSS px), grey as stored: 0, 255, the index, 128.
    expect(canvases[0].style.width).toBe('84px');
    expect(canvases[0].getAttribute('aria-label')).toBe('Example 2: a cat predicted as dog');
    await waitFor(() => expect(drawn).toHaveLength(5));
    expect(Array.from(drawn[0].data)).toEqual([
      0, 0, 0, 255, 255, 255, 255, 255, 2, 2, 2, 255, 128, 128, 128, 255,
    ]);
  });

  it('shows a tabular dataset’s mistakes as rows of numbers', async () => {
    setUp({
      evaluation: (params) => {
        const e = imageEvaluation(params, { inputShape: [4] });
        e.mistakes.forEach((m) => (m.input = [5.1, 3.5, 1.4, 0.2]));
        return e;
      },
    });
    const table = await screen.findByTestId('mistake-table');
    const first = within(table).getAllByTestId('mistake')[0];
    expect([...first.querySelectorAll('td')].map((c) => c.textContent)).toEqual([
      '2',
      '5.1',
      '3.5',
      '1.4',
      '0.2',
      'cat',
      'dog',
      '95.00%',
    ]);
    expect(screen.queryByTestId('example-canvas')).toBeNull();
  });

  it('offers only the kept epochs and the splits that hold examples, and evaluates what is picked', async () => {
    const { client } = setUp();
    await screen.findByTestId('model-summary');
    const epochSelect = screen.getByTestId('model-epoch') as HTMLSelectElement;
    expect([...epochSelect.options].map((o) => o.textContent)).toEqual(['best: epoch 2', 'last: epoch 3']);
    const splitSelect = screen.getByTestId('model-split') as HTMLSelectElement;
    expect([...splitSelect.options].map((o) => o.value)).toEqual(['validation', 'test']);
    fireEvent.change(epochSelect, { target: { value: 'last' } });
    fireEvent.change(splitSelect, { target: { value: 'test' } });
    await waitFor(() => expect(screen.getByTestId('model-summary').getAttribute('data-split')).toBe('test'));
    expect(screen.getByTestId('model-summary').getAttribute('data-epoch')).toBe('3');
    expect(client.callsOf('models.evaluate').at(-1)).toEqual({
      runId: 'run-live',
      epoch: 'last',
      split: 'test',
      inputs: GALLERY_SIZE,
    });
  });

  it('one option where the best epoch is the last', async () => {
    setUp({ checkpoints: [checkpoint(3, ['best', 'last'])] });
    await screen.findByTestId('model-summary');
    const select = screen.getByTestId('model-epoch') as HTMLSelectElement;
    expect([...select.options].map((o) => o.textContent)).toEqual(['epoch 3 (best and last)']);
    expect(screen.getByTestId('model-summary').textContent).toMatch(
      /^epoch 3 \(best and last\), validation split/,
    );
  });

  it('says when the run keeps no checkpoint, and asks nothing', () => {
    const { client } = setUp({ checkpoints: [] });
    expect(screen.getByTestId('model-no-checkpoint').textContent).toMatch(/^This run keeps no checkpoint/);
    expect(screen.queryByTestId('download-model-npz')).toBeNull();
    expect(client.callsOf('models.evaluate')).toEqual([]);
  });

  it('waits for a running run to stop', () => {
    const { client } = setUp({ status: 'running' });
    expect(screen.getByTestId('model-live')).toBeTruthy();
    expect(client.callsOf('models.evaluate')).toEqual([]);
  });

  it('exports the confusion matrix as SVG and as CSV with the per-class metrics', async () => {
    const { client } = setUp();
    await screen.findByTestId('model-summary');
    fireEvent.click(screen.getByTestId('export-confusion-svg'));
    await waitFor(() => expect(client.saved).toHaveLength(1));
    const svg = client.saved[0];
    expect(svg.fileName).toBe('live-run-epoch2-validation-confusion.svg');
    expect(svg.mimeType).toBe('image/svg+xml');
    expect(svg.data).toContain('<title>live run: confusion matrix</title>');
    expect(svg.data).toContain('epoch 2 (best), validation split, 10 examples, accuracy 50.00%');
    fireEvent.click(screen.getByTestId('export-confusion-csv'));
    await waitFor(() => expect(client.saved).toHaveLength(2));
    const csv = String(client.saved[1].data).split('\r\n');
    expect(csv[0]).toBe('class,support,precision,recall,f1,predicted_cat,predicted_dog,predicted_bird');
    expect(csv[1]).toMatch(/^cat,4,0\.666666\d*,0\.5,0\.571428\d*,2,1,1$/);
  });

  it('downloads the model of the epoch on screen through models.export', async () => {
    const { client } = setUp();
    await screen.findByTestId('model-summary');
    fireEvent.click(screen.getByTestId('download-model-npz'));
    await waitFor(() => expect(client.savedTransfers).toHaveLength(1));
    expect(client.callsOf('models.export')).toEqual([{ runId: 'run-live', epoch: 2, format: 'npz' }]);
    expect(client.savedTransfers[0]).toEqual({
      transferId: 'transfer-0123456789abcdefghij',
      fileName: 'live run-epoch2.npz',
    });
    fireEvent.change(screen.getByTestId('model-epoch'), { target: { value: 'last' } });
    fireEvent.click(screen.getByTestId('download-model-tfjs'));
    await waitFor(() => expect(client.savedTransfers).toHaveLength(2));
    expect(client.callsOf('models.export')[1]).toEqual({ runId: 'run-live', epoch: 3, format: 'tfjs' });
  });

  it('says what went wrong when the evaluation is refused', async () => {
    setUp({
      evaluation: () => {
        throw new Error(
          'run run-live cannot be evaluated: dataset "mnist" has changed since it trained on it',
        );
      },
    });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not evaluate the model');
    expect(alert.textContent).toContain('dataset "mnist" has changed');
  });

  it('takes the test split where the run has no validation split', async () => {
    const client = new FakeWorkbench({
      'app.info': () => APP_INFO,
      'models.evaluate': (p) => imageEvaluation(p),
    });
    const run = runDetail({ status: 'completed', checkpoints: KEPT, config: mlpConfig() });
    renderWithClient(<ModelPanel run={run} epochs={[epoch(1, { valLoss: null, valAcc: null })]} />, client);
    await screen.findByTestId('model-summary');
    expect([...(screen.getByTestId('model-split') as HTMLSelectElement).options].map((o) => o.value)).toEqual(
      ['test'],
    );
    expect(client.callsOf('models.evaluate')[0]).toMatchObject({ split: 'test' });
  });
});
