/**
 * How long a resumed E2 run takes to train its first new batch: an E2 run (the preset's split, best-and-last
 * checkpoints) trained for `epochs` epochs through the product, then `workbench resume RUN_ID --epochs M` as
 * its command does it (resumeRun: the run's checks, the checkpoint read with its hashes checked, the dataset's
 * fingerprint compared, then RunQueue.resume), timed from that call to the first progress event, which the
 * worker posts after the first batch of the new epoch. Each resume is cancelled right after that batch, so the
 * next one goes on from the same checkpoint.
 *
 * Cold: a fresh TrainingService (a new worker thread: tfjs and its wasm load, the dataset is read from the
 * cache), as in a new `workbench resume` process, less that process's own start. Warm: the same pool again at
 * once, its worker still holding the backend and the dataset (a resume from the app or `workbench serve`).
 * The reference, measured alike in the same session: a new run of the same config in a fresh pool, queued →
 * first batch, which does everything but read and restore the checkpoint.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../common/config/run-config';
import { benchRunConfig, BenchServices, type QueuedRun } from './queue-runs';
import type { Quiet } from './quiet';
import { median } from './stats';

export const RESUME_TARGET_MS = 1000;

export interface ResumePlan {
  /** Epochs the run trains before it is resumed. */
  epochs: number;
  /** Each repetition: a fresh run, a cold resume and a warm resume. */
  reps: number;
}

export interface StartTiming {
  /** The call → the first batch trained. */
  totalMs: number;
  /** The call itself (checks, the checkpoint read and hash-checked, queued). */
  callMs: number;
  /** Returned → the worker's 'started' (backend, dataset, checkpoint decoded, run marked running). */
  toStartedMs: number;
  /** 'started' → the first batch (model built, weights and optimizer restored, one step). */
  toFirstBatchMs: number;
}

export interface ResumeLatencyResults {
  epochs: number;
  split: { train: number; validation: number; test: number };
  /** Bytes of the checkpoint a resume reads (weights and optimizer state). */
  checkpointBytes: number;
  cold: StartTiming[];
  warm: StartTiming[];
  fresh: StartTiming[];
  coldMs: number;
  warmMs: number;
  freshMs: number;
}

export interface ResumeContext {
  preset: RunConfig;
  plan: ResumePlan;
  tmp: string;
  cacheDir: string;
  productWorkerFile: string;
  fingerprint: string;
  log: (line: string) => void;
  quiet: Quiet;
}

function timing(run: QueuedRun): StartTiming {
  const s = run.stamps;
  if (s.firstBatch === undefined || s.started === undefined) {
    throw new Error(`run ${run.runId.slice(0, 8)} trained no batch (it ended ${run.result.status})`);
  }
  return {
    totalMs: s.firstBatch - s.called,
    callMs: s.returned - s.called,
    toStartedMs: s.started - s.returned,
    toFirstBatchMs: s.firstBatch - s.started,
  };
}

const fmt = (t: StartTiming) =>
  `${t.totalMs.toFixed(0)} ms (call ${t.callMs.toFixed(0)}, → started ${t.toStartedMs.toFixed(0)}, ` +
  `→ first batch ${t.toFirstBatchMs.toFixed(0)})`;

export async function measureResumeLatency(ctx: ResumeContext): Promise<ResumeLatencyResults> {
  const { plan } = ctx;
  const dir = mkdtempSync(join(ctx.tmp, 'resume-'));
  const services = () =>
    new BenchServices({
      dbPath: join(dir, 'runs.db'),
      cacheDir: ctx.cacheDir,
      workerFile: ctx.productWorkerFile,
      fingerprint: ctx.fingerprint,
    });
  const config = (epochs: number) =>
    benchRunConfig(ctx.preset, { name: 'E2 resume latency', epochs, checkpoints: 'best-and-last' });
  try {
    const first = services();
    let base: QueuedRun;
    let checkpointBytes: number;
    try {
      base = await first.submit(config(plan.epochs));
      checkpointBytes =
        first.store.checkpoints.list(base.runId).find((c) => c.epoch === plan.epochs)?.bytes ?? NaN;
    } finally {
      await first.close();
    }
    ctx.log(
      `Resume latency, E2: run ${base.runId.slice(0, 8)} trained ${plan.epochs} epoch(s); its last checkpoint ` +
        `is ${(checkpointBytes / 1e6).toFixed(1)} MB`,
    );
    const cold: StartTiming[] = [];
    const warm: StartTiming[] = [];
    const fresh: StartTiming[] = [];
    for (let rep = 1; rep <= plan.reps; rep++) {
      const measured = await ctx.quiet.run('resume', `resume latency rep ${rep}`, async () => {
        const reference = services();
        let f: StartTiming;
        try {
          f = timing(await reference.submit(config(plan.epochs + 1), { stopAtFirstBatch: true }));
        } finally {
          await reference.close();
        }
        const s = services();
        try {
          const c = timing(await s.resume(base.runId, plan.epochs + 1, { stopAtFirstBatch: true }));
          const w = timing(await s.resume(base.runId, plan.epochs + 1, { stopAtFirstBatch: true }));
          return { f, c, w };
        } finally {
          await s.close();
        }
      });
      fresh.push(measured.f);
      cold.push(measured.c);
      warm.push(measured.w);
      ctx.log(`  rep ${rep}/${plan.reps}: cold resume ${fmt(measured.c)}`);
      ctx.log(`  rep ${rep}/${plan.reps}: warm resume ${fmt(measured.w)}; fresh run ${fmt(measured.f)}`);
    }
    const split = ctx.preset.dataset.split;
    const n = (v: number | 'official') => (typeof v === 'number' ? v : NaN);
    return {
      epochs: plan.epochs,
      split: { train: n(split.train), validation: n(split.validation), test: n(split.test) },
      checkpointBytes,
      cold,
      warm,
      fresh,
      coldMs: median(cold.map((t) => t.totalMs)),
      warmMs: median(warm.map((t) => t.totalMs)),
      freshMs: median(fresh.map((t) => t.totalMs)),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
