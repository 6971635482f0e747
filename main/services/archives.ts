import type { ArchiveImportResult, ArchivePreview } from '../../common/archive/manifest';
import { listDatasets } from '../datasets/catalog';
import { exportRunArchive } from '../store/archive/export-archive';
import type { ArchiveSelection, RunStore } from '../store/run-store';

/**
 * Run archives as the CLI and the API use them: the store does the file work; this adds what only the
 * services know, such as which datasets this installation can train on (built-in ones have no rows).
 */

export function knownDatasetFingerprints(store: RunStore, cacheDir: string): Set<string> {
  return new Set(listDatasets(store, { cacheDir }).map((d) => d.fingerprint));
}

export function inspectArchive(store: RunStore, cacheDir: string, file: string): ArchivePreview {
  return store.previewArchive(file, knownDatasetFingerprints(store, cacheDir));
}

export function importArchiveFile(
  store: RunStore,
  cacheDir: string,
  file: string,
  onConflict: 'skip' | 'replace' = 'skip',
): ArchiveImportResult {
  return store.importArchive(file, {
    onConflict,
    knownFingerprints: knownDatasetFingerprints(store, cacheDir),
  });
}

/** `withModels`: the runs' checkpoints (rows and blobs) too; without, the archive holds none. */
export function exportArchive(
  store: RunStore,
  selection: ArchiveSelection,
  out: string,
  options: { withDatasets: boolean; withModels?: boolean; appVersion: string },
) {
  return exportRunArchive(store, selection, out, {
    withDatasets: options.withDatasets,
    withModels: options.withModels === true,
    appVersion: options.appVersion,
  });
}

/** The counts every answer about an archive starts with (what `--json` of inspect and import print first). */
export function archiveCounts(preview: ArchivePreview) {
  return {
    runs: preview.runs,
    new: preview.new,
    identical: preview.identical,
    conflicting: preview.conflicting,
    grids: preview.grids,
    gridsNew: preview.gridsNew,
    datasetsMissing: preview.datasetsMissing,
    models: preview.models,
  };
}
