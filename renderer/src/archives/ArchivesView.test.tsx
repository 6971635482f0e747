// @vitest-environment jsdom
import { cleanup, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../common/api/contract';
import type { ArchivePreview } from '../../../common/archive/manifest';
import { FakeWorkbench, type FakeHandlers } from '../testing/fake-client';
import { APP_INFO, runDetail, runRow } from '../testing/fixtures';
import { simulateViewport } from '../testing/layout';
import { renderWithClient } from '../testing/render';
import { ArchivesView } from './ArchivesView';
import { archivePreview, exportAnswer, importResult } from './test-fixtures';

let restoreLayout: () => void;
beforeEach(() => {
  restoreLayout = simulateViewport();
});
afterEach(() => {
  cleanup();
  restoreLayout();
});

const ARCHIVE_BYTES = new TextEncoder().encode('SQLite format 3\0 and the rest');
const archiveFile = (name = 'lab.wbx') => new File([ARCHIVE_BYTES], name);

/** A store that previews `preview` for any upload, and imports it as the server would. */
function workbench(preview: ArchivePreview = archivePreview(), extra: FakeHandlers = {}) {
  return new FakeWorkbench({
    'app.info': () => APP_INFO,
    'runs.list': () => [
      runRow(1, { tags: ['e5', 'sweep'], status: 'completed' }),
      runRow(2, { tags: ['e5'], status: 'running' }),
      runRow(3, { tags: [], status: 'completed' }),
    ],
    'archives.inspect': () => preview,
    'archives.import': ({ onConflict }) =>
      onConflict === 'replace'
        ? importResult(preview, { replaced: preview.conflicting, skippedConflicts: 0 })
        : importResult(preview),
    ...extra,
  });
}

function pick(file: File) {
  fireEvent.change(screen.getByTestId('archive-file'), { target: { files: [file] } });
}

const count = (testId: string) => screen.getByTestId(testId).getAttribute('data-count');

describe('ArchivesView: import', () => {
  it('previews a picked archive before anything changes, then imports it with the conflict choice', async () => {
    const client = workbench(archivePreview({ upgradedFrom: 2 }));
    renderWithClient(<ArchivesView />, client);
    pick(archiveFile());
    await screen.findByTestId('archive-preview');

    // The bytes went up once, named as picked, and the preview is of that upload.
    expect(client.uploaded).toHaveLength(1);
    expect(client.uploaded[0].fileName).toBe('lab.wbx');
    expect([...client.uploaded[0].data]).toEqual([...ARCHIVE_BYTES]);
    expect(client.callsOf('archives.inspect')).toEqual([{ transferId: `upload${'1'.padStart(18, '0')}` }]);
    expect(client.callsOf('archives.import')).toEqual([]);

    expect(screen.getByTestId('archive-preview-headline').textContent).toBe(
      'lab.wbx: 4 runs: 2 new, 1 identical (skipped), 1 conflicting',
    );
    expect([count('preview-new'), count('preview-identical'), count('preview-conflicting')]).toEqual([
      '2',
      '1',
      '1',
    ]);
    expect(screen.getByTestId('preview-grids').textContent).toBe('1grid1 new');
    const manifest = screen.getByTestId('archive-manifest').textContent ?? '';
    expect(manifest).toContain('lab-gpu-7');
    expect(manifest).toContain('Experiment Workbench 0.1.0');
    expect(manifest).toContain('grid 1f3a9c1e');
    expect(screen.getByTestId('archive-schema').textContent).toBe(
      '3 (upgraded from store schema 2 on reading)',
    );
    expect(screen.getByText(/1 identical run has other tags in the archive/)).toBeTruthy();

    const conflict = screen.getByTestId('archive-conflict');
    expect(conflict.getAttribute('data-run-id')).toBe('cccccccc-0004');
    expect(within(conflict).getByText('status failed here, completed in the archive')).toBeTruthy();

    // Skip is the default; choosing replace says so on the button and goes with the import.
    const importButton = screen.getByTestId('archive-import-run');
    expect(importButton.textContent).toBe('Import 2 new runs');
    fireEvent.click(screen.getByTestId('on-conflict-replace'));
    expect(importButton.textContent).toBe('Import 2 new runs and replace 1');
    fireEvent.click(importButton);
    const summary = await screen.findByTestId('archive-import-summary');
    expect(client.callsOf('archives.import')).toEqual([
      { transferId: `upload${'1'.padStart(18, '0')}`, onConflict: 'replace' },
    ]);
    expect(summary.textContent).toBe(
      'Imported 2 new runs, replaced 1 conflicting run, 1 already here, 1 new grid.',
    );
    expect(screen.getByTestId('archive-show-runs').getAttribute('href')).toBe('#/runs');
  });

  it('takes a file dropped anywhere on the view the same way', async () => {
    const client = workbench(archivePreview({ conflicting: 0, runList: [], new: 3, identical: 0, runs: 3 }));
    renderWithClient(<ArchivesView />, client);
    const view = screen.getByTestId('archives-view');
    // A drag that carries no file (text being dragged around) is not taken.
    fireEvent.dragOver(view, { dataTransfer: { types: ['text/plain'], files: [] } });
    expect(view.className).not.toContain('dropping');
    fireEvent.dragOver(view, { dataTransfer: { types: ['Files'], files: [], dropEffect: 'none' } });
    expect(view.className).toContain('dropping');
    fireEvent.drop(view, { dataTransfer: { types: ['Files'], files: [archiveFile('dropped.wbx')] } });
    await screen.findByTestId('archive-preview');
    expect(view.className).not.toContain('dropping');
    expect(client.uploaded.map((u) => u.fileName)).toEqual(['dropped.wbx']);
    // No conflicts: no choice to make.
    expect(screen.queryByTestId('on-conflict-skip')).toBeNull();
    fireEvent.click(screen.getByTestId('archive-import-run'));
    await screen.findByTestId('archive-import-summary');
    expect(client.callsOf('archives.import')).toEqual([
      { transferId: `upload${'1'.padStart(18, '0')}`, onConflict: 'skip' },
    ]);
  });

  it('says what a missing dataset means', async () => {
    renderWithClient(
      <ArchivesView />,
      workbench(
        archivePreview({ datasetsMissing: [{ id: 'notmnist', fingerprint: 'f'.repeat(64), runs: 2 }] }),
      ),
    );
    pick(archiveFile());
    const missing = await screen.findByTestId('archive-datasets-missing');
    expect(missing.textContent).toContain('“notmnist”');
    expect(missing.textContent).toContain(
      '2 runs can be viewed and compared but not re-run until the dataset is imported',
    );
  });

  it('names the file in an error and changes nothing', async () => {
    const client = workbench(archivePreview(), {
      'archives.inspect': () => {
        throw new ApiError({ code: 'invalid-input', message: 'not an SQLite file (bad header)' });
      },
    });
    renderWithClient(<ArchivesView />, client);
    pick(archiveFile('notes.txt'));
    expect((await screen.findByTestId('archive-import-error')).textContent).toBe(
      'notes.txt: not an SQLite file (bad header)',
    );
    expect(screen.queryByTestId('archive-preview')).toBeNull();
    expect(client.callsOf('archives.import')).toEqual([]);
  });

  it('names the file once when the server’s message already starts with it', async () => {
    const client = workbench(archivePreview(), {
      'archives.inspect': () => {
        throw new ApiError({
          code: 'invalid-input',
          message: 'f.npz: not an Experiment Workbench archive (not an SQLite database file)',
        });
      },
    });
    renderWithClient(<ArchivesView />, client);
    pick(archiveFile('f.npz'));
    expect((await screen.findByTestId('archive-import-error')).textContent).toBe(
      'f.npz: not an Experiment Workbench archive (not an SQLite database file)',
    );
  });

  it('keeps the preview and shows the error when the import is refused', async () => {
    const client = workbench(archivePreview(), {
      'archives.import': () => {
        throw new ApiError({ code: 'conflict', message: 'the store is read-only' });
      },
    });
    renderWithClient(<ArchivesView />, client);
    pick(archiveFile());
    fireEvent.click(await screen.findByTestId('archive-import-run'));
    expect((await screen.findByTestId('archive-import-error')).textContent).toBe('the store is read-only');
    expect(screen.getByTestId('archive-preview')).toBeTruthy();
    expect((screen.getByTestId('archive-import-run') as HTMLButtonElement).disabled).toBe(false);
  });

  it('previews but cannot import into a read-only store', async () => {
    const client = new FakeWorkbench({
      'app.info': () => ({ ...APP_INFO, readOnly: true }),
      'runs.list': () => [runRow(1, { status: 'completed' })],
      'archives.inspect': () => archivePreview(),
    });
    renderWithClient(<ArchivesView />, client);
    pick(archiveFile());
    await screen.findByTestId('archive-preview');
    await screen.findByTestId('archive-import-read-only');
    expect((screen.getByTestId('archive-import-run') as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('ArchivesView: export', () => {
  it('exports a tag’s runs with the datasets’ data and saves the file', async () => {
    const client = workbench(archivePreview(), {
      'archives.export': () => exportAnswer({ leftOut: [{ id: 'run-00002', status: 'running' }] }),
    });
    renderWithClient(<ArchivesView />, client);
    const tag = (await screen.findByTestId('archive-tag')) as HTMLSelectElement;
    // Most used tag first, with its count.
    expect([...tag.options].map((o) => o.textContent)).toEqual(['e5 (2 runs)', 'sweep (1 run)']);
    expect(screen.getByTestId('archive-export-what').textContent).toMatch(
      /^2 runs tagged “e5” \(1 not finished yet\)/,
    );
    fireEvent.click(screen.getByTestId('archive-with-datasets'));
    fireEvent.click(screen.getByTestId('archive-export-run'));
    const result = await screen.findByTestId('archive-export-result');
    expect(client.callsOf('archives.export')).toEqual([{ selection: { tag: 'e5' }, withDatasets: true }]);
    expect(client.savedTransfers).toEqual([
      { transferId: 'T'.repeat(24), fileName: 'workbench-runs-2025-03-04.wbx' },
    ]);
    expect(result.textContent).toBe('Saved workbench-runs-2025-03-04.wbx: 2 runs, 50 epochs, 48 KB.');
    // The view knows the runs, so the left-out one is named.
    expect(screen.getByTestId('archive-left-out').textContent).toBe(
      '1 run left out, not finished yet: run 00002 (running). Export again once it has finished.',
    );
  });

  it('exports every run, and says when the save dialog was cancelled', async () => {
    const client = workbench(archivePreview(), { 'archives.export': () => exportAnswer() });
    client.saveTransferAnswer = false;
    renderWithClient(<ArchivesView />, client);
    fireEvent.click(await screen.findByTestId('archive-scope-all'));
    expect(screen.getByTestId('archive-export-what').textContent).toMatch(
      /^Every run: 3 runs \(1 not finished yet\)/,
    );
    fireEvent.click(screen.getByTestId('archive-export-run'));
    await waitFor(() =>
      expect(client.callsOf('archives.export')).toEqual([{ selection: { all: true }, withDatasets: false }]),
    );
    expect((await screen.findByTestId('archive-export-result')).textContent).toMatch(
      /^Not saved \(cancelled\)/,
    );
  });

  it('carries the models when asked, showing what they weigh first', async () => {
    const bytes = { 'run-00001': 3 * 1024 ** 2, 'run-00003': 1024 ** 2 } as Record<string, number>;
    const client = workbench(archivePreview(), {
      'runs.details': ({ runIds }) =>
        runIds.map((id) => ({
          ...runDetail({ status: 'completed' }),
          id,
          checkpoints: [
            { epoch: 3, kinds: ['best'], trainingState: false, bytes: 1, sha256: 'a', createdAt: 'x' },
            { epoch: 9, kinds: ['last'], trainingState: true, bytes: 1, sha256: 'b', createdAt: 'x' },
          ],
          checkpointBytes: bytes[id] ?? 0,
        })),
      'archives.export': () =>
        exportAnswer({ counts: { ...exportAnswer().counts, checkpoints: 4 }, bytes: 4 * 1024 ** 2 }),
    });
    renderWithClient(<ArchivesView />, client);
    fireEvent.click(await screen.findByTestId('archive-scope-all'));
    // Every finished run's checkpoints (the running one is never exported).
    await waitFor(() =>
      expect(screen.getByTestId('archive-models-size').textContent).toBe(': 4 checkpoints, 4.0 MB'),
    );
    expect(client.callsOf('runs.details').at(-1)).toEqual({ runIds: ['run-00001', 'run-00003'] });
    fireEvent.click(screen.getByTestId('archive-with-models'));
    fireEvent.click(screen.getByTestId('archive-export-run'));
    expect((await screen.findByTestId('archive-export-result')).textContent).toBe(
      'Saved workbench-runs-2025-03-04.wbx: 2 runs, 50 epochs, 4 checkpoints, 4.0 MB.',
    );
    expect(client.callsOf('archives.export')).toEqual([
      { selection: { all: true }, withDatasets: false, withModels: true },
    ]);
  });

  it('shows no size where the runs’ details cannot be read, and exports without models by default', async () => {
    const client = workbench(archivePreview(), { 'archives.export': () => exportAnswer() });
    renderWithClient(<ArchivesView />, client);
    await screen.findByTestId('archive-with-models');
    await waitFor(() => expect(client.callsOf('runs.details')).toHaveLength(1));
    expect(screen.getByTestId('archive-models-size').textContent).toBe('');
    fireEvent.click(screen.getByTestId('archive-export-run'));
    await screen.findByTestId('archive-export-result');
    expect(client.callsOf('archives.export')).toEqual([{ selection: { tag: 'e5' }, withDatasets: false }]);
  });
});

describe('ArchivesView: models in the preview', () => {
  it('says whether the archive carries models, and what the import adds', async () => {
    const client = workbench(
      archivePreview({
        models: {
          included: true,
          checkpoints: 6,
          bytes: 2 * 1024 ** 2,
          leftOut: null,
          toAdd: 4,
          toAddBytes: 1024,
        },
      }),
    );
    renderWithClient(<ArchivesView />, client);
    pick(archiveFile());
    expect((await screen.findByTestId('archive-models')).textContent).toBe(
      '6 checkpoints, 2.0 MB (4 new here)',
    );
  });
});
