import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import {
  parseJobcompLog,
  parseSacct,
  parseScontrolJobs,
  SACCT_FIELDS,
  type SlurmSource,
  type SlurmTaskState,
} from './slurm-output';

/**
 * The Slurm commands the workbench runs: `sbatch` to submit, and whichever of `sacct`, `scontrol` and the
 * jobcomp log can say how each array task ended. Every command inherits this process's environment (so
 * SLURM_CONF and the user's PATH apply) and has a time limit: a hung controller must not hang `collect`.
 */

const COMMAND_TIMEOUT_MS = 30_000;

export function onPath(command: string, env: NodeJS.ProcessEnv = process.env): string | null {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const file = join(dir, command);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

function run(command: string, args: string[], cwd?: string): { ok: boolean; stdout: string; stderr: string } {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: COMMAND_TIMEOUT_MS,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr = result.error ? result.error.message : (result.stderr ?? '').trim();
  return { ok: result.status === 0, stdout: result.stdout ?? '', stderr };
}

export class SlurmSubmitError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlurmSubmitError';
  }
}

/**
 * `sbatch --parsable SCRIPT` from the job folder; `array` overrides the script's `--array` (a resubmission of
 * some cells), `env` adds variables the tasks see. Returns the array job's id.
 */
export function submitJob(
  script: string,
  cwd: string,
  options: { array?: string; env?: Record<string, string> } = {},
): string {
  const args = ['--parsable'];
  if (options.array) args.push(`--array=${options.array}`);
  if (options.env) {
    args.push(
      `--export=ALL,${Object.entries(options.env)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}`,
    );
  }
  args.push(script);
  const result = run('sbatch', args, cwd);
  if (!result.ok) {
    throw new SlurmSubmitError(`sbatch refused the job: ${lastLine(result.stderr) || 'no message'}`);
  }
  // `--parsable` prints "JOBID" or "JOBID;CLUSTER".
  const jobId = result.stdout.trim().split(';')[0];
  if (!/^\d+$/.test(jobId))
    throw new SlurmSubmitError(`sbatch answered "${result.stdout.trim()}", not a job id`);
  return jobId;
}

function lastLine(text: string): string {
  return (
    text
      .trim()
      .split('\n')
      .pop()
      ?.replace(/^sbatch: error: /, '') ?? ''
  );
}

export interface SlurmView {
  /** Whether any Slurm command answered: without one, nothing may be concluded from a task's absence. */
  reachable: boolean;
  /** The sources that answered, best first. */
  sources: SlurmSource[];
  /** By `ARRAYJOB_TASK`. */
  tasks: Map<string, SlurmTaskState>;
}

export function taskKey(arrayJobId: string, taskId: number): string {
  return `${arrayJobId}_${taskId}`;
}

/**
 * What Slurm knows about every task of these array jobs. `sacct` when accounting works; otherwise
 * `scontrol show job` for the jobs the controller still holds, then the jobcomp log for tasks that have aged
 * out of it. A task none of them knows is absent from the map (never started and cancelled, or long gone).
 */
export function slurmTasks(arrayJobIds: readonly string[]): SlurmView {
  const view: SlurmView = { reachable: false, sources: [], tasks: new Map() };
  const ids = [...new Set(arrayJobIds)].filter((id) => /^\d+$/.test(id));
  if (ids.length === 0) return view;
  const add = (tasks: SlurmTaskState[]) => {
    for (const task of tasks) {
      const key = taskKey(task.arrayJobId, task.taskId);
      if (!view.tasks.has(key)) view.tasks.set(key, task);
    }
  };

  if (onPath('sacct')) {
    const sacct = run('sacct', ['-n', '-P', '-X', '-j', ids.join(','), '-o', SACCT_FIELDS]);
    if (sacct.ok) {
      view.reachable = true;
      view.sources.push('sacct');
      add(parseSacct(sacct.stdout));
      return view;
    }
  }
  if (!onPath('scontrol')) return view;
  for (const id of ids) {
    const job = run('scontrol', ['show', 'job', '-o', id]);
    if (job.ok) {
      view.reachable = true;
      add(parseScontrolJobs(job.stdout));
    } else if (/invalid job id/i.test(job.stderr)) view.reachable = true;
  }
  if (view.reachable) view.sources.push('scontrol');
  const log = jobcompLog();
  if (log) {
    try {
      add(parseJobcompLog(readFileSync(log, 'utf8'), new Set(ids)));
      view.sources.push('jobcomp');
    } catch {
      // On most clusters the log lives on the controller only.
    }
  }
  return view;
}

/** The jobcomp/filetxt log's path from the controller's config, where it is configured. */
function jobcompLog(): string | null {
  const config = run('scontrol', ['show', 'config']);
  if (!config.ok) return null;
  const fields = new Map<string, string>();
  for (const line of config.stdout.split('\n')) {
    const m = /^(\S+)\s*=\s*(.*)$/.exec(line.trim());
    if (m) fields.set(m[1], m[2].trim());
  }
  if (fields.get('JobCompType') !== 'jobcomp/filetxt') return null;
  const loc = fields.get('JobCompLoc');
  return loc && loc.startsWith('/') ? loc : null;
}
