// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CheckpointInfo } from '../../../common/checkpoints/types';
import { buildEvaluation } from '../../../common/model-eval/evaluation';
import { DIVERGING } from '../../../common/plot/diverging-colour-scale';
import { FakeWorkbench } from '../testing/fake-client';
import { APP_INFO, epoch, mlpConfig, runDetail } from '../testing/fixtures';
import { simulateViewport } from '../testing/layout';
import { plotlyStandIn as plotly } from '../testing/plotly-stand-in';
import { renderWithClient } from '../testing/render';
import { CompareModels } from './CompareModels';

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

const kept = (e: number): CheckpointInfo[] => [
  {
    epoch: e,
    kinds: ['best', 'last'],
    trainingState: true,
    bytes: 10,
    sha256: `s${e}`,
    createdAt: '2025-01-01T10:00:00.000Z',
  },
];

/** Run a: labels 0 0 1 1, predicted 0 1 1 1; run b: all right; run c keeps nothing. */
const PREDICTED: Record<string, number[]> = { a: [0, 1, 1, 1], b: [0, 0, 1, 1] };

function setUp(ids: string[], classesOf: (id: string) => string[] = () => ['no', 'yes']) {
  const details = Object.fromEntries(
    ids.map((id) => [
      id,
      runDetail({ id, name: `run ${id}`, status: 'completed', checkpoints: id === 'c' ? [] : kept(3) }),
    ]),
  );
  const client = new FakeWorkbench({
    'app.info': () => APP_INFO,
    'runs.details': ({ runIds }) => runIds.map((id) => details[id]),
    'models.evaluate': ({ runId, split }) =>
      buildEvaluation({
        runId,
        epoch: 3,
        split: split ?? 'validation',
        loss: 0.5,
        labels: [0, 0, 1, 1],
        predicted: PREDICTED[runId],
        confidence: [0.9, 0.8, 0.7, 0.6],
        classes: classesOf(runId),
        inputShape: [2],
      }),
  });
  const runs = ids.map((id) => ({ id, name: `run ${id}`, config: mlpConfig() }));
  const epochs = ids.map((id) => ({ runId: id, epochs: [epoch(1), epoch(2), epoch(3)] }));
  renderWithClient(<CompareModels runs={runs} epochs={epochs} />, client);
  return client;
}

const z = (label: RegExp) => (plotly.chart(label).data[0] as { z: number[][] }).z;

describe('CompareModels', () => {
  it('puts the two kept models side by side with B − A on a diverging scale', async () => {
    const client = setUp(['a', 'b', 'c']);
    await screen.findByTestId('compare-models');
    await waitFor(() => expect(plotly.charts.size).toBe(3));
    expect(client.callsOf('models.evaluate')).toEqual([
      { runId: 'a', epoch: 'best', split: 'validation' },
      { runId: 'b', epoch: 'best', split: 'validation' },
    ]);
    expect(z(/^A: run a/)).toEqual([
      [1, 1],
      [0, 2],
    ]);
    expect(z(/^B: run b/)).toEqual([
      [2, 0],
      [0, 2],
    ]);
    expect(z(/^B − A/)).toEqual([
      [1, -1],
      [0, 0],
    ]);
    const diff = plotly.chart(/^B − A/).data[0] as {
      colorscale: [number, string][];
      zmid: number;
      zmin: number;
      zmax: number;
    };
    expect(diff.colorscale.map((s) => s[1])).toEqual([...DIVERGING]);
    expect([diff.zmin, diff.zmid, diff.zmax]).toEqual([-1, 0, 1]);
    expect((plotly.chart(/^B − A/).data[0] as { text: string[][] }).text[0]).toEqual(['+1', '−1']);

    fireEvent.click(screen.getByTestId('compare-models-mode'));
    await waitFor(() => expect(z(/^B − A/)[0]).toEqual([0.5, -0.5]));

    fireEvent.click(screen.getByTestId('export-confusion-diff-svg'));
    await waitFor(() => expect(client.saved).toHaveLength(1));
    expect(client.saved[0].fileName).toBe('run-b-minus-run-a-confusion.svg');
    expect(client.saved[0].data).toContain('run b − run a: confusion difference (row-normalised)');
  });

  it('asks for exactly two runs with kept checkpoints', async () => {
    const client = setUp(['a', 'c']);
    expect((await screen.findByTestId('compare-models-note')).textContent).toBe(
      'Confusion matrices side by side need exactly two finished runs that keep checkpoints; 1 of the 2 compared runs does (run a).',
    );
    expect(client.callsOf('models.evaluate')).toEqual([]);
  });

  it('refuses models of other classes, naming both', async () => {
    setUp(['a', 'b'], (id) => (id === 'a' ? ['no', 'yes'] : ['cat', 'dog']));
    expect((await screen.findByTestId('compare-models-note')).textContent).toMatch(
      /^The two models predict different classes \(no, yes and cat, dog\)/,
    );
  });
});
