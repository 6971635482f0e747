import { z } from 'zod';
import { METRIC_NAMES } from '../types';
import { defaultMode } from './monitor';

/**
 * `training.earlyStopping` of a run config: one rule, with every default filled in when parsed, so the stored
 * config says exactly what decided (and the same object drives the analysis of any history).
 */

const int = (what: string, min: number) =>
  z
    .number({ error: `expected ${what} (an integer ≥ ${min})` })
    .int({ error: `expected ${what} (an integer ≥ ${min})` })
    .min(min, { error: `expected ${what} (an integer ≥ ${min})` });

const positive = (what: string) =>
  z
    .number({ error: `expected ${what} (a number > 0)` })
    .positive({ error: `expected ${what} (a number > 0)` })
    .refine(Number.isFinite, { error: `expected ${what} (a finite number > 0)` });

const monitorSchema = z
  .enum(METRIC_NAMES, { error: `expected one of ${METRIC_NAMES.join(', ')}` })
  .default('valLoss');

/**
 * Trailing smoothing of the monitored metric before a rule reads it (noisy validation loss otherwise stops
 * runs early). Trailing, so the value at epoch t uses epochs ≤ t only and a live run decides as the analysis.
 */
export const stoppingSmoothingSchema = z
  .discriminatedUnion(
    'kind',
    [
      z.strictObject({ kind: z.literal('none') }),
      z.strictObject({
        kind: z.literal('ema'),
        weight: z
          .number({ error: 'expected an EMA weight in [0, 1)' })
          .min(0, { error: 'expected an EMA weight in [0, 1)' })
          .lt(1, { error: 'expected an EMA weight in [0, 1)' }),
      }),
      z.strictObject({ kind: z.literal('moving-average'), window: int('a window of epochs', 1) }),
    ],
    {
      error:
        'expected {"kind": "none"}, {"kind": "ema", "weight": w} or {"kind": "moving-average", "window": n}',
    },
  )
  .default({ kind: 'none' });

/** Fields every rule has. */
const shared = {
  monitor: monitorSchema,
  smoothing: stoppingSmoothingSchema,
  /** Epochs 1…startFromEpoch are not monitored (warm-up), as Keras's `start_from_epoch`. */
  startFromEpoch: int('a number of epochs', 0).default(0),
  /** The run stands for its best monitored epoch (metrics taken from the log), not its last one. */
  restoreBest: z.boolean({ error: 'expected true or false' }).default(true),
};

const patienceRule = z.strictObject({
  rule: z.literal('patience'),
  ...shared,
  /** "auto": min for losses, max for accuracies; stored resolved. */
  mode: z.enum(['auto', 'min', 'max'], { error: 'expected "min", "max" or "auto"' }).default('auto'),
  patience: int('a patience in epochs', 0).default(10),
  minDelta: z
    .number({ error: 'expected a minimum improvement ≥ 0' })
    .min(0, { error: 'expected a minimum improvement ≥ 0' })
    .default(0),
  /** "absolute": better by minDelta; "relative": better by minDelta × |best|. */
  minDeltaMode: z
    .enum(['absolute', 'relative'], { error: 'expected "absolute" or "relative"' })
    .default('absolute'),
  /** Stop when no epoch beats this value within `patience` epochs (Keras's `baseline`); null: none. */
  baseline: z.number({ error: 'expected a number or null' }).nullable().default(null),
});

/** Prechelt's GL_α: stop once the generalisation loss 100·(E_va(t)/E_opt(t) − 1) exceeds α. */
const glRule = z.strictObject({
  rule: z.literal('gl'),
  ...shared,
  alpha: positive('α in percent').default(5),
});

const stripLength = int('a strip length in epochs', 2).default(5);

/** Prechelt's PQ_α: at the end of each strip of k epochs, stop once GL(t) / P_k(t) exceeds α. */
const pqRule = z.strictObject({
  rule: z.literal('pq'),
  ...shared,
  alpha: positive('α').default(0.5),
  stripLength,
});

/** Prechelt's UP_s: stop when the validation error rose at the end of s successive strips of k epochs. */
const upRule = z.strictObject({
  rule: z.literal('up'),
  ...shared,
  strips: int('a number of strips', 1).default(3),
  stripLength,
});

export const STOPPING_RULE_KINDS = ['patience', 'gl', 'pq', 'up'] as const;
export type StoppingRuleKind = (typeof STOPPING_RULE_KINDS)[number];

export const earlyStoppingSchema = z
  .discriminatedUnion('rule', [patienceRule, glRule, pqRule, upRule], {
    error: 'expected "rule": "patience", "gl", "pq" or "up"',
  })
  .transform((rule) =>
    rule.rule === 'patience'
      ? { ...rule, mode: rule.mode === 'auto' ? defaultMode(rule.monitor) : rule.mode }
      : rule,
  );

export type StoppingRuleInput = z.input<typeof earlyStoppingSchema>;
export type StoppingRule = z.output<typeof earlyStoppingSchema>;
export type PatienceRule = Extract<StoppingRule, { rule: 'patience' }>;
export type GlRule = Extract<StoppingRule, { rule: 'gl' }>;
export type PqRule = Extract<StoppingRule, { rule: 'pq' }>;
export type UpRule = Extract<StoppingRule, { rule: 'up' }>;
export type StoppingSmoothing = StoppingRule['smoothing'];
