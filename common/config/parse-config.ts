import type { z } from 'zod';
import { runConfigSchema, type RunConfig } from './run-config';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

const NOT_FOUND = Symbol('not found');

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return NOT_FOUND;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

function describeValue(input: unknown, path: readonly PropertyKey[]): string {
  const cur = valueAt(input, path);
  if (cur === NOT_FOUND) return '';
  if (cur === undefined) return ' (missing)';
  const text = JSON.stringify(cur);
  return text === undefined ? '' : ` (got ${text.length > 40 ? text.slice(0, 37) + '...' : text})`;
}

/** One line per problem: `training.batchSize: expected an integer ≥ 1 or "full" (got 0)`. */
export function formatZodError(error: z.ZodError, input: unknown): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.map(String).join('.') : '(config)';
      if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
        return `${where}: required field is missing`;
      }
      const message =
        issue.code === 'unrecognized_keys'
          ? `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`
          : issue.message;
      const got = issue.code === 'unrecognized_keys' ? '' : describeValue(input, issue.path);
      return `${where}: ${message}${got}`;
    })
    .join('; ');
}

export function parseWith<S extends z.ZodType>(schema: S, input: unknown): ParseResult<z.output<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, error: formatZodError(result.error, input) };
}

export function parseRunConfig(input: unknown): ParseResult<RunConfig> {
  return parseWith(runConfigSchema, input);
}
