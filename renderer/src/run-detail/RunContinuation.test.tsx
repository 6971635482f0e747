// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../common/api/contract';
import type { CheckpointInfo } from '../../../common/checkpoints/types';
import type { RunStatus } from '../../../common/types';
import { FakeWorkbench } from '../testing/fake-client';
import { APP_INFO, epoch, runDetail } from '../testing/fixtures';
import { simulateViewport } from '../testing/layout';
import { renderWithClient } from '../testing/render';
import { RunDetailView } from './RunDetailView';

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = simulateViewport();
  window.location.hash = '#/runs/run-live';
});
afterEach(() => {
  cleanup();
  restoreLayout();
});

const kept = (epochNo: number, kinds: CheckpointInfo['kinds'], trainingState = kinds.includes('last')) => ({
  epoch: epochNo,
  kinds,
  trainingState,
  bytes: 2_500_000,
  sha256: 'ef'.repeat(32),
  createdAt: '2025-01-01T10:00:05.000Z',
});

interface Setup {
  status: RunStatus;
  checkpoints?: CheckpointInfo[];
  epochs?: number[];
  resume?: () => { runId: string; fromEpoch: number; epochs: number };
  extra?: Partial<Parameters<typeof runDetail>[0]>;
}

function workbench({ status, checkpoints = [], epochs = [1, 2, 3], resume, extra = {} }: Setup) {
  return new FakeWorkbench({
    'app.info': () => APP_INFO,
    'runs.get': ({ runId }) =>
      runId === 'run-parent'
        ? runDetail({ id: 'run-parent', name: 'the parent', status: 'completed' })
        : runDetail({ status, epochs: epochs.length, checkpoints, checkpointBytes: 5_000_000, ...extra }),
    'runs.epochs': ({ runIds }) =>
      runIds.map((runId) => ({
        runId,
        epochs: runId === 'run-parent' ? [1, 2, 3, 4].map((n) => epoch(n)) : epochs.map((n) => epoch(n)),
      })),
    'runs.resume': resume ?? (() => ({ runId: 'run-live', fromEpoch: 3, epochs: 5 })),
  });
}

describe('Run page: resume, extend, fork, lineage', () => {
  it('resumes an interrupted run from its last checkpoint in the same run', async () => {
    const client = workbench({ status: 'interrupted', checkpoints: [kept(2, ['best']), kept(3, ['last'])] });
    renderWithClient(<RunDetailView runId="run-live" />, client);
    const resume = await screen.findByTestId('resume-run');
    expect(resume.textContent).toBe('Resume from epoch 3');
    fireEvent.click(resume);
    await waitFor(() => expect(client.callsOf('runs.resume')).toEqual([{ runId: 'run-live' }]));
    expect(screen.queryByTestId('extend-run')).toBeNull();
  });

  it('extends a completed run to more epochs in all, refusing fewer than it has', async () => {
    const client = workbench({ status: 'completed', checkpoints: [kept(3, ['best', 'last'])] });
    renderWithClient(<RunDetailView runId="run-live" />, client);
    fireEvent.click(await screen.findByTestId('extend-run'));
    const input = screen.getByTestId('extend-epochs') as HTMLInputElement;
    expect(input.value).toBe('6');
    fireEvent.change(input, { target: { value: '3' } });
    expect(screen.getByText('Extend').closest('button')?.disabled).toBe(true);
    expect(document.body.textContent).toContain(
      'Expected a whole number of epochs in all, more than the 3 logged.',
    );
    fireEvent.change(input, { target: { value: '10' } });
    fireEvent.click(screen.getByText('Extend'));
    await waitFor(() => expect(client.callsOf('runs.resume')).toEqual([{ runId: 'run-live', epochs: 10 }]));
  });

  it('shows a refusal inline, and says why a run without training state cannot continue', async () => {
    const refusing = workbench({
      status: 'failed',
      checkpoints: [kept(3, ['last'])],
      resume: () => {
        throw new ApiError({ code: 'conflict', message: 'run run-live is running by pid 7 on lab-2' });
      },
    });
    renderWithClient(<RunDetailView runId="run-live" />, refusing);
    fireEvent.click(await screen.findByTestId('resume-run'));
    expect((await screen.findByTestId('action-error')).textContent).toBe(
      'run run-live is running by pid 7 on lab-2',
    );
    cleanup();

    renderWithClient(
      <RunDetailView runId="run-live" />,
      workbench({ status: 'interrupted', checkpoints: [kept(2, ['best'])] }),
    );
    expect((await screen.findByTestId('no-continue')).textContent).toBe(
      'Epoch 3 has no training state kept, so this run cannot resume: re-run it, or fork it from epoch 2.',
    );
    expect(screen.queryByTestId('resume-run')).toBeNull();
  });

  it('lists kept checkpoints with sizes and fork links, in the panel and the epochs table', async () => {
    renderWithClient(
      <RunDetailView runId="run-live" />,
      workbench({ status: 'completed', checkpoints: [kept(2, ['best']), kept(3, ['last'])] }),
    );
    const panel = await screen.findByTestId('checkpoints');
    expect(within(panel).getByTestId('checkpoints-summary').textContent).toBe(
      'Policy: best-and-last. 2 kept, 5.0 MB in the store.',
    );
    const rows = within(panel).getAllByTestId('checkpoint-row');
    expect(rows.map((r) => r.getAttribute('data-epoch'))).toEqual(['2', '3']);
    expect(within(rows[0]).getByText('weights only')).toBeTruthy();
    expect(within(rows[1]).getByText('2.5 MB')).toBeTruthy();
    expect(
      within(panel)
        .getAllByTestId('fork-from-checkpoint')
        .map((a) => a.getAttribute('href')),
    ).toEqual(['#/new?forkOf=run-live&epoch=2', '#/new?forkOf=run-live&epoch=3']);
    const tableLinks = screen.getAllByTestId('fork-from-epoch');
    expect(tableLinks.map((a) => [a.textContent, a.getAttribute('href')])).toEqual([
      ['best · fork', '#/new?forkOf=run-live&epoch=2'],
      ['last · fork', '#/new?forkOf=run-live&epoch=3'],
    ]);
    expect(screen.getByTestId('fork-run').getAttribute('href')).toBe('#/new?forkOf=run-live&epoch=3');
  });

  it('links a fork to its parent and a parent to its forks', async () => {
    renderWithClient(
      <RunDetailView runId="run-live" />,
      workbench({
        status: 'completed',
        epochs: [5, 6, 7],
        checkpoints: [kept(7, ['best', 'last'])],
        extra: {
          parent: { runId: 'run-parent', epoch: 4 },
          epochsPlanned: 7,
          children: [{ id: 'run-child', name: 'lower lr', epoch: 6, status: 'running' }],
        },
      }),
    );
    const parent = await screen.findByTestId('lineage-parent');
    await waitFor(() => expect(parent.textContent).toContain('Forked from the parent at its epoch 4'));
    expect(parent.querySelector('a')?.getAttribute('href')).toBe('#/runs/run-parent');
    expect(screen.getByTestId('compare-with-parent').getAttribute('href')).toBe(
      '#/compare?ids=run-parent,run-live',
    );
    expect(screen.getByTestId('epochs-done').textContent).toBe('7/7 epochs (from 5, forked)');
    const children = screen.getByTestId('lineage-children');
    expect(children.textContent).toContain('lower lr from epoch 6');
    expect(children.querySelector('a')?.getAttribute('href')).toBe('#/runs/run-child');
    expect(screen.getByTestId('children-filter').getAttribute('href')).toBe(
      '#/runs?filter=parent%3Arun-live',
    );
  });
});
