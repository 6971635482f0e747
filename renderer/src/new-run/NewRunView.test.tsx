// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConfigCheck } from '../../../common/api/contract';
import { FakeWorkbench } from '../testing/fake-client';
import { APP_INFO, IRIS, MNIST, mlpConfig, okCheck, PRESETS, runDetail, runRow } from '../testing/fixtures';
import { renderWithClient } from '../testing/render';
import { getPath } from './config-path';
import { NewRunView } from './NewRunView';

afterEach(cleanup);
beforeEach(() => {
  window.location.hash = '#/new';
});

/** config.check answers per config: issues while `batchSize` is 0, a summary otherwise. */
function checkConfig(config: unknown): ConfigCheck {
  const training = (config as { training?: { batchSize?: unknown } }).training;
  if (training?.batchSize === 0) {
    return {
      ok: false,
      issues: [
        { path: 'training.batchSize', message: 'expected an integer ≥ 1 or "full" (got 0)' },
        { path: 'mystery.field', message: 'unknown field' },
      ],
    };
  }
  return okCheck();
}

function workbench(runs = [runRow(1, { id: 'run-old', name: 'old run' })]) {
  return new FakeWorkbench({
    'app.info': () => APP_INFO,
    'presets.list': () => PRESETS,
    'datasets.list': () => [MNIST, IRIS],
    'runs.list': () => runs,
    'runs.get': () =>
      runDetail({ id: 'run-old', name: 'old run', config: mlpConfig({ name: 'old run', seed: 42 }) }),
    'config.check': ({ config }) => checkConfig(config),
    'runs.start': () => ({ runId: 'run-new' }),
  });
}

const editor = () => screen.getByTestId('config-json') as HTMLTextAreaElement;
const startButton = () => screen.getByTestId('start-run') as HTMLButtonElement;
/** A field of the config the JSON editor shows. */
const json = (path: string) => getPath(JSON.parse(editor().value), path);

describe('NewRunView', () => {
  it('opens on the last run’s config, offered first, with the presets in the server’s order', async () => {
    const client = workbench();
    renderWithClient(<NewRunView />, client);
    const select = (await screen.findByTestId('preset-select')) as HTMLSelectElement;
    expect(select.value).toBe('@last-run');
    expect(json('name')).toBe('old run');
    expect(json('seed')).toBe(42);
    const options = [...select.options].map((o) => o.textContent);
    expect(options).toEqual(['Last run: old run', ...PRESETS.map((p) => p.name)]);
    expect(client.callsOf('runs.get')).toEqual([{ runId: 'run-old' }]);
    expect((await screen.findByTestId('model-summary')).textContent).toContain('25,450');
    const hint = () => document.getElementById(select.getAttribute('aria-describedby') ?? '')?.textContent;
    expect(hint()).toBe('The stored config of old run.');
    // Once edited, the picker no longer claims the form holds that config.
    fireEvent.change(screen.getByLabelText('Seed'), { target: { value: '7' } });
    expect(hint()).toBe('Edited, starting from: The stored config of old run.');
  });

  it('without runs, starts from the first preset and shows the model summary once checked', async () => {
    const client = workbench([]);
    renderWithClient(<NewRunView />, client);
    await screen.findByTestId('preset-select');
    expect(json('name')).toBe(PRESETS[0].name);
    expect(startButton().disabled).toBe(true);
    const summary = await screen.findByTestId('model-summary');
    expect(summary.textContent).toContain('25,450');
    expect(within(summary).getByText('dense_2')).toBeTruthy();
    expect(screen.getByTestId('dataset-info').textContent).toContain('MNIST');
    expect(startButton().disabled).toBe(false);
  });

  it('shows config.check issues next to their field and above the form, and disables Start', async () => {
    renderWithClient(<NewRunView />, workbench());
    await screen.findByTestId('model-summary');
    const bad = {
      ...(PRESETS[0].config as object),
      training: { optimizer: 'sgd', learningRate: 0.1, batchSize: 0, epochs: 2 },
    };
    fireEvent.change(editor(), { target: { value: JSON.stringify(bad) } });
    // The summary of the previous config is no longer presented as this config's.
    expect(screen.queryByTestId('model-summary')).toBeNull();
    expect(startButton().disabled).toBe(true);
    const inline = await waitFor(() => {
      const element = document.querySelector('[data-testid="field-error"][data-path="training.batchSize"]');
      if (!element) throw new Error('no inline error yet');
      return element as HTMLElement;
    });
    expect(inline.textContent).toMatch(/integer/);
    // Inline: inside the Batch size row, whose input is marked invalid.
    const row = inline.closest('[data-field]') as HTMLElement;
    expect(row.getAttribute('data-field')).toBe('training.batchSize');
    expect(within(row).getAllByRole('textbox')[0].getAttribute('aria-invalid')).toBe('true');
    // A field the form has no control for is listed above the form.
    const general = document.querySelector('[data-testid="field-error"][data-path="mystery.field"]');
    expect(general?.closest('.general-issues')).toBeTruthy();
    expect(startButton().disabled).toBe(true);
  });

  it('keeps the form and the JSON editor in sync', async () => {
    renderWithClient(<NewRunView />, workbench());
    await screen.findByTestId('model-summary');
    fireEvent.change(screen.getByLabelText('Learning rate'), { target: { value: '0.003' } });
    expect(json('training.learningRate')).toBe(0.003);
    fireEvent.change(screen.getByLabelText('Hidden units'), { target: { value: '256, 128' } });
    expect(json('model.hiddenUnits')).toEqual([256, 128]);
    const edited = { ...(JSON.parse(editor().value) as object), seed: 99 };
    fireEvent.change(editor(), { target: { value: JSON.stringify(edited) } });
    expect((screen.getByLabelText('Seed') as HTMLInputElement).value).toBe('99');
    fireEvent.change(editor(), { target: { value: '{ not json' } });
    expect(screen.getByTestId('config-json-error').textContent).toMatch(/Not valid JSON/);
    expect(startButton().disabled).toBe(true);
  });

  it('switches the model kind with the CNN fields', async () => {
    renderWithClient(<NewRunView />, workbench());
    await screen.findByTestId('model-summary');
    fireEvent.change(screen.getByLabelText('Model kind'), { target: { value: 'cnn' } });
    expect(json('model')).toEqual({ kind: 'cnn', activation: 'relu', init: 'xavier' });
    expect(screen.getByLabelText('Filters')).toBeTruthy();
    expect(screen.queryByLabelText('Hidden units')).toBeNull();
  });

  it('switches between a preset and the newest run’s config, in editor form', async () => {
    const client = workbench();
    renderWithClient(<NewRunView />, client);
    await screen.findByTestId('model-summary');
    fireEvent.change(screen.getByTestId('preset-select'), { target: { value: PRESETS[1].id } });
    expect(json('name')).toBe(PRESETS[1].name);
    fireEvent.change(screen.getByTestId('preset-select'), { target: { value: '@last-run' } });
    await waitFor(() => expect(json('name')).toBe('old run'));
    expect(json('seed')).toBe(42);
  });

  it('starts the run with the edited config and opens its page', async () => {
    const client = workbench();
    renderWithClient(<NewRunView />, client);
    await screen.findByTestId('model-summary');
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'my run' } });
    await waitFor(() => expect(startButton().disabled).toBe(false));
    fireEvent.click(startButton());
    await waitFor(() => expect(window.location.hash).toBe('#/runs/run-new'));
    const [params] = client.callsOf('runs.start') as { config: { name: string } }[];
    expect(params.config.name).toBe('my run');
  });
});
