import { resolve } from 'node:path';
import { formatConfigIssues } from '../../../common/config/config-issues';
import { UserInputError } from '../../../common/errors';
import { formatAxisValue } from '../../../common/grid/expand';
import { slurmOptionsSchema, type SlurmGridResult } from '../../../common/grid/slurm';
import { defaultCacheDir } from '../../app-paths';
import { APP_VERSION, trainingWorkerFile } from '../../build-info';
import { knownDatasetFingerprints } from '../../services/archives';
import { planGrid } from '../../services/grid-planner';
import { readJsonFile } from '../../services/presets';
import { openRunServices } from '../../services/run-services';
import { readManifest } from '../../services/slurm/job-folder';
import { COLLECTED_STATUSES, collectSlurmGrid, type CollectReport } from '../../services/slurm/slurm-collect';
import { resubmitSlurmGrid } from '../../services/slurm/slurm-resubmit';
import { writeSlurmGrid } from '../../services/slurm/slurm-grid';
import { runSlurmTask } from '../../services/slurm/slurm-task';
import { openContext, resolveDbPath, type GlobalOptions } from '../context';
import { printJson, printTable } from '../output';

/** `workbench grid GRID.json --slurm`, `grid collect DIR`, `grid resubmit DIR` and the tasks' `grid task DIR`. */

export interface GridSlurmOptions extends GlobalOptions {
  json?: boolean;
  partition?: string;
  time?: string;
  cpusPerTask?: number;
  gpus?: number;
  out?: string;
  failed?: boolean;
  cell?: number;
}

/** Writes the grid's job folder, stores the grid as Slurm's, and submits it where sbatch is on the PATH. */
export async function gridSlurmCommand(file: string, options: GridSlurmOptions): Promise<number> {
  const parsed = slurmOptionsSchema.safeParse({
    partition: options.partition,
    time: options.time,
    cpusPerTask: options.cpusPerTask,
    gpus: options.gpus,
    outDir: options.out === undefined ? undefined : resolve(options.out),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const flag =
      { outDir: '--out', cpusPerTask: '--cpus-per-task' }[String(issue.path[0])] ??
      `--${String(issue.path[0])}`;
    throw new UserInputError(`${flag}: ${issue.message}`);
  }
  const raw = readJsonFile(file);
  const services = await openRunServices({
    dbPath: resolveDbPath(options),
    cacheDir: defaultCacheDir(),
    workerFile: trainingWorkerFile(),
    appVersion: APP_VERSION,
    maxWorkers: 1,
  });
  let result: SlurmGridResult;
  try {
    const plan = planGrid(raw, { checks: services.checks, store: services.store, workers: 1 });
    if (!('grid' in plan)) {
      throw new UserInputError(`${file}: grid refused: ${formatConfigIssues(plan.check.issues, 'grid')}`);
    }
    result = writeSlurmGrid({
      store: services.store,
      grid: plan.grid,
      options: parsed.data,
      appVersion: APP_VERSION,
    });
  } finally {
    await services.close(0);
  }
  if (options.json) printJson(result);
  else {
    process.stdout.write(
      `grid ${result.gridId} (${result.name}): ${result.cells} cells, job folder ${result.dir}\n`,
    );
    if (result.jobId) process.stdout.write(`submitted: Slurm job ${result.jobId}, one array task per cell\n`);
    else if (!result.submitError) {
      process.stdout.write(
        "sbatch is not on this machine's PATH: copy the folder to the cluster and submit it there\n",
      );
    }
    process.stdout.write(`submit:  ${result.commands.submit}\ncollect: ${result.commands.collect}\n`);
  }
  if (result.submitError) {
    process.stderr.write(
      `workbench: ${result.submitError}; the job folder is written: submit it with ${result.commands.submit}\n`,
    );
    return 1;
  }
  return 0;
}

function collectInput(dir: string, options: GridSlurmOptions) {
  const { store, cacheDir } = openContext(options);
  return {
    store,
    input: {
      store,
      dir,
      appVersion: APP_VERSION,
      knownFingerprints: knownDatasetFingerprints(store, cacheDir),
    },
  };
}

/** Merges every finished task's store into the local one and reports each cell. Exit 0 once collected. */
export function gridCollectCommand(dir: string, options: GridSlurmOptions): number {
  readManifest(dir);
  const { store, input } = collectInput(dir, options);
  try {
    const report = collectSlurmGrid(input);
    if (options.json) printJson(report);
    else printReport(report);
    return 0;
  } finally {
    store.close();
  }
}

/** Collects, then submits one array of the cells that did not finish. */
export function gridResubmitCommand(dir: string, options: GridSlurmOptions): number {
  readManifest(dir);
  const { store, input } = collectInput(dir, options);
  try {
    const result = resubmitSlurmGrid({ ...input, failed: options.failed === true });
    if (options.json) {
      printJson({
        gridId: result.report.gridId,
        cells: result.cells,
        jobId: result.jobId,
        command: result.command,
        submitError: result.submitError,
        counts: result.report.counts,
      });
    } else if (result.cells.length === 0) {
      printReport(result.report);
      process.stdout.write('nothing to resubmit: every cell has its result or is still queued or running\n');
    } else if (result.jobId) {
      process.stdout.write(
        `grid ${result.report.gridId}: resubmitted cell(s) ${result.cells.join(', ')} as Slurm job ${result.jobId}\n`,
      );
    } else if (!result.submitError) {
      process.stdout.write(
        `sbatch is not on this machine's PATH; on the cluster, submit cell(s) ${result.cells.join(', ')} with:\n  ${result.command}\n`,
      );
    }
    if (result.submitError) {
      process.stderr.write(`workbench: ${result.submitError}\n`);
      return 1;
    }
    return 0;
  } finally {
    store.close();
  }
}

/** What each array task runs: trains its cell into the job folder's store for it. */
export async function gridTaskCommand(dir: string, options: GridSlurmOptions): Promise<number> {
  // Slurm ends a task with SIGTERM (time limit, scancel, preemption): say so in its log and go. The run is
  // left unfinished on purpose: `grid collect` settles it with the reason Slurm gives.
  const onTerm = () => {
    process.stdout.write(
      'stopped by Slurm (SIGTERM): time limit, scancel or preemption; `grid collect` tells which\n',
    );
    process.exit(143);
  };
  process.on('SIGTERM', onTerm);
  try {
    return await runSlurmTask({
      dir: resolve(dir),
      cell: options.cell,
      cacheDir: defaultCacheDir(),
      workerFile: trainingWorkerFile(),
      appVersion: APP_VERSION,
      log: (line) => process.stdout.write(`${line}\n`),
    });
  } finally {
    process.off('SIGTERM', onTerm);
  }
}

function printReport(report: CollectReport): void {
  const counts = COLLECTED_STATUSES.filter((s) => report.counts[s] > 0)
    .map((s) => `${report.counts[s]} ${s}`)
    .join(', ');
  process.stdout.write(
    `grid ${report.gridId} (${report.name}): ${report.cells.length} cells: ${counts}; ` +
      `${report.imported} new run(s) merged` +
      `${report.slurm.jobIds.length > 0 && !report.slurm.reachable ? ' (no Slurm command answered here)' : ''}\n`,
  );
  const axes = readManifest(report.dir).axes;
  printTable(
    ['cell', ...axes.map((a) => a.label), 'status', 'epochs', 'node', 'backend', 'run', 'note'],
    report.cells.map((c) => [
      c.index,
      ...axes.map((a) => formatAxisValue(c.values[a.path])),
      c.status,
      `${c.epochs}/${c.epochsPlanned}`,
      c.node ?? '–',
      c.backend ?? '–',
      c.runId ? c.runId.slice(0, 8) : '–',
      c.error ?? (c.slurm && c.status !== 'completed' ? `Slurm: ${c.slurm.state}` : ''),
    ]),
  );
}
