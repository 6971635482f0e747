/**
 * What writing checkpoints costs an epoch: the same run through the product (RunQueue, TrainingService,
 * out/main/training-worker.js, a SQLite file each) with `checkpoints: "none"` and with the default
 * `"best-and-last"`, side by side on one core like the logging overhead (product-path.ts says why), so that
 * the machine's drifting speed hits both alike. Both runs are planned long and cancelled together once each has
 * logged `epochs` epochs, so every epoch measured ran beside the other run; epochs 2… are measured, from one
 * 'epoch' event to the next (the steps, the evaluation, the SQLite write and, with checkpoints, capturing,
 * encoding, hashing and writing the state).
 *
 * Then where the time goes, in this thread, on the checkpoint the last pair wrote: copying the tensors out (as
 * captureTrainingState does: dataSync's copy, then its own), encodeTrainingState into the previous epoch's
 * buffers (as the worker does), SHA-256 of both parts, and
 * appendEpoch into a scratch store with and without the checkpoint (the transaction the worker runs).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { bestCheckpointMonitor } from '../common/checkpoints/policy';
import {
  decodeTrainingState,
  encodeTrainingState,
  type EncodedState,
} from '../common/checkpoints/training-state';
import type { RunConfig } from '../common/config/run-config';
import type { EpochMetrics } from '../common/types';
import { RunStore } from '../main/store/run-store';
import { pinToOneCpu } from './product-path';
import { benchRunConfig, BenchServices, type QueuedRun } from './queue-runs';
import type { Quiet } from './quiet';
import { mean, median } from './stats';

export const CHECKPOINT_COST_TARGET_PCT = 5;

export interface CheckpointCostPlan {
  /** Epochs each run logs (the first is left out), pairs of runs; split: the preset's where not given. */
  mlp: { epochs: number; pairs: number; split?: Split };
  cnn: { epochs: number; pairs: number; split?: Split };
}

type Split = { train: number; validation: number; test: number };

export interface CostPair {
  /** Wall time of epochs 2… of each run, ms. */
  noneMs: number[];
  keptMs: number[];
  /** (mean kept − mean none) / mean none, in %. */
  pct: number;
}

export interface CostBreakdown {
  /** The checkpoint the breakdown was made on: its parts' bytes. */
  weightsBytes: number;
  optimizerBytes: number;
  /** Medians in ms. */
  captureMs: number;
  encodeMs: number;
  sha256Ms: number;
  appendWithMs: number;
  appendWithoutMs: number;
  /** capture + encode + (append with − without): what a checkpoint adds to an epoch, alone on a core. */
  totalMs: number;
}

export interface ModelCost {
  model: 'E2 MLP' | 'E4 CNN';
  split: Split;
  epochs: number;
  placement: 'one core' | 'one core each';
  pairs: CostPair[];
  noneEpochMs: number;
  keptEpochMs: number;
  /** Median of the pairs' pct: what is reported. */
  pct: number;
  /** Largest minus smallest pair, in points; null with one pair. */
  spreadPct: number | null;
  breakdown: CostBreakdown | { skipped: string };
}

export interface CheckpointCostResults {
  models: (ModelCost | { model: ModelCost['model']; skipped: string })[];
}

export interface CheckpointCostContext {
  presets: { mlp: RunConfig; cnn: RunConfig };
  plan: CheckpointCostPlan;
  tmp: string;
  cacheDir: string;
  productWorkerFile: string;
  fingerprint: string;
  log: (line: string) => void;
  quiet: Quiet;
}

/** Epochs 2… of a run: one epoch event to the next, those that started after both runs trained a batch. */
export function epochIntervals(run: QueuedRun, from: number): number[] {
  const ends = run.stamps.epochEnds;
  return ends.slice(1).flatMap((end, i) => (ends[i] >= from ? [end - ends[i]] : []));
}

export async function runPair(
  ctx: CheckpointCostContext,
  config: (policy: RunConfig['checkpoints']) => RunConfig,
  epochs: number,
  keptFirst: boolean,
  dir: string,
): Promise<{ none: QueuedRun; kept: QueuedRun; keptDb: string }> {
  const services = (name: string) =>
    new BenchServices({
      dbPath: join(dir, `${name}.db`),
      cacheDir: ctx.cacheDir,
      workerFile: ctx.productWorkerFile,
      fingerprint: ctx.fingerprint,
    });
  const none = services('none');
  const kept = services('kept');
  // Each run holds on past `epochs` until the other has logged as many; then both are cancelled at once.
  const cancels: (() => void)[] = [];
  const arrive = (cancel: () => void) => {
    cancels.push(cancel);
    if (cancels.length === 2) for (const c of cancels) c();
  };
  const start = (s: BenchServices, policy: RunConfig['checkpoints']) =>
    s.submit(config(policy), { stopAfterEpochs: epochs, onEpochs: (id) => arrive(() => s.cancel(id)) });
  try {
    const [n, k] = keptFirst
      ? await Promise.all([start(kept, 'best-and-last'), start(none, 'none')]).then(([a, b]) => [b, a])
      : await Promise.all([start(none, 'none'), start(kept, 'best-and-last')]);
    return { none: n, kept: k, keptDb: join(dir, 'kept.db') };
  } finally {
    await Promise.all([none.close(), kept.close()]);
  }
}

function timeMedian(reps: number, fn: () => void): number {
  const ms: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

function metricsAt(epoch: number): EpochMetrics {
  // Losses that fall every epoch: the best epoch is the last, as early in a run.
  const loss = 1 / epoch;
  return {
    epoch,
    trainLoss: loss,
    trainAcc: 0.9,
    valLoss: loss,
    valAcc: 0.9,
    testLoss: loss,
    testAcc: 0.9,
    lr: 1e-4,
    seconds: 1,
  };
}

/** appendEpoch's median time over epochs 2…`epochs` of a fresh run in `store`, with or without the state. */
function appendTimes(
  store: RunStore,
  config: RunConfig,
  fingerprint: string,
  encoded: EncodedState | null,
  epochs: number,
): number {
  const run = store.createRun({ config, datasetFingerprint: fingerprint, appVersion: 'bench' });
  store.startRun(run.id, {
    backend: { chosen: 'wasm', tfjsBackend: 'wasm', version: 'bench', candidates: [] },
    pid: process.pid,
    host: hostname(),
  });
  const ms: number[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    const metrics = metricsAt(epoch);
    const checkpoint = encoded
      ? { policy: config.checkpoints, monitor: bestCheckpointMonitor(config, metrics), state: encoded }
      : null;
    const t = performance.now();
    store.appendEpoch(run.id, metrics, checkpoint);
    if (epoch > 1) ms.push(performance.now() - t);
  }
  return median(ms);
}

function breakdown(
  keptDb: string,
  runId: string,
  config: RunConfig,
  fingerprint: string,
  dir: string,
): CostBreakdown {
  const source = RunStore.open(keptDb);
  let encoded: EncodedState;
  try {
    const last = source.checkpoints.list(runId).find((c) => c.kinds.includes('last'));
    if (!last) throw new Error('the best-and-last run kept no last checkpoint');
    const stored = source.checkpoints.read(runId, last.epoch, { optimizer: true });
    encoded = {
      weights: new Uint8Array(stored.weights),
      optimizer: stored.optimizer && new Uint8Array(stored.optimizer),
    };
  } finally {
    source.close();
  }
  const state = decodeTrainingState(encoded);
  const tensors = [...state.weights, ...(state.optimizer?.slots ?? [])];
  const reps = 7;
  // As the worker does it: dataSync's copy out of the wasm heap, then captureTrainingState's slice().
  const captureMs = timeMedian(reps, () => {
    for (const t of tensors) t.values.slice().slice();
  });
  // The worker writes each epoch's encoding into the previous one's buffers (training-worker.ts).
  let previous = encodeTrainingState(state);
  const encodeMs = timeMedian(reps, () => {
    previous = encodeTrainingState(state, previous);
  });
  const sha256Ms = timeMedian(reps, () => {
    sha256(encoded.weights);
    if (encoded.optimizer) sha256(encoded.optimizer);
  });
  const scratch = RunStore.open(join(dir, 'scratch.db'));
  let appendWithMs: number;
  let appendWithoutMs: number;
  try {
    appendWithoutMs = appendTimes(scratch, { ...config, checkpoints: 'none' }, fingerprint, null, reps + 1);
    appendWithMs = appendTimes(
      scratch,
      { ...config, checkpoints: 'best-and-last' },
      fingerprint,
      encoded,
      reps + 1,
    );
  } finally {
    scratch.close();
  }
  return {
    weightsBytes: encoded.weights.byteLength,
    optimizerBytes: encoded.optimizer?.byteLength ?? 0,
    captureMs,
    encodeMs,
    sha256Ms,
    appendWithMs,
    appendWithoutMs,
    totalMs: captureMs + encodeMs + appendWithMs - appendWithoutMs,
  };
}

async function measureModel(
  ctx: CheckpointCostContext,
  model: ModelCost['model'],
  preset: RunConfig,
  plan: CheckpointCostPlan['mlp'],
): Promise<ModelCost> {
  const split = plan.split ?? preset.dataset.split;
  const numeric = (v: number | 'official') => (typeof v === 'number' ? v : NaN);
  const config = (policy: RunConfig['checkpoints']) =>
    benchRunConfig(preset, {
      name: `${model} checkpoint cost (${typeof policy === 'string' ? policy : 'every'})`,
      split: plan.split,
      // Planned long: the pair is cancelled once both have logged plan.epochs.
      epochs: plan.epochs + 50,
      checkpoints: policy,
    });
  const pairs: CostPair[] = [];
  let lastKept: { db: string; runId: string; dir: string } | null = null;
  const unpin = pinToOneCpu();
  const placement = unpin ? 'one core' : 'one core each';
  try {
    for (let pair = 1; pair <= plan.pairs; pair++) {
      const dir = mkdtempSync(join(ctx.tmp, 'ckpt-cost-'));
      const { none, kept, keptDb } = await ctx.quiet.run(
        'checkpoints',
        `${model} checkpoint pair ${pair}`,
        () => runPair(ctx, config, plan.epochs, pair % 2 === 0, dir),
      );
      const from = Math.max(none.stamps.firstBatch ?? Infinity, kept.stamps.firstBatch ?? Infinity);
      const noneMs = epochIntervals(none, from);
      const keptMs = epochIntervals(kept, from);
      if (noneMs.length === 0 || keptMs.length === 0)
        throw new Error('the two runs logged no epoch side by side');
      const pct = (mean(keptMs) / mean(noneMs) - 1) * 100;
      pairs.push({ noneMs, keptMs, pct });
      ctx.log(
        `  ${model}, pair ${pair}/${plan.pairs} on ${placement}: none ${mean(noneMs).toFixed(0)} ms/epoch, ` +
          `best-and-last ${mean(keptMs).toFixed(0)} ms/epoch (${pct >= 0 ? '+' : ''}${pct.toFixed(2)} %)`,
      );
      if (lastKept) rmSync(lastKept.dir, { recursive: true, force: true });
      lastKept = { db: keptDb, runId: kept.runId, dir };
    }
  } finally {
    unpin?.();
  }
  let detail: ModelCost['breakdown'];
  try {
    detail = lastKept
      ? breakdown(lastKept.db, lastKept.runId, config('best-and-last'), ctx.fingerprint, lastKept.dir)
      : { skipped: 'no pair ran' };
  } catch (error) {
    detail = { skipped: error instanceof Error ? error.message : String(error) };
  } finally {
    if (lastKept) rmSync(lastKept.dir, { recursive: true, force: true });
  }
  const pcts = pairs.map((p) => p.pct);
  return {
    model,
    split: { train: numeric(split.train), validation: numeric(split.validation), test: numeric(split.test) },
    epochs: plan.epochs,
    placement,
    pairs,
    noneEpochMs: mean(pairs.flatMap((p) => p.noneMs)),
    keptEpochMs: mean(pairs.flatMap((p) => p.keptMs)),
    pct: median(pcts),
    spreadPct: pcts.length > 1 ? Math.max(...pcts) - Math.min(...pcts) : null,
    breakdown: detail,
  };
}

export async function measureCheckpointCost(ctx: CheckpointCostContext): Promise<CheckpointCostResults> {
  const models: CheckpointCostResults['models'] = [];
  for (const [model, preset, plan] of [
    ['E2 MLP', ctx.presets.mlp, ctx.plan.mlp],
    ['E4 CNN', ctx.presets.cnn, ctx.plan.cnn],
  ] as const) {
    ctx.log(
      `Checkpoint cost, ${model}: checkpoints "none" vs "best-and-last" through the product, side by side:`,
    );
    try {
      const result = await measureModel(ctx, model, preset, plan);
      models.push(result);
      if ('totalMs' in result.breakdown) {
        const b = result.breakdown;
        ctx.log(
          `  ${model}: +${result.pct.toFixed(2)} % per epoch; a checkpoint alone: capture ${b.captureMs.toFixed(1)} ms, ` +
            `encode ${b.encodeMs.toFixed(1)} ms, SHA-256 ${b.sha256Ms.toFixed(1)} ms, SQLite append ` +
            `${b.appendWithMs.toFixed(1)} vs ${b.appendWithoutMs.toFixed(1)} ms without`,
        );
      }
    } catch (error) {
      const skipped = error instanceof Error ? error.message : String(error);
      ctx.log(`  ${model}: not measured: ${skipped}`);
      models.push({ model, skipped });
    }
  }
  return { models };
}
