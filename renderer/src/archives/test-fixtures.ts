import type { ApiResult } from '../../../common/api/contract';
import type { ArchivePreview } from '../../../common/archive/manifest';

/** Archive answers shaped like the API's, for the archive views' tests. */

export function archivePreview(overrides: Partial<ArchivePreview> = {}): ArchivePreview {
  return {
    file: 'lab.wbx',
    manifest: {
      format: 'experiment-workbench-archive',
      formatVersion: 1,
      appVersion: '0.1.0',
      schemaVersion: 3,
      createdAt: '2025-03-04T10:20:00.000Z',
      sourceHost: 'lab-gpu-7',
      selection: '--grid 1f3a9c1e-aaaa-bbbb',
      counts: { runs: 4, epochs: 120, grids: 1, gridCells: 4, experiments: 1, datasets: 0, datasetArrays: 0 },
    },
    upgradedFrom: null,
    runs: 4,
    new: 2,
    identical: 1,
    conflicting: 1,
    grids: 1,
    gridsNew: 1,
    datasetsMissing: [],
    models: { included: false, checkpoints: 0, bytes: 0, leftOut: null, toAdd: 0, toAddBytes: 0 },
    runList: [
      { id: 'aaaaaaaa-0001', name: 'E5 · λ=0.01', kind: 'new', tagsDiffer: false, checkpoints: 0 },
      { id: 'aaaaaaaa-0002', name: 'E5 · λ=0.1', kind: 'new', tagsDiffer: false, checkpoints: 0 },
      { id: 'bbbbbbbb-0003', name: 'E5 · λ=0.5', kind: 'identical', tagsDiffer: true, checkpoints: 0 },
      {
        id: 'cccccccc-0004',
        name: 'E5 · λ=1',
        kind: 'conflicting',
        tagsDiffer: false,
        detail: 'status failed here, completed in the archive',
        checkpoints: 0,
      },
    ],
    ...overrides,
  };
}

export function importResult(
  preview: ArchivePreview,
  overrides: Partial<ApiResult<'archives.import'>> = {},
): ApiResult<'archives.import'> {
  return {
    ...preview,
    imported: preview.new,
    replaced: 0,
    skippedConflicts: preview.conflicting,
    tagsUnited: 0,
    gridsMerged: preview.grids - preview.gridsNew,
    datasetsImported: 0,
    checkpointsImported: 0,
    checkpointBytesImported: 0,
    ...overrides,
  };
}

export function exportAnswer(
  overrides: Partial<ApiResult<'archives.export'>> = {},
): ApiResult<'archives.export'> {
  return {
    transferId: 'T'.repeat(24),
    fileName: 'workbench-runs-2025-03-04.wbx',
    bytes: 48 * 1024,
    counts: { runs: 2, epochs: 50, grids: 0, gridCells: 0, experiments: 1, datasets: 0, datasetArrays: 0 },
    leftOut: [],
    ...overrides,
  };
}
