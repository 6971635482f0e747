import type { z } from 'zod';
import { configIssuesFromZodError, formatConfigIssues } from './config-issues';
import { runConfigSchema, type RunConfig } from './run-config';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** One line per problem: `training.batchSize: expected an integer ≥ 1 or "full" (got 0)`. */
export function formatZodError(error: z.ZodError, input: unknown): string {
  return formatConfigIssues(configIssuesFromZodError(error, input));
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown): ParseResult<z.output<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, error: formatZodError(result.error, input) };
}

export function parseRunConfig(input: unknown): ParseResult<RunConfig> {
  return parseWith(runConfigSchema, input);
}
