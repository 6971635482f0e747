import type { SlurmOptions } from '../../../common/grid/slurm';
import { formatArrayIndices } from './slurm-output';

/**
 * The two texts of a job folder a person reads: the sbatch array script and the README. Values reach the
 * script only through `#SBATCH` lines (checked against Slurm's own syntax before) and single-quoted shell
 * words, so no name or path can run as a command.
 */

export interface JobScriptInput {
  gridId: string;
  name: string;
  cells: number[];
  options: SlurmOptions;
  /** The job folder, absolute. */
  dir: string;
  /** The Node binary and the CLI entry the tasks run: this install's, editable at the top of the script. */
  node: string;
  workbench: string;
}

/** A word the shell reads back exactly as given. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Slurm reads `#SBATCH` values as words; a path with spaces goes in double quotes (no `"` is allowed in one). */
function sbatchValue(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `"${value}"`;
}

/** A job name Slurm shows in squeue: the grid's name, reduced to safe characters. */
export function jobName(name: string): string {
  const safe = name
    .replace(/[^A-Za-z0-9_.-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return `wb-${safe || 'grid'}`;
}

export function renderJobScript(input: JobScriptInput): string {
  const { options } = input;
  const directives = [
    `--job-name=${jobName(input.name)}`,
    `--array=${formatArrayIndices(input.cells)}`,
    '--ntasks=1',
    `--cpus-per-task=${options.cpusPerTask ?? 1}`,
    `--output=${sbatchValue(`${input.dir}/logs/cell-%a-job-%A.out`)}`,
  ];
  if (options.partition) directives.push(`--partition=${options.partition}`);
  if (options.time) directives.push(`--time=${options.time}`);
  if (options.gpus) directives.push(`--gpus=${options.gpus}`);
  return `#!/bin/bash
# Experiment Workbench grid "${oneLine(input.name)}" (${input.gridId}): one array task per cell.
# Task i trains cell i (see grid.json) into its own store, stores/cell-i.db. Submit with
#   sbatch ${shellQuote(`${input.dir}/job.sh`)}
# and bring the results home with \`workbench grid collect ${shellQuote(input.dir)}\`.
${directives.map((d) => `#SBATCH ${d}`).join('\n')}

# The workbench the tasks run: this install's Node and CLI. On a cluster where the workbench or this folder
# lives elsewhere, change these three lines (and the --output line above) to the paths there.
NODE=${shellQuote(input.node)}
WORKBENCH=${shellQuote(input.workbench)}
JOB_DIR=${shellQuote(input.dir)}

# The task's cell comes from SLURM_ARRAY_TASK_ID; its backend is chosen on the node (a GPU where one loads).
exec "$NODE" "$WORKBENCH" grid task "$JOB_DIR"
`;
}

export interface ReadmeInput {
  gridId: string;
  name: string;
  cells: number;
  appVersion: string;
  host: string;
  createdAt: string;
  commands: { submit: string; collect: string; resubmit: string };
  /** A pruned grid's setting in words ("successive halving, r = 2, η = 3, by valLoss"). */
  pruning?: string;
}

export function renderReadme(input: ReadmeInput): string {
  return `# Slurm job for grid "${oneLine(input.name)}"

Grid ${input.gridId}: ${input.cells} cell${input.cells === 1 ? '' : 's'}, one Slurm array task each. Written by
Experiment Workbench ${input.appVersion} on ${input.host} at ${input.createdAt}.

Submit it (\`workbench grid … --slurm\` already did where \`sbatch\` was on its PATH; see submissions.json):

    ${input.commands.submit}

Bring the results home, as often as you like, also while the array still runs: finished cells are merged
into your run store (never twice), and every cell is reported completed, failed, interrupted (with Slurm's
reason), running or never ran:

    ${input.commands.collect}

Submit again only the cells that did not finish (never ran, interrupted, cancelled; \`--failed\` adds failed
ones):

    ${input.commands.resubmit}
${
  input.pruning
    ? `
This grid is pruned (${input.pruning}): it runs one array per rung. Each task trains its cell to the
epoch \`targets.json\` gives it and pauses there. Once every cell of the rung is back, \`grid collect\`
decides the rung (the cells behind end as pruned) and \`grid resubmit\` sends the promoted cells on to the
next rung, from their checkpoints, until the survivors have trained every epoch.
`
    : ''
}
What is here:

- \`grid.json\`: the grid and every expanded cell, with the exact run config each task trains.
- \`job.sh\`: the sbatch array script. It runs the workbench of the install that wrote it; on a cluster
  where the workbench lives elsewhere, edit NODE, WORKBENCH and JOB_DIR at its top.
- \`stores/cell-<i>.db\`: the run store task i trains into; \`stores/cell-<i>.slurm.json\`: its latest attempt
  (job id, node).
- \`logs/\`: each task's output, \`cell-<i>-job-<job id>.out\`.
- \`datasets.db\` (only when a cell trains on an imported dataset): that dataset, for the tasks.
`;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}
