// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeWorkbench } from '../testing/fake-client';
import { APP_INFO, IRIS, MNIST, okCheck, PRESETS } from '../testing/fixtures';
import { renderWithClient } from '../testing/render';
import { NewRunView } from './NewRunView';
import { parseConfigText } from './JsonEditor';

afterEach(cleanup);
beforeEach(() => {
  window.location.hash = '#/new';
});

function workbench() {
  return new FakeWorkbench({
    'app.info': () => APP_INFO,
    'presets.list': () => PRESETS,
    'datasets.list': () => [MNIST, IRIS],
    'runs.list': () => [],
    'config.check': () => okCheck(),
    'runs.start': () => ({ runId: 'run-new' }),
  });
}

const editor = () => screen.getByTestId('config-json') as HTMLTextAreaElement;
const startButton = () => screen.getByTestId('start-run') as HTMLButtonElement;

describe('New run: JSON still being typed', () => {
  it('is not thrown away when a form field is edited, and keeps Start disabled', async () => {
    renderWithClient(<NewRunView />, workbench());
    await screen.findByTestId('model-summary');
    await waitFor(() => expect(startButton().disabled).toBe(false));
    const unfinished = editor()
      .value.replace('"seed": 1,', '"seed": 1, "training": {"epochs": 5}')
      .slice(0, -2);
    fireEvent.change(editor(), { target: { value: unfinished } });
    expect(screen.getByTestId('config-json-error').textContent).toMatch(/Not valid JSON/);

    fireEvent.change(screen.getByLabelText('Learning rate'), { target: { value: '0.003' } });
    // The form took the edit; the JSON box still holds what was typed, with its error.
    expect((screen.getByLabelText('Learning rate') as HTMLInputElement).value).toBe('0.003');
    expect(editor().value).toBe(unfinished);
    expect(screen.getByTestId('config-json-error').textContent).toMatch(/Not valid JSON/);
    expect(screen.getByTestId('config-json-changed').textContent).toMatch(/Your text is kept/);
    expect(startButton().disabled).toBe(true);
    expect(screen.getByTestId('check-status').textContent).toBe('Fix the JSON to check the config.');

    // Choosing the form's version drops the text for the config as the form has it.
    fireEvent.click(screen.getByTestId('config-json-changed-take'));
    expect(screen.queryByTestId('config-json-error')).toBeNull();
    expect(screen.queryByTestId('config-json-changed')).toBeNull();
    const config = JSON.parse(editor().value) as { training: { learningRate: number } };
    expect(config.training.learningRate).toBe(0.003);
    await waitFor(() => expect(startButton().disabled).toBe(false));
  });

  it('once finished, the typed JSON is the config', async () => {
    renderWithClient(<NewRunView />, workbench());
    await screen.findByTestId('model-summary');
    const whole = JSON.parse(editor().value) as Record<string, unknown>;
    fireEvent.change(editor(), { target: { value: '{"name": "typed' } });
    fireEvent.change(screen.getByLabelText('Seed'), { target: { value: '7' } });
    expect(editor().value).toBe('{"name": "typed');
    fireEvent.change(editor(), { target: { value: JSON.stringify({ ...whole, name: 'typed' }) } });
    expect(screen.queryByTestId('config-json-error')).toBeNull();
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('typed');
  });

  it('refuses a number JSON cannot carry (1e999), naming its field', () => {
    expect(parseConfigText('{"training": {"learningRate": 1e999}}')).toEqual({
      error: 'training.learningRate: the number is too large to store (numbers go up to about 1.8e308).',
    });
    expect(parseConfigText('[1]')).toEqual({ error: 'The config must be a JSON object ({…}).' });
  });
});
