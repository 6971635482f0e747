// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
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
  window.localStorage.clear();
  window.sessionStorage.clear();
});
afterEach(() => {
  cleanup();
  restoreLayout();
});

function workbench() {
  const rows = [
    runRow(1, { id: 'base', name: 'base' }),
    runRow(2, { id: 'fork', name: 'lower lr', parent: { runId: 'base', epoch: 2 } }),
  ];
  const detail = (id: string) =>
    runDetail({
      id,
      name: id === 'base' ? 'base' : 'lower lr',
      config: mlpConfig({ name: id }),
      parent: id === 'fork' ? { runId: 'base', epoch: 2 } : null,
    });
  return new FakeWorkbench({
    'app.info': () => APP_INFO,
    'runs.list': () => rows,
    'runs.get': ({ runId }) => detail(runId),
    'runs.details': ({ runIds }) => runIds.map((id) => ({ ...detail(id), versions: {} })),
    'runs.epochs': ({ runIds }) =>
      runIds.map((runId) => ({
        runId,
        epochs: runId === 'base' ? [1, 2, 3, 4].map((n) => epoch(n)) : [3, 4].map((n) => epoch(n)),
      })),
  });
}

describe('CompareView with forks', () => {
  it('says where a fork left its parent, and adds a missing parent in one click', async () => {
    renderWithClient(<CompareView initialIds={['fork']} />, workbench());
    const note = await screen.findByTestId('compare-lineage');
    expect(note.textContent).toContain('lower lr is a fork of run base at epoch 2.');
    fireEvent.click(screen.getByTestId('add-parent'));
    await waitFor(() => expect(window.location.hash).toBe('#/compare?ids=base,fork'));
    await waitFor(() =>
      expect(screen.getByTestId('compare-lineage').textContent).toBe(
        'lower lr is a fork of base at epoch 2: its curve starts at epoch 3, where it left its parent.',
      ),
    );
  });
});
