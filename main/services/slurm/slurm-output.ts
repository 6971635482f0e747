/**
 * Reading what Slurm says about array tasks, from whichever source answers: `sacct` (needs the accounting
 * daemon), `scontrol show job -o` (a finished job stays visible for MinJobAge, 300 s by default) or the
 * jobcomp/filetxt log (a lasting line per task). Pure text in, task states out; the commands run elsewhere.
 */

export type SlurmSource = 'sacct' | 'scontrol' | 'jobcomp';

export interface SlurmTaskState {
  arrayJobId: string;
  taskId: number;
  /** Slurm's job state, first word only (`CANCELLED by 0` → `CANCELLED`). */
  state: string;
  /** Slurm's reason, or null for `None`. */
  reason: string | null;
  /** `exit:signal`, where the source knows it (jobcomp's reads 0:0 even for a cancelled task, so it is dropped). */
  exitCode: string | null;
  node: string | null;
  source: SlurmSource;
}

/** States of a task that has not ended: it may still start, train, or write to its store. */
const ACTIVE_STATES = new Set([
  'PENDING',
  'CONFIGURING',
  'RUNNING',
  'COMPLETING',
  'SUSPENDED',
  'REQUEUED',
  'REQUEUE_FED',
  'REQUEUE_HOLD',
  'RESIZING',
  'SIGNALING',
  'STAGE_OUT',
  'STOPPED',
  'SPECIAL_EXIT',
  'RESV_DEL_HOLD',
]);

export function isActiveState(state: string): boolean {
  return ACTIVE_STATES.has(state);
}

/** `KEY=value KEY=value …`, as scontrol -o and the jobcomp log write a job (values without spaces are all we read). */
export function parseKeyValues(line: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const match of line.matchAll(/(?:^|\s)([A-Za-z][A-Za-z0-9_:/]*)=(\S*)/g)) {
    if (!fields.has(match[1])) fields.set(match[1], match[2]);
  }
  return fields;
}

/** `0-3,5,7-9%2` (an array spec; a throttle after % ignored) or `[3-5]` → the task ids. */
export function parseArrayIndices(spec: string): number[] {
  const body = spec.replace(/^\[|\]$/g, '').replace(/%\d+$/, '');
  const out: number[] = [];
  for (const part of body.split(',')) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part.trim());
    if (!m) continue;
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    const step = m[3] === undefined ? 1 : Math.max(1, Number(m[3]));
    for (let i = from; i <= to; i += step) out.push(i);
  }
  return out;
}

/** Task ids → the shortest array spec Slurm reads (`0-3,5,7-9`). */
export function formatArrayIndices(indices: readonly number[]): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j += 1;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

function reasonOf(value: string | undefined): string | null {
  return value === undefined || value === '' || value === 'None' || value === '(null)' ? null : value;
}

function nodeOf(value: string | undefined): string | null {
  return value === undefined || value === '' || value === '(null)' || value === 'None assigned'
    ? null
    : value;
}

/**
 * `scontrol show job -o ID` (one job per line). Pending tasks of an array may share one line
 * (`ArrayTaskId=3-5`); each gets its own entry.
 */
export function parseScontrolJobs(text: string, source: SlurmSource = 'scontrol'): SlurmTaskState[] {
  const tasks: SlurmTaskState[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const f = parseKeyValues(line);
    const arrayJobId = f.get('ArrayJobId');
    const taskSpec = f.get('ArrayTaskId');
    const state = f.get('JobState');
    if (!arrayJobId || taskSpec === undefined || !state) continue;
    for (const taskId of parseArrayIndices(taskSpec)) {
      tasks.push({
        arrayJobId,
        taskId,
        state: state.split(/\s/)[0],
        reason: reasonOf(f.get('Reason')),
        exitCode: source === 'jobcomp' ? null : (f.get('ExitCode') ?? null),
        node: nodeOf(f.get('NodeList')),
        source,
      });
    }
  }
  return tasks;
}

/** The jobcomp/filetxt log: one line per finished job, the latest line for a task last. */
export function parseJobcompLog(text: string, arrayJobIds: ReadonlySet<string>): SlurmTaskState[] {
  const latest = new Map<string, SlurmTaskState>();
  for (const task of parseScontrolJobs(text, 'jobcomp')) {
    if (arrayJobIds.has(task.arrayJobId)) latest.set(`${task.arrayJobId}_${task.taskId}`, task);
  }
  return [...latest.values()];
}

/** Fields `sacct -n -P -X -o` is asked for, in this order. */
export const SACCT_FIELDS = 'JobID,State,ExitCode,NodeList,Reason';

/** `sacct -n -P -X -o JobID,State,ExitCode,NodeList,Reason`: `12_3|CANCELLED by 0|0:15|node1|None`. */
export function parseSacct(text: string): SlurmTaskState[] {
  const tasks: SlurmTaskState[] = [];
  for (const line of text.split('\n')) {
    const [jobId, state, exitCode, node, reason] = line.trim().split('|');
    const m = /^(\d+)_(.+)$/.exec(jobId ?? '');
    if (!m || !state) continue;
    for (const taskId of parseArrayIndices(m[2])) {
      tasks.push({
        arrayJobId: m[1],
        taskId,
        state: state.split(/\s/)[0],
        reason: reasonOf(reason),
        exitCode: exitCode || null,
        node: nodeOf(node),
        source: 'sacct',
      });
    }
  }
  return tasks;
}

const ENDINGS: Record<string, { status: 'interrupted' | 'failed'; why: string }> = {
  CANCELLED: { status: 'interrupted', why: 'it was cancelled (scancel, or by an administrator)' },
  TIMEOUT: { status: 'interrupted', why: 'it reached its time limit (--time in job.sh)' },
  DEADLINE: { status: 'interrupted', why: 'it reached its deadline' },
  PREEMPTED: { status: 'interrupted', why: 'it was preempted' },
  NODE_FAIL: { status: 'interrupted', why: 'its node failed' },
  BOOT_FAIL: { status: 'interrupted', why: 'its node failed to boot' },
  REVOKED: { status: 'interrupted', why: 'it was revoked' },
  OUT_OF_MEMORY: {
    status: 'failed',
    why: 'it ran out of memory (ask for more with an #SBATCH --mem line in job.sh)',
  },
  FAILED: { status: 'failed', why: 'the task exited with an error' },
  COMPLETED: { status: 'interrupted', why: 'the task exited before the run finished' },
};

/**
 * What a run its Slurm task left unfinished becomes, with Slurm's own words: a task that was stopped from
 * outside (cancelled, timed out, preempted, its node lost) is `interrupted` and trains again on resubmit; one
 * that crashed or ran out of memory is `failed`.
 */
export function endedTaskOutcome(task: SlurmTaskState): { status: 'interrupted' | 'failed'; error: string } {
  const ending = ENDINGS[task.state] ?? { status: 'interrupted' as const, why: 'it ended' };
  const details = [
    task.reason ? `reason ${task.reason}` : null,
    task.exitCode && task.exitCode !== '0:0' ? `exit code ${task.exitCode}` : null,
  ].filter(Boolean);
  const where = task.node ? ` on ${task.node}` : '';
  return {
    status: ending.status,
    error:
      `${ending.status} by Slurm: task ${task.arrayJobId}_${task.taskId}${where} ended ${task.state}` +
      `${details.length > 0 ? ` (${details.join(', ')})` : ''}: ${ending.why}`,
  };
}
