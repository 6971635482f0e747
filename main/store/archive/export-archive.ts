import type { ArchiveManifest } from '../../../common/archive/manifest';
import { UserInputError } from '../../../common/errors';
import type { RunStatus } from '../../../common/types';
import type { ArchiveSelection, RunStore } from '../run-store';
import { writeArchive } from './write-archive';

/**
 * An export as the CLI and the API make it, with or without the runs' models: the finished runs of
 * `selection` (with their grids, experiments and, if asked, imported datasets' arrays and checkpoints) in one
 * archive file. Unfinished runs are left out and listed. The same choices and messages as
 * `RunStore.exportArchive`, which has no models option.
 */
export interface ExportArchiveOptions {
  withDatasets: boolean;
  withModels: boolean;
  appVersion: string;
  now?: Date;
}

const UNFINISHED_STATUSES: readonly RunStatus[] = ['queued', 'running'];

export function exportRunArchive(
  store: RunStore,
  selection: ArchiveSelection,
  out: string,
  options: ExportArchiveOptions,
): { manifest: ArchiveManifest; leftOut: { id: string; status: RunStatus }[] } {
  const chosen = resolveSelection(store, selection);
  const finished = chosen.runs.filter((r) => !UNFINISHED_STATUSES.includes(r.status));
  if (finished.length === 0) {
    throw new UserInputError(
      chosen.runs.length === 0
        ? `nothing to export: ${chosen.label} selects no runs`
        : `nothing to export: every run ${chosen.label} selects is still queued or running`,
    );
  }
  const gridIds = new Set(chosen.gridIds);
  for (const run of finished) if (run.gridId) gridIds.add(run.gridId);
  const manifest = writeArchive({
    storePath: store.path,
    runIds: finished.map((r) => r.id),
    gridIds: [...gridIds],
    out,
    withDatasets: options.withDatasets,
    withModels: options.withModels,
    appVersion: options.appVersion,
    selection: chosen.label,
    now: options.now ?? new Date(),
  });
  return { manifest, leftOut: chosen.runs.filter((r) => UNFINISHED_STATUSES.includes(r.status)) };
}

function resolveSelection(
  store: RunStore,
  selection: ArchiveSelection,
): {
  runs: { id: string; status: RunStatus; gridId: string | null }[];
  gridIds: string[];
  label: string;
} {
  if ('runIds' in selection) {
    const runs = selection.runIds.map((id) => {
      const run = store.getRun(id);
      if (!run) throw new UserInputError(`--runs ${id}: no run with this id (see \`workbench runs\`)`);
      return { id: run.id, status: run.status, gridId: run.gridId };
    });
    return { runs, gridIds: [], label: `${runs.length} run${runs.length === 1 ? '' : 's'}` };
  }
  const all = store.listRuns();
  if ('all' in selection) return { runs: all, gridIds: [], label: '--all' };
  if ('tag' in selection) {
    return {
      runs: all.filter((r) => r.tags.includes(selection.tag)),
      gridIds: [],
      label: `--tag ${selection.tag}`,
    };
  }
  const grid = store.grids.findGrid(selection.gridId);
  if (!grid)
    throw new UserInputError(`--grid ${selection.gridId}: no grid with this id (see \`workbench grids\`)`);
  return { runs: all.filter((r) => r.gridId === grid.id), gridIds: [grid.id], label: `--grid ${grid.id}` };
}
