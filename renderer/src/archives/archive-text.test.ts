import { describe, expect, it } from 'vitest';
import {
  archiveModelsText,
  countsText,
  formatBytes,
  gridsHint,
  importSummary,
  leftOutText,
  manifestText,
  missingDatasetText,
  modelSizeText,
  previewHeadline,
  selectionText,
} from './archive-text';
import { archivePreview, importResult } from './test-fixtures';

describe('archive texts', () => {
  it('sizes files as file managers do', () => {
    expect(formatBytes(812)).toBe('812 B');
    expect(formatBytes(14.2 * 1024)).toBe('14 KB');
    expect(formatBytes(3.14 * 1024)).toBe('3.1 KB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GB');
  });

  it('counts what an archive holds, singular and plural', () => {
    const base = {
      runs: 1,
      epochs: 25,
      grids: 0,
      gridCells: 0,
      experiments: 1,
      datasets: 0,
      datasetArrays: 0,
    };
    expect(countsText(base)).toBe('1 run, 25 epochs');
    expect(countsText({ ...base, runs: 6, grids: 1, gridCells: 6 })).toBe(
      '6 runs, 25 epochs, 1 grid (6 cells)',
    );
    expect(countsText({ ...base, datasets: 2, datasetArrays: 2 })).toBe(
      '1 run, 25 epochs, 2 imported datasets with their data',
    );
    expect(countsText({ ...base, checkpoints: 2 })).toBe('1 run, 25 epochs, 2 checkpoints');
    expect(countsText({ ...base, checkpoints: 0 })).toBe('1 run, 25 epochs');
  });

  it('says what models an export would carry and what an archive holds of them', () => {
    expect(modelSizeText(null)).toBe('');
    expect(modelSizeText({ checkpoints: 0, bytes: 0 })).toBe(': none kept by these runs');
    expect(modelSizeText({ checkpoints: 4, bytes: 3.1 * 1024 ** 2 })).toBe(': 4 checkpoints, 3.1 MB');
    const none = { included: false, checkpoints: 0, bytes: 0, leftOut: null, toAdd: 0, toAddBytes: 0 };
    expect(archiveModelsText(none)).toBe('not included');
    expect(archiveModelsText({ ...none, leftOut: { checkpoints: 3, bytes: 2048 } })).toBe(
      'not included: the runs keep 3 checkpoints, 2.0 KB, where it was written (export with models to bring them)',
    );
    expect(
      archiveModelsText({ ...none, included: true, checkpoints: 1, bytes: 1024, toAdd: 1, toAddBytes: 1024 }),
    ).toBe('1 checkpoint, 1.0 KB (1 new here)');
    expect(archiveModelsText({ ...none, included: true, checkpoints: 2, bytes: 512 })).toBe(
      '2 checkpoints, 512 B (none new here)',
    );
  });

  it('names the runs an export left out, by name where known', () => {
    expect(leftOutText([])).toBeNull();
    const text = leftOutText(
      [
        { id: 'abcdef12-3456', status: 'running' },
        { id: '98765432-1000', status: 'queued' },
      ],
      new Map([['abcdef12-3456', 'E5 · λ=0.1']]),
    );
    expect(text).toBe(
      '2 runs left out, not finished yet: E5 · λ=0.1 (running), 98765432 (queued). Export again once they have finished.',
    );
  });

  it('reads the manifest’s selection in words', () => {
    expect(selectionText('--all')).toBe('every run');
    expect(selectionText('--tag e5 sweep')).toBe('tag “e5 sweep”');
    expect(selectionText('--grid 1f3a9c1e-aaaa')).toBe('grid 1f3a9c1e');
    expect(selectionText('3 runs')).toBe('selected 3 runs');
    expect(manifestText(archivePreview().manifest)).toMatch(
      /^written \d{4}-\d\d-\d\d \d\d:\d\d on lab-gpu-7 by Experiment Workbench 0\.1\.0, store schema 3 \(grid 1f3a9c1e\)$/,
    );
  });

  it('sums up a preview and an import', () => {
    const preview = archivePreview();
    expect(previewHeadline(preview)).toBe('4 runs: 2 new, 1 identical (skipped), 1 conflicting');
    expect(gridsHint(preview)).toBe('1 new');
    expect(gridsHint({ grids: 3, gridsNew: 1 })).toBe('1 new, 2 already here (cells merged)');
    expect(gridsHint({ grids: 0, gridsNew: 0 })).toBe('none in the archive');
    expect(missingDatasetText({ id: 'notmnist', fingerprint: 'ab'.repeat(32), runs: 3 })).toBe(
      '“notmnist” (abababababab…) is not in this store: 3 runs can be viewed and compared but not re-run until the dataset is imported (workbench import).',
    );
    expect(importSummary(importResult(preview))).toBe(
      'Imported 2 new runs, 1 already here, 1 conflicting run left as it was, 1 new grid.',
    );
    expect(
      importSummary(
        importResult(preview, {
          replaced: 1,
          skippedConflicts: 0,
          tagsUnited: 1,
          gridsMerged: 1,
          gridsNew: 0,
        }),
      ),
    ).toBe(
      'Imported 2 new runs, replaced 1 conflicting run, 1 already here, tags united on 1 run, 1 grid merged into the one already here.',
    );
    expect(
      importSummary(importResult(archivePreview({ new: 0, identical: 4, conflicting: 0, gridsNew: 0 }))),
    ).toBe('Imported 0 new runs, 4 already here, 1 grid merged into the one already here.');
  });
});
