/**
 * What a run's checkpoints do to the store file: an E2 and an E4 run through the product, each into a fresh
 * store, once with `checkpoints: "none"` (the reference) and once with the default `"best-and-last"`; the file's
 * size after each (the -wal file beside it too, while the worker's connection is open and after the pool has
 * closed), the checkpoint bytes the store accounts for, then `workbench checkpoints prune --runs ID --keep none`
 * as its command does it (CheckpointRepository.prune, then reclaimSpace: incremental vacuum and a WAL
 * checkpoint) and the size after. The checkpoints' size does not depend on the split, so a small one is used.
 */
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { CheckpointInfo } from '../common/checkpoints/types';
import type { RunConfig } from '../common/config/run-config';
import { openDatabase } from '../main/store/database';
import { RunStore } from '../main/store/run-store';
import { benchRunConfig, BenchServices } from './queue-runs';

/** README.md, "Checkpoints, resume and forks": what a run keeps, in MB (best ≠ last; and while best = last). */
export const README_MB = {
  'E2 MLP': { kept: 9.5, bestIsLast: 6.4 },
  'E4 CNN': { kept: 79, bestIsLast: 59 },
} as const;

export interface StorePlan {
  epochs: number;
  split: { train: number; validation: number; test: number };
}

export interface FileSize {
  db: number;
  wal: number;
}

export interface PolicyStore {
  /** The new store, migrated, before any run. */
  empty: FileSize;
  /** The run done, the worker's connection still open (the pool not yet closed). */
  whileOpen: FileSize;
  /** The pool and every connection closed. */
  closed: FileSize;
  /** The store's own accounting of the run's checkpoints. */
  checkpoints: CheckpointInfo[];
  checkpointBytes: number;
}

export interface ModelStore {
  model: keyof typeof README_MB;
  none: PolicyStore;
  kept: PolicyStore;
  /** Weights and optimizer parts of the last checkpoint, bytes. */
  weightsBytes: number;
  optimizerBytes: number;
  prune: { checkpointsDeleted: number; bytesDeleted: number; pagesFreed: number; converted: boolean };
  /** The best-and-last store after prune --keep none and the vacuum. */
  afterPrune: FileSize;
}

export interface StoreGrowthResults {
  plan: StorePlan;
  models: (ModelStore | { model: ModelStore['model']; skipped: string })[];
}

export interface StoreContext {
  presets: { mlp: RunConfig; cnn: RunConfig };
  plan: StorePlan;
  tmp: string;
  cacheDir: string;
  productWorkerFile: string;
  fingerprint: string;
  log: (line: string) => void;
}

function sizeOf(dbPath: string): FileSize {
  const bytes = (file: string) => (existsSync(file) ? statSync(file).size : 0);
  return { db: bytes(dbPath), wal: bytes(`${dbPath}-wal`) };
}

export const totalBytes = (s: FileSize): number => s.db + s.wal;

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

async function oneStore(
  ctx: StoreContext,
  dir: string,
  config: RunConfig,
): Promise<{ dbPath: string; runId: string; result: PolicyStore }> {
  const dbPath = join(dir, `${config.checkpoints === 'none' ? 'none' : 'kept'}.db`);
  openDatabase(dbPath).close();
  const empty = sizeOf(dbPath);
  const services = new BenchServices({
    dbPath,
    cacheDir: ctx.cacheDir,
    workerFile: ctx.productWorkerFile,
    fingerprint: ctx.fingerprint,
  });
  let runId: string;
  let whileOpen: FileSize;
  let checkpoints: CheckpointInfo[];
  let checkpointBytes: number;
  try {
    runId = (await services.submit(config)).runId;
    whileOpen = sizeOf(dbPath);
    checkpoints = services.store.checkpoints.list(runId);
    checkpointBytes = services.store.checkpoints.runBytes(runId);
  } finally {
    await services.close();
  }
  return {
    dbPath,
    runId,
    result: { empty, whileOpen, closed: sizeOf(dbPath), checkpoints, checkpointBytes },
  };
}

async function measureModel(
  ctx: StoreContext,
  model: ModelStore['model'],
  preset: RunConfig,
): Promise<ModelStore> {
  const dir = mkdtempSync(join(ctx.tmp, 'store-'));
  try {
    const config = (checkpoints: RunConfig['checkpoints']) =>
      benchRunConfig(preset, {
        name: `${model} store growth`,
        split: ctx.plan.split,
        epochs: ctx.plan.epochs,
        checkpoints,
      });
    const none = await oneStore(ctx, dir, config('none'));
    const kept = await oneStore(ctx, dir, config('best-and-last'));
    const store = RunStore.open(kept.dbPath);
    let parts: { weightsBytes: number; optimizerBytes: number };
    let prune: ModelStore['prune'];
    try {
      const last = store.checkpoints.list(kept.runId).find((c) => c.kinds.includes('last'));
      if (!last) throw new Error('the best-and-last run kept no last checkpoint');
      const read = store.checkpoints.read(kept.runId, last.epoch, { optimizer: true });
      parts = { weightsBytes: read.weights.byteLength, optimizerBytes: read.optimizer?.byteLength ?? 0 };
      // What `workbench checkpoints prune --runs ID --keep none` does (main/cli/commands/checkpoints.ts).
      const result = store.checkpoints.prune([kept.runId], 'none');
      const space = store.checkpoints.reclaimSpace();
      prune = { ...result, pagesFreed: space.pagesFreed, converted: space.converted };
    } finally {
      store.close();
    }
    return {
      model,
      none: none.result,
      kept: kept.result,
      ...parts,
      prune,
      afterPrune: sizeOf(kept.dbPath),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function measureStoreGrowth(ctx: StoreContext): Promise<StoreGrowthResults> {
  const models: StoreGrowthResults['models'] = [];
  for (const [model, preset] of [
    ['E2 MLP', ctx.presets.mlp],
    ['E4 CNN', ctx.presets.cnn],
  ] as const) {
    try {
      // Sizes, not times: nothing to keep quiet for.
      const m = await measureModel(ctx, model, preset);
      models.push(m);
      ctx.log(
        `Store growth, ${model}, ${ctx.plan.epochs} epochs: file ${mb(totalBytes(m.none.closed))} with "none", ` +
          `${mb(totalBytes(m.kept.closed))} with "best-and-last" (checkpoints ${mb(m.kept.checkpointBytes)}; ` +
          `-wal ${mb(m.kept.whileOpen.wal)} while open); after prune --keep none ${mb(totalBytes(m.afterPrune))}`,
      );
    } catch (error) {
      const skipped = error instanceof Error ? error.message : String(error);
      ctx.log(`Store growth, ${model}: not measured: ${skipped}`);
      models.push({ model, skipped });
    }
  }
  return { plan: ctx.plan, models };
}
