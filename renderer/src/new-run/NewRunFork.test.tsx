// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../common/api/contract';
import type { CheckpointInfo } from '../../../common/checkpoints/types';
import { FakeWorkbench } from '../testing/fake-client';
import { APP_INFO, IRIS, MNIST, mlpConfig, okCheck, PRESETS, runDetail, runRow } from '../testing/fixtures';
import { renderWithClient } from '../testing/render';
import { getPath } from './config-path';
import { NewRunView } from './NewRunView';

afterEach(cleanup);
beforeEach(() => {
  window.location.hash = '#/new?forkOf=run-parent&epoch=2';
});

const kept = (epoch: number, kinds: CheckpointInfo['kinds']): CheckpointInfo => ({
  epoch,
  kinds,
  trainingState: kinds.includes('last'),
  bytes: 120_000,
  sha256: 'cd'.repeat(32),
  createdAt: '2025-01-01T10:00:05.000Z',
});

function workbench(fork: () => { runId: string; parent: { runId: string; epoch: number } } = forkOk) {
  return new FakeWorkbench({
    'app.info': () => APP_INFO,
    'presets.list': () => PRESETS,
    'datasets.list': () => [MNIST, IRIS],
    'runs.list': () => [runRow(1, { id: 'run-parent', name: 'base' })],
    'runs.get': () =>
      runDetail({
        id: 'run-parent',
        name: 'base',
        status: 'completed',
        config: mlpConfig({ name: 'base' }),
        checkpoints: [kept(2, ['best']), kept(3, ['last'])],
      }),
    'config.check': () => okCheck(),
    'runs.fork': fork,
  });
}

function forkOk() {
  return { runId: 'run-fork', parent: { runId: 'run-parent', epoch: 2 } };
}

const editor = () => screen.getByTestId('config-json') as HTMLTextAreaElement;
const startButton = () => screen.getByTestId('start-run') as HTMLButtonElement;
const json = (path: string) => getPath(JSON.parse(editor().value), path);

describe('New run in fork mode', () => {
  it('opens on the parent’s config at the fork point and starts the fork through runs.fork', async () => {
    const client = workbench();
    renderWithClient(<NewRunView fork={{ runId: 'run-parent', epoch: 2 }} />, client);
    const banner = await screen.findByTestId('fork-banner');
    expect(within(banner).getByTestId('fork-parent').textContent).toBe('base');
    expect(within(banner).getByTestId('fork-epoch').textContent).toBe('2');
    expect(banner.textContent).toContain('numbered 3–3');
    expect(screen.queryByTestId('preset-select')).toBeNull();
    expect(json('name')).toBe('base · fork @2');
    expect(startButton().textContent).toBe('Start fork');

    fireEvent.change(screen.getByLabelText('Learning rate'), { target: { value: '0.005' } });
    fireEvent.change(screen.getByLabelText('Epochs'), { target: { value: '6' } });
    expect(screen.getByTestId('fork-changes').textContent).toBe(
      'Changed: training.epochs, training.learningRate.',
    );
    await waitFor(() => expect(startButton().disabled).toBe(false));
    fireEvent.click(startButton());
    await waitFor(() => expect(window.location.hash).toBe('#/runs/run-fork'));
    const [params] = client.callsOf('runs.fork') as {
      runId: string;
      epoch: number;
      config: { training: { learningRate: number; epochs: number } };
    }[];
    expect(params.runId).toBe('run-parent');
    expect(params.epoch).toBe(2);
    expect(params.config.training.learningRate).toBe(0.005);
    expect(params.config.training.epochs).toBe(6);
  });

  it('refuses a change to the architecture at its field, before anything is sent', async () => {
    const client = workbench();
    renderWithClient(<NewRunView fork={{ runId: 'run-parent', epoch: 'best' }} />, client);
    await screen.findByTestId('fork-banner');
    await waitFor(() => expect(startButton().disabled).toBe(false));
    fireEvent.change(screen.getByLabelText('Hidden units'), { target: { value: '64' } });
    await waitFor(() =>
      expect(screen.getByTestId('check-status').textContent).toBe('1 problem to fix before starting.'),
    );
    expect(startButton().disabled).toBe(true);
    expect(document.body.textContent).toContain('model.hiddenUnits cannot change');
    expect(client.callsOf('runs.fork')).toEqual([]);
  });

  it('shows the service’s refusal in the form, and an unkept epoch as an error naming the kept ones', async () => {
    const refusing = workbench(() => {
      throw new ApiError({
        code: 'conflict',
        message: 'checkpoint of run run-pare epoch 2 is damaged: SHA-256 mismatch',
      });
    });
    renderWithClient(<NewRunView fork={{ runId: 'run-parent', epoch: 2 }} />, refusing);
    await screen.findByTestId('fork-banner');
    fireEvent.change(screen.getByLabelText('Epochs'), { target: { value: '5' } });
    await waitFor(() => expect(startButton().disabled).toBe(false));
    fireEvent.click(startButton());
    expect((await screen.findByRole('alert')).textContent).toContain('SHA-256 mismatch');
    cleanup();

    renderWithClient(<NewRunView fork={{ runId: 'run-parent', epoch: 1 }} />, workbench());
    expect((await screen.findByRole('alert')).textContent).toContain(
      'base: Epoch 1 has no kept checkpoint to fork from (kept: 2, 3).',
    );
  });
});
