/**
 * Per-step overhead of the product path: the same MLP trained through the RunQueue and TrainingService (Piscina pool, the built
 * out/main/training-worker.js, progress events, epochs logged to a SQLite file) and through a bare trainRun in
 * a bench worker.
 *
 * A core of this (virtual) machine runs tens of percent faster or slower from one second to the next, with
 * the guest seeing 100 % CPU and no steal: other tenants of the host. That is far more than the 1 % to
 * resolve, and it differs between cores. So the two paths are not run one after the other, nor one per core,
 * but side by side on ONE core: the process is pinned to one CPU (taskset) while a pair runs, the scheduler
 * alternates the two workers every few milliseconds, and whatever slows that core slows both alike. Each gets
 * about half the core, so steps take about twice as long as alone; the ratio is what counts. Several pairs
 * are run over the time window in which both were training; the overhead is the median of their ratios.
 * Without taskset (not Linux), the pair runs one worker per core, which is much noisier.
 *
 * Step time comes from the steps' timestamps within epochs: the product's progress events (throttled,
 * stamped in the main thread as they arrive) and the bare run's onBatch callbacks, on one clock.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runConfigSchema, type RunConfig, type RunConfigInput } from '../common/config/run-config';
import { RunQueue } from '../main/services/run-queue';
import { TrainingService } from '../main/services/training-service';
import { RunStore } from '../main/store/run-store';
import { runInWorkers } from './engine-runs';
import type { Quiet } from './quiet';
import { mean, median, rowsOfStep, spanWindow, type StepStamp } from './stats';

export interface PathRun {
  path: 'bare' | 'product';
  stepMs: number;
  steps: number;
  samplesPerSec: number;
  /** Wall time of each epoch after the first (steps, evaluation, and for the product the SQLite write). */
  epochMs: number[];
}

export interface OverheadResult {
  /** bare, product, bare, product, …: one pair per two entries. */
  runs: PathRun[];
  /** Step time over all runs of each path. */
  bareStepMs: number;
  productStepMs: number;
  /** Per pair: (product − bare) / bare of the mean epoch wall time (epochs 2…), in %. */
  pairPct: number[];
  /** Per pair: (product − bare) / bare of the step time from the steps' stamps, in %. */
  pairStepPct: number[];
  /** The median of pairPct: the overhead reported. */
  overheadPct: number;
  /** Largest minus smallest of pairPct, in points: the noise of this comparison; null with one pair. */
  spreadPct: number | null;
  bareEpochMs: number;
  productEpochMs: number;
  /** Where the pairs ran: 'one core' (pinned) or 'one core each' (taskset unavailable). */
  placement: 'one core' | 'one core each';
}

export interface OverheadPlan {
  trainRows: number;
  epochs: number;
  pairs: number;
  /** Steps at the start of each run left out. */
  warmup: number;
}

interface Timeline {
  stamps: StepStamp[];
  epochEnds: number[];
}

/** One run through a fresh TrainingService (so a fresh worker thread, like the bare run's). */
async function productRun(
  options: { dir: string; store: RunStore; dbPath: string; workerFile: string },
  config: RunConfig,
  fingerprint: string,
): Promise<Timeline> {
  const training = new TrainingService({
    store: options.store,
    dbPath: options.dbPath,
    cacheDir: join(options.dir, 'cache'),
    workerFile: options.workerFile,
    maxWorkers: 1,
  });
  // Every run starts through the queue in the product, so the bench measures that path too.
  const service = new RunQueue({ store: options.store, training, appVersion: 'bench' });
  const stamps: StepStamp[] = [];
  const epochEnds: number[] = [];
  const now = () => performance.timeOrigin + performance.now();
  const { runId, done } = service.submit(config, fingerprint);
  // Events are relayed from the worker's port later in the event loop: subscribing now misses none.
  const unsubscribe = service.subscribe({
    progress(id, epoch, batch, batches) {
      if (id === runId) stamps.push({ epoch, batch, batches, t: now() });
    },
    epoch(id) {
      if (id === runId) epochEnds.push(now());
    },
  });
  try {
    const result = await done;
    if (result.status !== 'completed') {
      throw new Error(
        `the product-path run ended ${result.status}${result.error ? `: ${result.error}` : ''}`,
      );
    }
    return { stamps, epochEnds };
  } finally {
    unsubscribe();
    service.dispose();
    await training.close();
  }
}

function allowedCpus(): string | null {
  try {
    return /^Cpus_allowed_list:\s*(\S+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? null;
  } catch {
    return null;
  }
}

/**
 * Pins every thread of this process to one CPU; threads started afterwards (workers) inherit it. Returns
 * the function that gives the process its CPUs back, or null when pinning is not possible here.
 */
export function pinToOneCpu(): (() => void) | null {
  const allowed = allowedCpus();
  if (allowed === null) return null;
  const cpu = allowed.split(/[,-]/).pop() ?? '0';
  const taskset = (list: string) =>
    spawnSync('taskset', ['--all-tasks', '--cpu-list', '--pid', list, String(process.pid)], {
      encoding: 'utf8',
    });
  const pinned = taskset(cpu);
  if (pinned.error || pinned.status !== 0 || allowedCpus() !== cpu) {
    if (allowedCpus() !== allowed) taskset(allowed);
    return null;
  }
  return () => {
    taskset(allowed);
  };
}

const globalStep = (s: StepStamp) => (s.epoch - 1) * s.batches + s.batch;

/** From the later of the two runs' first stamps past `warmup` steps to the earlier of their last stamps. */
function commonWindow(a: Timeline, b: Timeline, warmup: number): [number, number] {
  const start = (t: Timeline) => t.stamps.find((s) => globalStep(s) >= warmup)?.t ?? Infinity;
  const end = (t: Timeline) => t.stamps[t.stamps.length - 1]?.t ?? -Infinity;
  return [Math.max(start(a), start(b)), Math.min(end(a), end(b))];
}

function summarise(
  path: PathRun['path'],
  timeline: Timeline,
  window: [number, number],
  rowsOf: (batch: number, batches: number) => number,
): PathRun {
  const inside = timeline.stamps.filter((s) => s.t >= window[0] && s.t <= window[1]);
  const span = spanWindow(inside, 0, rowsOf);
  return {
    path,
    stepMs: span.ms / span.steps,
    steps: span.steps,
    samplesPerSec: span.samples / (span.ms / 1000),
    epochMs: timeline.epochEnds.slice(1).map((t, i) => t - timeline.epochEnds[i]),
  };
}

export async function measureOverhead(options: {
  preset: RunConfigInput;
  plan: OverheadPlan;
  benchWorkerFile: string;
  productWorkerFile: string;
  datasetFingerprint: string;
  log: (line: string) => void;
  quiet: Quiet;
}): Promise<OverheadResult> {
  const { plan } = options;
  const input: RunConfigInput = {
    ...options.preset,
    name: `${options.preset.name} (bench)`,
    backend: 'wasm',
    dataset: { ...options.preset.dataset, split: { train: plan.trainRows, validation: 0, test: 0 } },
    training: { ...options.preset.training, epochs: plan.epochs },
  };
  const config = runConfigSchema.parse(input);
  const batchSize = config.training.batchSize === 'full' ? plan.trainRows : config.training.batchSize;
  const rowsOf = rowsOfStep(plan.trainRows, batchSize);
  const dir = mkdtempSync(join(tmpdir(), 'workbench-bench-'));
  const dbPath = join(dir, 'runs.db');
  const store = RunStore.open(dbPath);
  const runs: PathRun[] = [];
  const unpin = pinToOneCpu();
  const placement = unpin ? 'one core' : 'one core each';
  try {
    for (let pair = 1; pair <= plan.pairs; pair++) {
      // Which worker thread starts first alternates from pair to pair.
      const startBare = () => runInWorkers(options.benchWorkerFile, [{ kind: 'epochs', config: input }]);
      const startProduct = () =>
        productRun(
          { dir, store, dbPath, workerFile: options.productWorkerFile },
          config,
          options.datasetFingerprint,
        );
      const [[bare], product] = await options.quiet.run('overhead', `overhead pair ${pair}`, () =>
        pair % 2 === 1
          ? Promise.all([startBare(), startProduct()])
          : Promise.all([startProduct(), startBare()]).then(([p, b]) => [b, p] as const),
      );
      if (bare.timeline?.status !== 'completed') throw new Error('the bare run did not complete');
      const window = commonWindow(bare.timeline, product, plan.warmup);
      if (!(window[1] > window[0])) throw new Error('the bare and product runs did not overlap');
      const b = summarise('bare', bare.timeline, window, rowsOf);
      const p = summarise('product', product, window, rowsOf);
      runs.push(b, p);
      options.log(
        `  pair ${pair}/${plan.pairs}, side by side on ${placement} for ${((window[1] - window[0]) / 1000).toFixed(1)} s: ` +
          `bare trainRun ${b.stepMs.toFixed(2)} ms/step, TrainingService ${p.stepMs.toFixed(2)} ms/step`,
      );
    }
  } finally {
    unpin?.();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const of = (path: PathRun['path']) => runs.filter((r) => r.path === path);
  const pooled = (path: PathRun['path']) =>
    of(path).reduce((s, r) => s + r.stepMs * r.steps, 0) / of(path).reduce((s, r) => s + r.steps, 0);
  const bares = of('bare');
  const pairStepPct = of('product').map((p, i) => (p.stepMs / bares[i].stepMs - 1) * 100);
  const pairPct = of('product').map((p, i) => (mean(p.epochMs) / mean(bares[i].epochMs) - 1) * 100);
  return {
    runs,
    bareStepMs: pooled('bare'),
    productStepMs: pooled('product'),
    pairPct,
    pairStepPct,
    overheadPct: median(pairPct),
    spreadPct: pairPct.length > 1 ? Math.max(...pairPct) - Math.min(...pairPct) : null,
    bareEpochMs: mean(bares.flatMap((r) => r.epochMs)),
    productEpochMs: mean(of('product').flatMap((r) => r.epochMs)),
    placement,
  };
}
