import { statSync } from 'node:fs';
import { formatBytes } from '../../../common/checkpoints/size-text';
import { UserInputError } from '../../../common/errors';
import type { PruneKeep } from '../../store/checkpoints';
import type { RunStore } from '../../store/run-store';
import { openContext, type GlobalOptions } from '../context';
import { printJson, printTable } from '../output';

export interface CheckpointsOptions extends GlobalOptions {
  json?: boolean;
}

export interface PruneOptions extends GlobalOptions {
  runs?: string[];
  grid?: string;
  all?: boolean;
  keep?: string;
  json?: boolean;
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** `workbench checkpoints [RUN_ID…]`: what each run keeps, and the store's total. */
export function checkpointsCommand(runIds: string[], options: CheckpointsOptions): number {
  const { store, dbPath } = openContext(options);
  try {
    const runs = (runIds.length > 0 ? runIds : store.listRuns().map((r) => r.id)).map((id) => {
      const run = store.getRun(id);
      if (!run) throw new UserInputError(`${id}: no run with this id (see \`workbench runs\`)`);
      return run;
    });
    const totals = store.checkpoints.storeTotals();
    if (options.json) {
      printJson({
        store: {
          path: dbPath,
          bytesOnDisk: fileBytes(dbPath),
          checkpoints: totals.checkpoints,
          checkpointBytes: totals.bytes,
        },
        runs: runs.map((r) => ({
          runId: r.id,
          name: r.name,
          checkpoints: r.checkpoints,
          bytes: r.checkpointBytes,
        })),
      });
      return 0;
    }
    const rows = runs
      .filter((r) => r.checkpoints.length > 0 || runIds.length > 0)
      .flatMap((r) =>
        r.checkpoints.length === 0
          ? [[r.id.slice(0, 8), r.name, '–', 'none kept', '', '']]
          : r.checkpoints.map((c) => [
              r.id.slice(0, 8),
              r.name,
              c.epoch,
              c.kinds.join(', '),
              c.trainingState ? 'weights + optimizer' : 'weights',
              formatBytes(c.bytes),
            ]),
      );
    if (rows.length > 0) printTable(['run', 'name', 'epoch', 'kept as', 'holds', 'size'], rows);
    process.stdout.write(
      `${totals.checkpoints} checkpoint(s), ${formatBytes(totals.bytes)} in ${dbPath} (${formatBytes(fileBytes(dbPath))} on disk)\n`,
    );
    return 0;
  } finally {
    store.close();
  }
}

function selectedRuns(store: RunStore, options: PruneOptions): string[] {
  const given = [options.runs !== undefined, options.grid !== undefined, options.all === true].filter(
    Boolean,
  );
  if (given.length !== 1)
    throw new UserInputError('checkpoints prune: give exactly one of --runs ID…, --grid ID, --all');
  if (options.all) return store.listRuns().map((r) => r.id);
  if (options.grid !== undefined) {
    const grid = store.grids.findGrid(options.grid);
    if (!grid)
      throw new UserInputError(`--grid ${options.grid}: no grid with this id (see \`workbench grids\`)`);
    return store.grids.gridRuns(grid.id).map((r) => r.id);
  }
  return (options.runs ?? []).map((id) => {
    const run = store.getRun(id);
    if (!run) throw new UserInputError(`--runs ${id}: no run with this id (see \`workbench runs\`)`);
    return run.id;
  });
}

const KEEPS: readonly PruneKeep[] = ['best', 'last', 'none'];

/**
 * `workbench checkpoints prune (--runs … | --grid … | --all) --keep best|last|none`: drops checkpoints, then
 * gives the pages back to the file system. Runs still queued or running are left alone (their last
 * checkpoint is what a resume would need), and named.
 */
export function pruneCommand(options: PruneOptions): number {
  const keep = options.keep as PruneKeep;
  if (!KEEPS.includes(keep)) {
    throw new UserInputError(`--keep ${options.keep ?? '(missing)'}: expected best, last or none`);
  }
  const { store, dbPath } = openContext(options);
  try {
    const ids = selectedRuns(store, options);
    const busy = ids.filter((id) => ['queued', 'running'].includes(store.runStatus(id) ?? ''));
    const before = fileBytes(dbPath);
    const result = store.checkpoints.prune(
      ids.filter((id) => !busy.includes(id)),
      keep,
    );
    const space = store.checkpoints.reclaimSpace();
    const after = fileBytes(dbPath);
    if (options.json) {
      printJson({
        ...result,
        skippedRunning: busy,
        bytesOnDiskBefore: before,
        bytesOnDisk: after,
        converted: space.converted,
      });
      return 0;
    }
    process.stdout.write(
      `pruned ${result.checkpointsDeleted} checkpoint(s) of ${result.runs} run(s), keeping ${keep}: ` +
        `${formatBytes(result.bytesDeleted)} of checkpoints; the store went from ${formatBytes(before)} to ${formatBytes(after)} on disk\n`,
    );
    if (busy.length > 0)
      process.stdout.write(
        `left alone, still queued or running: ${busy.map((id) => id.slice(0, 8)).join(', ')}\n`,
      );
    return 0;
  } finally {
    store.close();
  }
}
