/**
 * What the per-layer statistics cost an epoch (common/layers/layer-stats.ts): the same preset through the
 * product with `layerStats: false` and `true`, side by side on one core, exactly as the checkpoint cost is
 * measured (checkpoint-cost.ts: started together, cancelled together, epochs 2… timed from one epoch event to
 * the next). Both keep no checkpoint, so the difference is the statistics alone: one kernel read per layer,
 * the last batch's gradient norms, a 256-example forward pass and the rows in the epoch's transaction.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { RunConfig } from '../common/config/run-config';
import {
  epochIntervals,
  runPair,
  type CheckpointCostContext,
  type CheckpointCostPlan,
} from './checkpoint-cost';
import { pinToOneCpu } from './product-path';
import { benchRunConfig } from './queue-runs';
import { mean, median } from './stats';

export const LAYER_STATS_TARGET_PCT = 3;

/** Epochs and pairs per model, as the checkpoint cost plans them. */
export type LayerStatsPlan = CheckpointCostPlan;

type Split = NonNullable<LayerStatsPlan['mlp']['split']>;

export interface LayerStatsModelCost {
  model: 'E2 MLP' | 'E4 CNN';
  split: Split;
  epochs: number;
  placement: 'one core' | 'one core each';
  /** Per pair: (mean on − mean off) / mean off, in %. */
  pairs: number[];
  offEpochMs: number;
  onEpochMs: number;
  pct: number;
}

export interface LayerStatsCostResults {
  models: (LayerStatsModelCost | { model: LayerStatsModelCost['model']; skipped: string })[];
}

async function measureModel(
  ctx: Omit<CheckpointCostContext, 'plan'>,
  model: LayerStatsModelCost['model'],
  preset: RunConfig,
  plan: LayerStatsPlan['mlp'],
): Promise<LayerStatsModelCost> {
  const split = plan.split ?? preset.dataset.split;
  // runPair starts a "none" and a "best-and-last" run; here they stand for statistics off and on.
  const config = (policy: RunConfig['checkpoints']): RunConfig => ({
    ...benchRunConfig(preset, {
      name: `${model} layer statistics ${policy === 'none' ? 'off' : 'on'}`,
      split: plan.split,
      epochs: plan.epochs + 50,
      checkpoints: 'none',
    }),
    layerStats: policy !== 'none',
  });
  const pairs: number[] = [];
  const off: number[] = [];
  const on: number[] = [];
  const unpin = pinToOneCpu();
  const placement = unpin ? 'one core' : 'one core each';
  try {
    for (let pair = 1; pair <= plan.pairs; pair++) {
      const dir = mkdtempSync(join(ctx.tmp, 'layer-cost-'));
      try {
        const { none, kept } = await ctx.quiet.run(
          'checkpoints',
          `${model} layer statistics pair ${pair}`,
          () => runPair({ ...ctx, plan: { mlp: plan, cnn: plan } }, config, plan.epochs, pair % 2 === 0, dir),
        );
        const from = Math.max(none.stamps.firstBatch ?? Infinity, kept.stamps.firstBatch ?? Infinity);
        const offMs = epochIntervals(none, from);
        const onMs = epochIntervals(kept, from);
        if (offMs.length === 0 || onMs.length === 0)
          throw new Error('the two runs logged no epoch side by side');
        const pct = (mean(onMs) / mean(offMs) - 1) * 100;
        pairs.push(pct);
        off.push(...offMs);
        on.push(...onMs);
        ctx.log(
          `  ${model}, pair ${pair}/${plan.pairs} on ${placement}: off ${mean(offMs).toFixed(0)} ms/epoch, ` +
            `on ${mean(onMs).toFixed(0)} ms/epoch (${pct >= 0 ? '+' : ''}${pct.toFixed(2)} %)`,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  } finally {
    unpin?.();
  }
  const numeric = (v: number | 'official') => (typeof v === 'number' ? v : NaN);
  return {
    model,
    split: { train: numeric(split.train), validation: numeric(split.validation), test: numeric(split.test) },
    epochs: plan.epochs,
    placement,
    pairs,
    offEpochMs: mean(off),
    onEpochMs: mean(on),
    pct: median(pairs),
  };
}

export async function measureLayerStatsCost(
  ctx: Omit<CheckpointCostContext, 'plan'> & { layerPlan: LayerStatsPlan },
): Promise<LayerStatsCostResults> {
  const models: LayerStatsCostResults['models'] = [];
  for (const [model, preset, plan] of [
    ['E2 MLP', ctx.presets.mlp, ctx.layerPlan.mlp],
    ['E4 CNN', ctx.presets.cnn, ctx.layerPlan.cnn],
  ] as const) {
    ctx.log(`Layer statistics cost, ${model}: "layerStats" false vs true through the product, side by side:`);
    try {
      models.push(await measureModel(ctx, model, preset, plan));
    } catch (error) {
      const skipped = error instanceof Error ? error.message : String(error);
      ctx.log(`  ${model}: not measured: ${skipped}`);
      models.push({ model, skipped });
    }
  }
  return { models };
}
