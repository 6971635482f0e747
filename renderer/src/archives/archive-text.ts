import type { ApiParams, ApiResult } from '../../../common/api/contract';
import type { ArchiveManifest, ArchivePreview } from '../../../common/archive/manifest';
import { formatDateTime } from '../common/format';

/** What the export dialogs and the Archives view say, as plain functions so they are tested without a DOM. */

export type ArchiveSelection = ApiParams<'archives.export'>['selection'];
export type ArchiveExport = ApiResult<'archives.export'>;

/** `1 run`, `3 runs`: counts read as words everywhere in the archive views. */
export function plural(count: number, word: string, many = `${word}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? word : many}`;
}

/** Archive sizes: `812 B`, `14.2 KB`, `3.1 MB` (powers of 1024, as file managers show them). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** `3 runs, 75 epochs, 4 checkpoints, 1 grid (6 cells), imported datasets' data for 1`: what an archive holds. */
export function countsText(counts: ArchiveManifest['counts']): string {
  const parts = [plural(counts.runs, 'run'), plural(counts.epochs, 'epoch')];
  if (counts.checkpoints) parts.push(plural(counts.checkpoints, 'checkpoint'));
  if (counts.grids > 0) parts.push(`${plural(counts.grids, 'grid')} (${plural(counts.gridCells, 'cell')})`);
  if (counts.datasets > 0) {
    parts.push(
      counts.datasetArrays > 0
        ? `${plural(counts.datasets, 'imported dataset')} with ${counts.datasetArrays === 1 ? 'its' : 'their'} data`
        : plural(counts.datasets, 'imported dataset') + ' (description only)',
    );
  }
  return parts.join(', ');
}

/**
 * The runs an export left out because they were still queued or running, named when the caller knows
 * their names (short ids otherwise): `2 runs left out, still running: E5 · λ=0.1 (running), 3f2a9c1e (queued)`.
 */
export function leftOutText(
  leftOut: ArchiveExport['leftOut'],
  names: ReadonlyMap<string, string> = new Map(),
): string | null {
  if (leftOut.length === 0) return null;
  const list = leftOut.map((r) => `${names.get(r.id) ?? r.id.slice(0, 8)} (${r.status})`).join(', ');
  return `${plural(leftOut.length, 'run')} left out, not finished yet: ${list}. Export again once ${
    leftOut.length === 1 ? 'it has' : 'they have'
  } finished.`;
}

/** The kept checkpoints of what is about to be exported; null while unknown (loading, or it could not be read). */
export interface ModelSize {
  checkpoints: number;
  bytes: number;
}

/** After the "With models (checkpoints)" label: `: 4 checkpoints, 1.2 MB`, `: none kept`, or nothing while unknown. */
export function modelSizeText(size: ModelSize | null): string {
  if (size === null) return '';
  if (size.checkpoints === 0) return ': none kept by these runs';
  return `: ${plural(size.checkpoints, 'checkpoint')}, ${formatBytes(size.bytes)}`;
}

/**
 * An archive's models as the preview shows them: `4 checkpoints, 1.2 MB (2 new here)`, or why there are none
 * (`not included: the runs keep 4 checkpoints, 1.2 MB, where it was written`).
 */
export function archiveModelsText(models: ArchivePreview['models']): string {
  if (models.included) {
    return (
      `${plural(models.checkpoints, 'checkpoint')}, ${formatBytes(models.bytes)} ` +
      `(${models.toAdd === 0 ? 'none new here' : `${models.toAdd} new here`})`
    );
  }
  if (models.leftOut && models.leftOut.checkpoints > 0) {
    return (
      `not included: the runs keep ${plural(models.leftOut.checkpoints, 'checkpoint')}, ` +
      `${formatBytes(models.leftOut.bytes)}, where it was written (export with models to bring them)`
    );
  }
  return 'not included';
}

/** One line of provenance: `written 2025-01-02 10:00 on lab-gpu by Experiment Workbench 0.1.0 (--grid 1f3a)`. */
export function manifestText(manifest: ArchiveManifest): string {
  return (
    `written ${formatDateTime(manifest.createdAt)} on ${manifest.sourceHost} by Experiment Workbench ` +
    `${manifest.appVersion}, store schema ${manifest.schemaVersion} (${selectionText(manifest.selection)})`
  );
}

/** The manifest records the selection in the CLI's words (`--grid 1f3a…`, `--tag e5`, `--all`, `3 runs`). */
export function selectionText(recorded: string): string {
  if (recorded === '--all') return 'every run';
  const grid = /^--grid (\S+)$/.exec(recorded);
  if (grid) return `grid ${grid[1].slice(0, 8)}`;
  const tag = /^--tag (.+)$/.exec(recorded);
  if (tag) return `tag “${tag[1]}”`;
  return `selected ${recorded}`;
}

/** The preview's headline: `4 runs: 3 new, 1 identical (skipped), 0 conflicting`. */
export function previewHeadline(
  preview: Pick<ArchivePreview, 'runs' | 'new' | 'identical' | 'conflicting'>,
): string {
  return (
    `${plural(preview.runs, 'run')}: ${preview.new} new, ${preview.identical} identical (skipped), ` +
    `${preview.conflicting} conflicting`
  );
}

/** Under the grid count: `1 new`, `1 new, 2 already here (cells merged)`, `none in the archive`. */
export function gridsHint(preview: Pick<ArchivePreview, 'grids' | 'gridsNew'>): string {
  if (preview.grids === 0) return 'none in the archive';
  const known = preview.grids - preview.gridsNew;
  return `${preview.gridsNew} new${known > 0 ? `, ${known} already here (cells merged)` : ''}`;
}

/** What a missing dataset means for the runs that trained on it. */
export function missingDatasetText(dataset: ArchivePreview['datasetsMissing'][number]): string {
  return (
    `“${dataset.id}” (${dataset.fingerprint.slice(0, 12)}…) is not in this store: ${plural(dataset.runs, 'run')} ` +
    `can be viewed and compared but not re-run until the dataset is imported (workbench import).`
  );
}

/** What the import did, in one sentence. */
export function importSummary(result: ApiResult<'archives.import'>): string {
  const parts = [`Imported ${plural(result.imported, 'new run')}`];
  if (result.replaced > 0) parts.push(`replaced ${plural(result.replaced, 'conflicting run')}`);
  parts.push(`${result.identical} already here`);
  if (result.skippedConflicts > 0)
    parts.push(
      `${plural(result.skippedConflicts, 'conflicting run')} left as ${result.skippedConflicts === 1 ? 'it was' : 'they were'}`,
    );
  if (result.tagsUnited > 0) parts.push(`tags united on ${plural(result.tagsUnited, 'run')}`);
  if (result.gridsNew > 0) parts.push(plural(result.gridsNew, 'new grid'));
  if (result.gridsMerged > 0)
    parts.push(
      `${plural(result.gridsMerged, 'grid')} merged into ${result.gridsMerged === 1 ? 'the one' : 'those'} already here`,
    );
  if (result.datasetsImported > 0) parts.push(`${plural(result.datasetsImported, 'dataset')} imported`);
  if (result.checkpointsImported > 0)
    parts.push(
      `${plural(result.checkpointsImported, 'checkpoint')} (${formatBytes(result.checkpointBytesImported)}) added`,
    );
  return `${parts.join(', ')}.`;
}
