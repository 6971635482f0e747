import { z } from 'zod';

/**
 * A grid handed to a Slurm cluster as an array job: the resources each task asks for, as `workbench grid
 * --slurm` and the New grid view take them, and what writing the job folder answers. Every value ends up in
 * an `#SBATCH` line of a shell script, so each is held to the characters Slurm itself accepts there.
 */

/** Slurm's time formats: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS. */
const SLURM_TIME = /^(\d{1,7}(:\d{1,2}){0,2}|\d{1,4}-\d{1,2}(:\d{1,2}){0,2})$/;
/** A partition, or a comma-separated list of them. */
const SLURM_PARTITION = /^[A-Za-z0-9_.-]+(,[A-Za-z0-9_.-]+)*$/;

export const slurmOptionsSchema = z.strictObject({
  partition: z
    .string({ error: 'expected a partition name' })
    .trim()
    .max(128, { error: 'expected a partition name of at most 128 characters' })
    .regex(SLURM_PARTITION, {
      error: 'expected a partition name (letters, digits, . _ -; several with commas)',
    })
    .optional(),
  time: z
    .string({ error: 'expected a time limit such as 01:30:00' })
    .trim()
    .regex(SLURM_TIME, { error: 'expected a time limit as Slurm writes it: MINUTES, HH:MM:SS or D-HH:MM:SS' })
    .optional(),
  cpusPerTask: z
    .number({ error: 'expected a number of CPUs per task' })
    .int({ error: 'expected a whole number of CPUs per task' })
    .min(1, { error: 'expected at least 1 CPU per task' })
    .max(1024, { error: 'expected at most 1024 CPUs per task' })
    .optional(),
  gpus: z
    .number({ error: 'expected a number of GPUs per task' })
    .int({ error: 'expected a whole number of GPUs per task' })
    .min(0, { error: 'expected 0 or more GPUs per task' })
    .max(64, { error: 'expected at most 64 GPUs per task' })
    .optional(),
  /** The job folder to write (absolute, or relative to the store's folder); default: beside the store. */
  outDir: z
    .string({ error: 'expected a folder path' })
    .trim()
    .min(1, { error: 'expected a folder path' })
    .max(1000, { error: 'expected a folder path of at most 1000 characters' })
    .refine((p) => !/["\n\r\0]/.test(p), {
      error: 'a job folder path cannot hold a double quote or a line break (it goes into #SBATCH lines)',
    })
    .optional(),
});

export type SlurmOptions = z.output<typeof slurmOptionsSchema>;

/** What writing (and, where `sbatch` is at hand, submitting) a grid's job folder gives back. */
export interface SlurmGridResult {
  gridId: string;
  name: string;
  cells: number;
  /** The job folder, absolute. */
  dir: string;
  /** The array job's id when it was submitted here; null when `sbatch` is not on this machine's PATH. */
  jobId: string | null;
  /** Why submitting failed, when `sbatch` was there and refused the job (the folder is written all the same). */
  submitError: string | null;
  /** The two commands a user runs: submit the job folder, and bring its results home. */
  commands: { submit: string; collect: string };
}
