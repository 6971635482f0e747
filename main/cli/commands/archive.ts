import { resolve } from 'node:path';
import { manifestModels, type ArchiveManifest, type ArchivePreview } from '../../../common/archive/manifest';
import { UserInputError } from '../../../common/errors';
import { APP_VERSION } from '../../build-info';
import { archiveCounts, exportArchive, importArchiveFile, inspectArchive } from '../../services/archives';
import type { ArchiveSelection } from '../../store/run-store';
import { openContext, type GlobalOptions } from '../context';
import { printJson, printTable } from '../output';
import { formatBytes } from '../../../common/checkpoints/size-text';

export interface ArchiveExportOptions extends GlobalOptions {
  runs?: string[];
  grid?: string;
  tag?: string;
  all?: boolean;
  out?: string;
  withDatasets?: boolean;
  withModels?: boolean;
  json?: boolean;
}

export interface ArchiveReadOptions extends GlobalOptions {
  json?: boolean;
  onConflict?: string;
}

/** `workbench archive export (--runs ID... | --grid ID | --tag T | --all) --out FILE [--with-models]`. */
export function archiveExportCommand(options: ArchiveExportOptions): number {
  const chosen = [
    options.runs?.length ? '--runs' : null,
    options.grid ? '--grid' : null,
    options.tag ? '--tag' : null,
    options.all ? '--all' : null,
  ].filter((c) => c !== null);
  if (chosen.length !== 1) {
    throw new UserInputError(
      `archive export: choose exactly one of --runs ID..., --grid ID, --tag T, --all${chosen.length > 1 ? ` (got ${chosen.join(', ')})` : ''}`,
    );
  }
  if (!options.out) throw new UserInputError('archive export: --out FILE is required');
  const selection: ArchiveSelection = options.runs?.length
    ? { runIds: options.runs }
    : options.grid
      ? { gridId: options.grid }
      : options.tag
        ? { tag: options.tag }
        : { all: true };
  const out = resolve(options.out);
  const { store } = openContext(options);
  try {
    const { manifest, leftOut } = exportArchive(store, selection, out, {
      withDatasets: options.withDatasets === true,
      withModels: options.withModels === true,
      appVersion: APP_VERSION,
    });
    const models = manifestModels(manifest);
    if (options.json) {
      printJson({
        file: out,
        ...manifest.counts,
        checkpoints: models.checkpoints,
        checkpointBytes: models.bytes,
        leftOut,
        manifest,
      });
      return 0;
    }
    const c = manifest.counts;
    process.stdout.write(
      `${out}: ${c.runs} run(s), ${c.epochs} epochs, ${c.grids} grid(s), ${c.datasets} dataset(s)` +
        `${c.datasetArrays ? ` with their arrays` : ''} (${manifest.selection})\n  ${modelsLine(manifest)}\n`,
    );
    if (leftOut.length > 0) {
      process.stderr.write(
        `left out ${leftOut.length} run(s) still queued or running: ${leftOut.map((r) => r.id.slice(0, 8)).join(', ')}\n`,
      );
    }
    return 0;
  } finally {
    store.close();
  }
}

/** `workbench archive inspect FILE`: what an import would do, changing nothing. */
export function archiveInspectCommand(file: string, options: ArchiveReadOptions): number {
  const ctx = openContext(options);
  try {
    const preview = inspectArchive(ctx.store, ctx.cacheDir, resolve(file));
    if (options.json) {
      printJson({
        ...archiveCounts(preview),
        manifest: preview.manifest,
        upgradedFrom: preview.upgradedFrom,
        runList: preview.runList,
      });
      return 0;
    }
    printPreview(preview);
    return 0;
  } finally {
    ctx.store.close();
  }
}

/** `workbench archive import FILE`: merges it in one transaction; the same archive again changes nothing. */
export function archiveImportCommand(file: string, options: ArchiveReadOptions): number {
  const onConflict = options.onConflict ?? 'skip';
  if (onConflict !== 'skip' && onConflict !== 'replace') {
    throw new UserInputError(`--on-conflict: expected skip or replace (got "${onConflict}")`);
  }
  const ctx = openContext(options);
  try {
    const result = importArchiveFile(ctx.store, ctx.cacheDir, resolve(file), onConflict);
    if (options.json) {
      printJson({
        ...archiveCounts(result),
        imported: result.imported,
        replaced: result.replaced,
        skippedConflicts: result.skippedConflicts,
        tagsUnited: result.tagsUnited,
        gridsMerged: result.gridsMerged,
        datasetsImported: result.datasetsImported,
        checkpointsImported: result.checkpointsImported,
        checkpointBytesImported: result.checkpointBytesImported,
        upgradedFrom: result.upgradedFrom,
        runList: result.runList,
      });
      return 0;
    }
    printPreview(result);
    process.stdout.write(
      `imported ${result.imported} new run(s)${result.replaced ? `, replaced ${result.replaced}` : ''}; ` +
        `${result.identical} already here` +
        `${result.skippedConflicts ? `, ${result.skippedConflicts} conflicting left as they were (--on-conflict replace to take the archive's)` : ''}` +
        `${result.tagsUnited ? `; tags united on ${result.tagsUnited}` : ''}` +
        `${result.checkpointsImported ? `; ${result.checkpointsImported} checkpoint(s) added (${formatBytes(result.checkpointBytesImported)})` : ''}\n`,
    );
    return 0;
  } finally {
    ctx.store.close();
  }
}

function printPreview(preview: ArchivePreview): void {
  const m = preview.manifest;
  process.stdout.write(
    `${preview.file}\n  written ${m.createdAt} on ${m.sourceHost} by Experiment Workbench ${m.appVersion} (${m.selection})` +
      `${preview.upgradedFrom !== null ? `; upgraded from store schema ${preview.upgradedFrom}` : ''}\n` +
      `  ${preview.runs} run(s): ${preview.new} new, ${preview.identical} identical (skipped), ${preview.conflicting} conflicting; ` +
      `${preview.grids} grid(s), ${preview.gridsNew} new\n` +
      `  ${modelsLine(preview.manifest)}` +
      `${preview.models.included ? `; ${preview.models.toAdd} new here (${formatBytes(preview.models.toAddBytes)})` : ''}\n`,
  );
  for (const d of preview.datasetsMissing) {
    process.stdout.write(
      `  dataset "${d.id}" (${d.fingerprint.slice(0, 12)}…) is missing here: ${d.runs} run(s) cannot be re-run until it is imported\n`,
    );
  }
  const conflicts = preview.runList.filter((r) => r.kind === 'conflicting');
  if (conflicts.length > 0) {
    printTable(
      ['conflicting run', 'name', 'what differs'],
      conflicts.map((r) => [r.id.slice(0, 8), r.name, r.detail ?? '']),
    );
  }
}

/**
 * What an archive holds of the runs' models, in one line: `models: 4 checkpoint(s), 1.2 MB`, or why there are
 * none (`models: not included; the runs keep 4 checkpoint(s), 1.2 MB, at the source (--with-models carries them)`).
 */
function modelsLine(manifest: ArchiveManifest): string {
  const m = manifestModels(manifest);
  if (m.included) return `models: ${m.checkpoints} checkpoint(s), ${formatBytes(m.bytes)}`;
  if (m.leftOut && m.leftOut.checkpoints > 0) {
    return (
      `models: not included; the runs keep ${m.leftOut.checkpoints} checkpoint(s), ${formatBytes(m.leftOut.bytes)}, ` +
      'at the source (--with-models carries them)'
    );
  }
  return m.leftOut ? 'models: none (the runs keep no checkpoints)' : 'models: not included';
}
