import { z } from 'zod';
import type { EpochMetrics, MetricName } from '../types';

/**
 * `checkpoints` of a run config: which epochs keep their weights. Stored resolved (the default written out),
 * so a run's record says what it kept.
 *
 * - "best-and-last": the best epoch's weights, and the last epoch's weights with the optimizer state (what a
 *   resume continues from). The default.
 * - "last": only the last epoch (resume, extend, fork from the end).
 * - "none": nothing; the run can be re-run but not resumed, forked or exported.
 * - {"every": K}: every K-th epoch as well as best and last; these keep the optimizer state too, so a fork
 *   from one of them continues exactly.
 */
export const CHECKPOINT_POLICY_NAMES = ['best-and-last', 'last', 'none'] as const;

export const checkpointPolicySchema = z
  .union(
    [
      z.enum(CHECKPOINT_POLICY_NAMES),
      z.strictObject({
        every: z
          .number({ error: 'expected {"every": K} with K an integer ≥ 1' })
          .int({ error: 'expected {"every": K} with K an integer ≥ 1' })
          .min(1, { error: 'expected {"every": K} with K an integer ≥ 1' }),
      }),
    ],
    { error: 'expected "best-and-last", "last", "none" or {"every": K}' },
  )
  .default('best-and-last');

export type CheckpointPolicy = z.output<typeof checkpointPolicySchema>;

/** What a checkpoint is kept as. A checkpoint may be several at once (the best epoch is often the last). */
export type CheckpointKind = 'best' | 'last' | 'periodic';

/** Runs stored before checkpoints existed have no policy in their config: they kept nothing. */
export function policyOf(config: { checkpoints?: CheckpointPolicy }): CheckpointPolicy {
  return config.checkpoints ?? 'none';
}

export function keepsBest(policy: CheckpointPolicy): boolean {
  return policy === 'best-and-last' || typeof policy === 'object';
}

export function keepsAny(policy: CheckpointPolicy): boolean {
  return policy !== 'none';
}

export function isPeriodic(policy: CheckpointPolicy, epoch: number): boolean {
  return typeof policy === 'object' && epoch % policy.every === 0;
}

/** Text for a policy, as the README and `workbench show` write it. */
export function policyText(policy: CheckpointPolicy): string {
  return typeof policy === 'object' ? `best, last and every ${policy.every} epochs` : policy;
}

/**
 * The metric that decides the best checkpoint: the early-stopping rule's monitor where the run has a rule,
 * else validation loss, else (no validation split) training loss. Lower is better for losses, higher for
 * accuracies; ties keep the earlier epoch (as the run's metric summaries do).
 */
export function bestCheckpointMonitor(
  config: { training: { earlyStopping?: { monitor: MetricName } } },
  metrics: Pick<EpochMetrics, 'valLoss'>,
): MetricName {
  const rule = config.training.earlyStopping;
  if (rule) return rule.monitor;
  return metrics.valLoss === null ? 'trainLoss' : 'valLoss';
}
