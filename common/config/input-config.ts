import type { RunConfig } from './run-config';

/**
 * A stored (resolved) config as editor input. Resolving is not idempotent in one place: dropout is stored
 * as {keep, rate, convention}, while the schema accepts {keep} or {rate}; everything else parses as is.
 */
export function toInputConfig(config: RunConfig): Record<string, unknown> {
  const copy = structuredClone(config) as unknown as Record<string, unknown>;
  const regularization = copy.regularization as Record<string, unknown> | undefined;
  const dropout = regularization?.dropout as { keep: number; rate: number; convention: string } | undefined;
  if (regularization && dropout) {
    regularization.dropout = dropout.convention === 'rate' ? { rate: dropout.rate } : { keep: dropout.keep };
  }
  return copy;
}
