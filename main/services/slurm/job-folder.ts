import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import type { RunConfig } from '../../../common/config/run-config';
import { UserInputError } from '../../../common/errors';
import type { ResolvedAxis } from '../../../common/grid/spec';
import type { SlurmOptions } from '../../../common/grid/slurm';
import { writeFileAtomic } from '../../datasets/atomic-write';
import type { NewGridCell } from '../../store/grids';
import type { GridPruning } from '../../store/grid-pruning';
import { pruningSchema } from '../../../common/grid/pruning';

/**
 * The job folder a Slurm grid lives in, and every file in it:
 *
 *   grid.json              the grid and every expanded, checked cell (what each task trains, exactly)
 *   job.sh                 the sbatch array script: task i trains cell i
 *   README.md              the commands to submit, collect and resubmit
 *   datasets.db            imported datasets the cells train on (built-in ones need nothing)
 *   stores/cell-<i>.db     the store task i trains into (the grid's real id, its one cell)
 *   stores/cell-<i>.slurm.json   task i's latest attempt: job id, node, start time
 *   logs/cell-<i>-job-<J>.out    each task's output
 *   submissions.json       every submission the workbench made (job id, cells, time)
 *   targets.json           a pruned grid's rung: the epoch each cell of the next array trains to
 */

export const JOB_MANIFEST_FORMAT = 'experiment-workbench-slurm-job';
export const JOB_MANIFEST_VERSION = 1;

export interface JobManifest {
  format: typeof JOB_MANIFEST_FORMAT;
  version: typeof JOB_MANIFEST_VERSION;
  gridId: string;
  name: string;
  createdAt: string;
  appVersion: string;
  spec: unknown;
  axes: ResolvedAxis[];
  cells: NewGridCell[];
  options: SlurmOptions;
  /** Imported datasets the cells need, carried in datasets.db. */
  datasets: string[];
  /** Live pruning: one array per rung, decided at home by `grid collect` (absent for a full grid). */
  pruning?: GridPruning;
}

/** A task's latest attempt at its cell, written by the task as it starts. */
export interface TaskAttempt {
  arrayJobId: string | null;
  taskId: number;
  jobId: string | null;
  node: string;
  pid: number;
  startedAt: string;
}

export interface Submission {
  jobId: string;
  cells: number[];
  submittedAt: string;
}

export const jobFiles = {
  manifest: (dir: string) => join(dir, 'grid.json'),
  script: (dir: string) => join(dir, 'job.sh'),
  readme: (dir: string) => join(dir, 'README.md'),
  datasets: (dir: string) => join(dir, 'datasets.db'),
  stores: (dir: string) => join(dir, 'stores'),
  store: (dir: string, cell: number) => join(dir, 'stores', `cell-${cell}.db`),
  attempt: (dir: string, cell: number) => join(dir, 'stores', `cell-${cell}.slurm.json`),
  logs: (dir: string) => join(dir, 'logs'),
  submissions: (dir: string) => join(dir, 'submissions.json'),
  targets: (dir: string) => join(dir, 'targets.json'),
};

const manifestSchema = z.looseObject({
  format: z.literal(JOB_MANIFEST_FORMAT),
  version: z.literal(JOB_MANIFEST_VERSION),
  gridId: z.string().min(1),
  name: z.string(),
  createdAt: z.string(),
  appVersion: z.string(),
  spec: z.unknown(),
  axes: z.array(z.looseObject({ path: z.string(), label: z.string(), values: z.array(z.unknown()) })),
  cells: z
    .array(
      z.looseObject({
        index: z.number().int().min(0),
        point: z.number().int().min(0),
        repeat: z.number().int().min(0),
        position: z.number().int(),
        values: z.record(z.string(), z.unknown()),
        config: z.looseObject({ name: z.string(), training: z.looseObject({ epochs: z.number() }) }),
        datasetFingerprint: z.string(),
      }),
    )
    .min(1),
  options: z.looseObject({}),
  datasets: z.array(z.string()),
  pruning: z.looseObject({ spec: pruningSchema, fullEpochs: z.number().int().min(2) }).optional(),
});

export function writeJson(file: string, value: unknown): void {
  writeFileAtomic(file, [`${JSON.stringify(value, null, 2)}\n`]);
}

/** The job folder's manifest, checked; a folder that is not one says so in one line. */
export function readManifest(dir: string): JobManifest {
  const file = jobFiles.manifest(dir);
  if (!existsSync(file)) {
    throw new UserInputError(
      `${dir}: not a Slurm job folder of the workbench (no grid.json; write one with \`workbench grid GRID.json --slurm\`)`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserInputError(`${file}: not valid JSON (${(error as Error).message})`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserInputError(
      `${file}: not a job manifest this version reads (${issue.path.join('.')}: ${issue.message})`,
    );
  }
  const manifest = parsed.data as unknown as JobManifest;
  manifest.cells = manifest.cells.map((c) => ({ ...c, config: c.config as RunConfig }));
  return manifest;
}

export function readAttempt(dir: string, cell: number): TaskAttempt | null {
  try {
    return JSON.parse(readFileSync(jobFiles.attempt(dir, cell), 'utf8')) as TaskAttempt;
  } catch {
    return null;
  }
}

export function writeAttempt(dir: string, cell: number, attempt: TaskAttempt): void {
  writeJson(jobFiles.attempt(dir, cell), attempt);
}

export function readSubmissions(dir: string): Submission[] {
  try {
    const raw = JSON.parse(readFileSync(jobFiles.submissions(dir), 'utf8')) as unknown;
    return Array.isArray(raw) ? (raw as Submission[]) : [];
  } catch {
    return [];
  }
}

/**
 * A pruned grid's targets for its next array: cell index → the epoch it trains to (a rung, or the full
 * epochs). Written at home before each submission, read by each task.
 */
export function readTargets(dir: string): Record<string, number> {
  try {
    const raw = JSON.parse(readFileSync(jobFiles.targets(dir), 'utf8')) as unknown;
    return raw !== null && typeof raw === 'object' ? (raw as Record<string, number>) : {};
  } catch {
    return {};
  }
}

export function writeTargets(dir: string, targets: ReadonlyMap<number, number>): void {
  writeJson(jobFiles.targets(dir), Object.fromEntries(targets));
}

export function recordSubmission(dir: string, submission: Submission): void {
  writeJson(jobFiles.submissions(dir), [...readSubmissions(dir), submission]);
}

/** An absolute job folder that does not exist yet, or is empty: the workbench never writes over other files. */
export function freshJobDir(dir: string): string {
  const absolute = resolve(dir);
  if (existsSync(absolute) && !statSync(absolute).isDirectory()) {
    throw new UserInputError(`${absolute}: exists and is not a folder; choose another --out`);
  }
  if (existsSync(absolute) && readdirSync(absolute).length > 0) {
    throw new UserInputError(`${absolute}: the job folder exists and is not empty; choose another --out`);
  }
  return absolute;
}
