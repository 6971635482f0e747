import type { EpochMetrics } from '../types';
import { evaluateStopping } from './evaluate';
import { inEpochOrder } from './monitor';
import { outcomeOf, type StoppingOutcome } from './outcome';
import { earlyStoppingSchema, type StoppingRule, type StoppingRuleInput } from './rule-schema';

/** What every row of a what-if table shares: the metric watched, its smoothing, warm-up and restore. */
export type WhatIfBase = Pick<StoppingRuleInput, 'monitor' | 'smoothing' | 'startFromEpoch' | 'restoreBest'>;

export interface WhatIfOptions {
  /** Patience 1…maxPatience (default 20, or fewer when the history is shorter). */
  maxPatience?: number;
  glAlphas?: readonly number[];
  pqAlphas?: readonly number[];
  upStrips?: readonly number[];
}

export const WHAT_IF_DEFAULTS = {
  maxPatience: 20,
  glAlphas: [1, 2, 5, 10],
  pqAlphas: [0.5, 1, 2],
  upStrips: [1, 2, 3],
} as const;

export interface WhatIfRow extends StoppingOutcome {
  rule: StoppingRule;
}

/** The rules a what-if table replays: patience 1…N, then a few GL_α, PQ_α and UP_s (strips of 5). */
export function whatIfRules(
  base: WhatIfBase,
  lastEpoch: number,
  options: WhatIfOptions = {},
): StoppingRule[] {
  const maxPatience = Math.max(
    1,
    Math.min(options.maxPatience ?? WHAT_IF_DEFAULTS.maxPatience, Math.max(1, lastEpoch - 1)),
  );
  const inputs: StoppingRuleInput[] = [
    ...Array.from({ length: maxPatience }, (_, i) => ({
      ...base,
      rule: 'patience' as const,
      patience: i + 1,
    })),
    ...(options.glAlphas ?? WHAT_IF_DEFAULTS.glAlphas).map((alpha) => ({
      ...base,
      rule: 'gl' as const,
      alpha,
    })),
    ...(options.pqAlphas ?? WHAT_IF_DEFAULTS.pqAlphas).map((alpha) => ({
      ...base,
      rule: 'pq' as const,
      alpha,
    })),
    ...(options.upStrips ?? WHAT_IF_DEFAULTS.upStrips).map((strips) => ({
      ...base,
      rule: 'up' as const,
      strips,
    })),
  ];
  return inputs.map((input) => earlyStoppingSchema.parse(input));
}

/**
 * Replays each rule on the logged history: where it would have stopped, which epoch it would keep, those
 * metrics, what it saves (epochs, seconds) and what it costs (test regret against the whole run's best).
 */
export function whatIfTable(
  history: readonly EpochMetrics[],
  base: WhatIfBase,
  options: WhatIfOptions = {},
): WhatIfRow[] {
  const rows = inEpochOrder(history);
  const lastEpoch = rows.at(-1)?.epoch ?? 0;
  return whatIfRules(base, lastEpoch, options).map((rule) => ({
    rule,
    ...outcomeOf(rows, evaluateStopping(rows, rule)),
  }));
}
