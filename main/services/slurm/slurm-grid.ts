import { randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UserInputError } from '../../../common/errors';
import type { SlurmGridResult, SlurmOptions } from '../../../common/grid/slurm';
import { appRoot } from '../../app-paths';
import { defaultDbPath } from '../../store/default-db-path';
import type { NewGrid } from '../../store/grids';
import { currentProcessOwner } from '../../store/liveness';
import { RunStore } from '../../store/run-store';
import {
  freshJobDir,
  jobFiles,
  JOB_MANIFEST_FORMAT,
  JOB_MANIFEST_VERSION,
  recordSubmission,
  writeJson,
  writeTargets,
  type JobManifest,
} from './job-folder';
import { advancePruning } from '../../../common/grid/pruning';
import type { GridPruning } from '../../store/grid-pruning';
import { jobName, renderJobScript, renderReadme, shellQuote } from './job-script';
import { onPath, SlurmSubmitError, submitJob } from './slurm-commands';

/**
 * A checked grid handed to Slurm: its job folder is written (the cells, the array script, a README), the
 * grid is stored here marked as Slurm's so that `grid show` and the grid view list it and no local process
 * trains it, and where `sbatch` is on the PATH the array is submitted and its job id recorded with the grid.
 */

export interface WriteSlurmGridInput {
  store: RunStore;
  /** A planned grid: every cell already passed the full check. */
  grid: NewGrid;
  options: SlurmOptions;
  appVersion: string;
  /** Submit where `sbatch` is on the PATH (default); false only writes the folder. */
  submit?: boolean;
}

export function writeSlurmGrid(input: WriteSlurmGridInput): SlurmGridResult {
  const { store, grid, options } = input;
  const gridId = randomUUID();
  const storeDir = dirname(resolve(store.path));
  const dir = freshJobDir(
    options.outDir
      ? resolve(storeDir, options.outDir)
      : join(storeDir, 'slurm-jobs', `${jobName(grid.name).slice(3)}-${gridId.slice(0, 8)}`),
  );
  if (/["\n\r\0]/.test(dir)) {
    throw new UserInputError(
      `${dir}: a job folder path cannot hold a double quote or a line break; choose another --out`,
    );
  }
  const commands = slurmCommands(store.path, dir);
  const imported = new Set(store.listImportedDatasets().map((d) => d.id));
  const datasets = [...new Set(grid.cells.map((c) => c.config.dataset.id))].filter((id) => imported.has(id));
  const manifest: JobManifest = {
    format: JOB_MANIFEST_FORMAT,
    version: JOB_MANIFEST_VERSION,
    gridId,
    name: grid.name,
    createdAt: new Date().toISOString(),
    appVersion: input.appVersion,
    spec: grid.spec,
    axes: grid.axes,
    cells: grid.cells,
    options: { ...options, outDir: undefined },
    datasets,
    ...(grid.pruning ? { pruning: grid.pruning } : {}),
  };

  try {
    mkdirSync(jobFiles.stores(dir), { recursive: true });
    mkdirSync(jobFiles.logs(dir), { recursive: true });
    if (datasets.length > 0) {
      const carrier = RunStore.open(jobFiles.datasets(dir));
      try {
        carrier.copyImportedDatasets(store.path, datasets);
      } finally {
        carrier.close();
      }
    }
    writeJson(jobFiles.manifest(dir), manifest);
    // A pruned grid goes one rung per array: the first trains every cell to its bracket's first rung.
    if (grid.pruning)
      writeTargets(
        dir,
        firstTargets(
          grid.pruning,
          grid.cells.map((c) => c.index),
        ),
      );
    writeFileSync(
      jobFiles.script(dir),
      renderJobScript({
        gridId,
        name: grid.name,
        cells: grid.cells.map((c) => c.index),
        options,
        dir,
        // Electron's own binary is no Node for a cluster node; there the node on the PATH runs the CLI.
        node: process.versions.electron ? 'node' : process.execPath,
        workbench: join(appRoot(), 'bin', 'workbench.mjs'),
      }),
    );
    chmodSync(jobFiles.script(dir), 0o755);
    writeFileSync(
      jobFiles.readme(dir),
      renderReadme({
        gridId,
        name: grid.name,
        cells: grid.cells.length,
        appVersion: input.appVersion,
        host: hostname(),
        createdAt: manifest.createdAt,
        commands,
        pruning: grid.pruning ? pruningWords(grid.pruning) : undefined,
      }),
    );
    store.grids.createGrid(grid, slurmGridOwner(gridId), { id: gridId, runner: 'slurm', jobDir: dir });
  } catch (error) {
    // Nothing half-written is left behind: the folder was new (or empty) and the grid is not stored.
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const result: SlurmGridResult = {
    gridId,
    name: grid.name,
    cells: grid.cells.length,
    dir,
    jobId: null,
    submitError: null,
    commands: { submit: commands.submit, collect: commands.collect },
  };
  if (input.submit === false || !onPath('sbatch')) return result;
  try {
    result.jobId = submitArray(
      store,
      gridId,
      dir,
      grid.cells.map((c) => c.index),
    );
  } catch (error) {
    if (!(error instanceof SlurmSubmitError)) throw error;
    result.submitError = error.message;
  }
  return result;
}

function pruningWords({ spec, fullEpochs }: GridPruning): string {
  const kind = spec.kind === 'hyperband' ? 'Hyperband' : 'successive halving';
  return `${kind}, r = ${spec.minEpochs}, η = ${spec.reductionFactor}, by ${spec.monitor}, R = ${fullEpochs}`;
}

/** Where each cell of a new pruned grid trains to first: its bracket's first rung (or R for bracket 0). */
function firstTargets(pruning: GridPruning, cells: number[]): Map<number, number> {
  const open = cells.map((index) => ({ index, epochs: [], open: true }));
  return advancePruning(pruning.spec, pruning.fullEpochs, open, []).targets;
}

/** Submits the job folder's script for these cells, records the submission, and returns the job id. */
export function submitArray(
  store: RunStore,
  gridId: string,
  dir: string,
  cells: number[],
  options: { array?: string; env?: Record<string, string> } = {},
): string {
  const jobId = submitJob(jobFiles.script(dir), dir, options);
  recordSubmission(dir, { jobId, cells, submittedAt: new Date().toISOString() });
  store.grids.setSlurmJob(gridId, jobId);
  return jobId;
}

/**
 * Who "drives" a Slurm grid in the store: this process records having written it, under a token no process
 * heartbeats with, so that no local process ever reads as driving it (the cluster does).
 */
export function slurmGridOwner(gridId: string) {
  return { ...currentProcessOwner(), token: `slurm:${gridId}` };
}

/** The commands a user types for this job folder, with `--db` where the store is not the default one. */
export function slurmCommands(
  storePath: string,
  dir: string,
): { submit: string; collect: string; resubmit: string } {
  // Only the platform's own default goes without --db: WORKBENCH_DB may not be set where the user types it.
  const platformDefault = defaultDbPath({ ...process.env, WORKBENCH_DB: '' });
  const db = resolve(storePath) === resolve(platformDefault) ? '' : ` --db ${shellQuote(resolve(storePath))}`;
  return {
    submit: `sbatch ${shellQuote(jobFiles.script(dir))}`,
    collect: `workbench${db} grid collect ${shellQuote(dir)}`,
    resubmit: `workbench${db} grid resubmit ${shellQuote(dir)}`,
  };
}
