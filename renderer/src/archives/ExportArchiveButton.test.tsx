// @vitest-environment jsdom
import { cleanup, fireEvent, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../common/api/contract';
import { RunsView } from '../runs/RunsView';
import { FakeWorkbench } from '../testing/fake-client';
import { APP_INFO, runDetail, runRow } from '../testing/fixtures';
import { simulateViewport } from '../testing/layout';
import { renderWithClient } from '../testing/render';
import { exportAnswer } from './test-fixtures';

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = simulateViewport();
});
afterEach(() => {
  cleanup();
  restoreLayout();
});

const ROWS = [1, 2, 3].map((i) => runRow(i, { status: i === 3 ? 'running' : 'completed' }));

const box = (id: string) =>
  within(document.querySelector(`[data-run-id="${id}"]`) as HTMLElement).getByRole('checkbox');

describe('Export archive from the Runs selection', () => {
  it('exports the checked runs and names the ones left out because they still run', async () => {
    const client = new FakeWorkbench({
      'app.info': () => APP_INFO,
      'runs.list': () => ROWS,
      'archives.export': () => exportAnswer({ leftOut: [{ id: 'run-00003', status: 'running' }] }),
      'runs.details': ({ runIds }) => runIds.map((id) => ({ ...runDetail({ name: `name of ${id}` }), id })),
    });
    renderWithClient(<RunsView />, client);
    await screen.findByTestId('runs-table');
    const button = screen.getByTestId('export-archive') as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    fireEvent.click(box('run-00001'));
    fireEvent.click(box('run-00003'));
    expect(button.disabled).toBe(false);
    fireEvent.click(button);
    const dialog = screen.getByRole('dialog', { name: 'Export an archive' });
    expect(button.getAttribute('aria-expanded')).toBe('true');
    // Focus moves into the dialog.
    expect(document.activeElement).toBe(screen.getByTestId('archive-with-datasets'));
    expect(within(dialog).getByTestId('archive-export-what').textContent).toMatch(/^2 selected runs\./);
    fireEvent.click(within(dialog).getByTestId('archive-export-run'));
    expect((await screen.findByTestId('archive-left-out')).textContent).toBe(
      '1 run left out, not finished yet: name of run-00003 (running). Export again once it has finished.',
    );
    const [call] = client.callsOf('archives.export') as { selection: { runIds: string[] } }[];
    expect([...call.selection.runIds].sort()).toEqual(['run-00001', 'run-00003']);
    expect(client.savedTransfers.map((t) => t.fileName)).toEqual(['workbench-runs-2025-03-04.wbx']);
    expect(screen.getByTestId('archive-export-result').textContent).toContain('2 runs, 50 epochs');

    // Escape closes it and gives focus back to the button.
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  it('shows why the server refused', async () => {
    const client = new FakeWorkbench({
      'app.info': () => APP_INFO,
      'runs.list': () => ROWS,
      'archives.export': () => {
        throw new ApiError({
          code: 'invalid-input',
          message: 'nothing to export: every run 1 run selects is still queued or running',
        });
      },
    });
    renderWithClient(<RunsView />, client);
    await screen.findByTestId('runs-table');
    fireEvent.click(box('run-00003'));
    fireEvent.click(screen.getByTestId('export-archive'));
    fireEvent.click(screen.getByTestId('archive-export-run'));
    expect((await screen.findByTestId('archive-export-error')).textContent).toMatch(
      /still queued or running/,
    );
    expect(client.savedTransfers).toEqual([]);
  });
});
