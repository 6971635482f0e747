import { UserInputError } from '../../../common/errors';
import { jobFiles, writeTargets } from './job-folder';
import { shellQuote } from './job-script';
import {
  collectSlurmGrid,
  type CollectedStatus,
  type CollectInput,
  type CollectReport,
} from './slurm-collect';
import { onPath, SlurmSubmitError } from './slurm-commands';
import { submitArray } from './slurm-grid';
import { formatArrayIndices } from './slurm-output';
import { RETRY_FAILED_ENV } from './slurm-task';

/**
 * `workbench grid resubmit DIR`: collects first (so every cell's state is current), then submits one array
 * of only the cells that did not finish: never ran, interrupted, cancelled, and with `failed` the failed ones.
 * Cells Slurm still holds (queued or running) are never submitted twice.
 */

export interface ResubmitResult {
  report: CollectReport;
  /** The cells of the new array; empty when every cell has its result or is still on its way. */
  cells: number[];
  jobId: string | null;
  /** The sbatch command that submits them, for a machine without `sbatch` (run it on the cluster). */
  command: string | null;
  submitError: string | null;
}

export function resubmitSlurmGrid(input: CollectInput & { failed: boolean }): ResubmitResult {
  const report = collectSlurmGrid(input);
  if (report.slurm.jobIds.length > 0 && !report.slurm.reachable) {
    throw new UserInputError(
      `${report.dir}: no Slurm command answered here (sacct, scontrol), so it cannot tell which cells still ` +
        'run; resubmit where the cluster is reachable',
    );
  }
  const again: CollectedStatus[] = [
    'never-ran',
    'interrupted',
    'cancelled',
    ...(input.failed ? (['failed'] as const) : []),
  ];
  const pruning = input.store.grids.getGrid(report.gridId)?.pruning;
  let cells = report.cells.filter((c) => again.includes(c.status)).map((c) => c.index);
  if (pruning) {
    // One array per rung: the cells `collect` promoted (paused at the rung it decided) and those still short
    // of their rung, each to the epoch it trains to next.
    const targets = input.store.gridPruning.progress(report.gridId, pruning).targets;
    cells = report.cells
      .filter((c) => targets.has(c.index) && [...again, 'paused'].includes(c.status))
      .map((c) => c.index);
    if (cells.length > 0) writeTargets(report.dir, targets);
  }
  const result: ResubmitResult = { report, cells, jobId: null, command: null, submitError: null };
  if (cells.length === 0) return result;
  const array = formatArrayIndices(cells);
  const env = input.failed ? { [RETRY_FAILED_ENV]: '1' } : undefined;
  result.command =
    `sbatch --array=${array}${env ? ` --export=ALL,${RETRY_FAILED_ENV}=1` : ''} ` +
    shellQuote(jobFiles.script(report.dir));
  if (!onPath('sbatch')) return result;
  try {
    result.jobId = submitArray(input.store, report.gridId, report.dir, cells, { array, env });
    if (input.store.grids.getGrid(report.gridId)?.status !== 'running')
      input.store.grids.reopen(report.gridId);
  } catch (error) {
    if (!(error instanceof SlurmSubmitError)) throw error;
    result.submitError = error.message;
  }
  return result;
}
