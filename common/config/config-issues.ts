import type { z } from 'zod';
import type { ConfigIssue } from '../api/contract';
import { runConfigSchema, type RunConfig } from './run-config';

/**
 * Config problems as per-field issues, so a form can put each message next to its field; the CLI joins the
 * same issues into one line (formatConfigIssues), so both say the same thing in the same words.
 */

const NOT_FOUND = Symbol('not found');

/** How many issues the one-line form shows: enough to fix, short enough to read on a terminal. */
const ISSUES_IN_ONE_LINE = 3;

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur: unknown = input;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return NOT_FOUND;
    cur = (cur as Record<PropertyKey, unknown>)[key];
  }
  return cur;
}

/** A number text such as "1e999" that is too large for a double: as a number it would be Infinity. */
const NUMBER_TEXT = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i;
const TOO_LARGE = 'too large to store: numbers go up to about 1.8e308';

function describeValue(input: unknown, path: readonly PropertyKey[]): string {
  const cur = valueAt(input, path);
  if (cur === NOT_FOUND) return '';
  if (cur === undefined) return ' (missing)';
  // JSON writes Infinity as null; say what the value was and why it cannot be used.
  if (typeof cur === 'number' && !Number.isFinite(cur))
    return Number.isNaN(cur) ? ' (got NaN, not a number)' : ` (got ${cur}, ${TOO_LARGE})`;
  if (typeof cur === 'string' && NUMBER_TEXT.test(cur) && !Number.isFinite(Number(cur)))
    return ` (got ${cur.trim()}, ${TOO_LARGE})`;
  const text = preview(cur);
  return text === undefined ? '' : ` (got ${text.length > 40 ? text.slice(0, 37) + '...' : text})`;
}

/**
 * zod's own wording where a schema gave none ("Too big: expected number to be <1"), in the words of the
 * rest: "expected a number < 1". Schema messages are kept as written.
 */
function plainMessage(issue: z.core.$ZodIssue): string {
  const { message } = issue;
  if (issue.code === 'too_big' && message.startsWith('Too big:')) {
    const bound = `${issue.inclusive === false ? '<' : '≤'} ${String(issue.maximum)}`;
    return issue.origin === 'number' || issue.origin === 'int'
      ? `expected a number ${bound}`
      : `expected at most ${count(issue.maximum, issue.origin)}`;
  }
  if (issue.code === 'too_small' && message.startsWith('Too small:')) {
    const bound = `${issue.inclusive === false ? '>' : '≥'} ${String(issue.minimum)}`;
    return issue.origin === 'number' || issue.origin === 'int'
      ? `expected a number ${bound}`
      : `expected at least ${count(issue.minimum, issue.origin)}`;
  }
  if (issue.code === 'invalid_type' && message.startsWith('Invalid input:')) {
    return `expected ${issue.expected === 'int' ? 'an integer' : `a ${issue.expected}`}`;
  }
  return message;
}

/** "1 item", "3 characters". */
function count(n: number | bigint, origin: string): string {
  const unit = origin === 'string' ? 'character' : origin === 'array' || origin === 'set' ? 'item' : 'entry';
  const plural = unit === 'entry' ? 'entries' : `${unit}s`;
  return `${String(n)} ${Number(n) === 1 ? unit : plural}`;
}

/** Issues about one field's value: a value can fail several checks, and that is still one problem. */
const VALUE_CODES = new Set(['invalid_type', 'too_big', 'too_small', 'not_multiple_of', 'invalid_value']);

/**
 * The value as JSON, or undefined where JSON cannot show it. Input over IPC is structured-cloned, not JSON:
 * it can hold BigInts and cycles, which make JSON.stringify throw; a message must never fail to be written.
 */
function preview(value: unknown): string | undefined {
  if (typeof value === 'bigint') return `${value}n`;
  try {
    return JSON.stringify(value);
  } catch {
    return undefined;
  }
}

/** One issue per zod issue: `{path: "training.batchSize", message: 'expected an integer ≥ 1 or "full" (got 0)'}`. */
export function configIssuesFromZodError(error: z.ZodError, input: unknown): ConfigIssue[] {
  const valueIssueAt = new Set<string>();
  return error.issues.flatMap((issue) => {
    const path = issue.path.map(String).join('.');
    if (VALUE_CODES.has(issue.code)) {
      if (valueIssueAt.has(path)) return [];
      valueIssueAt.add(path);
    }
    if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
      return [{ path, message: 'required field is missing' }];
    }
    if (issue.code === 'unrecognized_keys') {
      return [{ path, message: `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}` }];
    }
    return [{ path, message: `${plainMessage(issue)}${describeValue(input, issue.path)}` }];
  });
}

/**
 * `training.batchSize: expected …; dataset: required field is missing` (the first few issues). An issue
 * about the whole input is labelled `whole`.
 */
export function formatConfigIssues(issues: readonly ConfigIssue[], whole = '(config)'): string {
  return issues
    .slice(0, ISSUES_IN_ONE_LINE)
    .map((issue) => `${issue.path === '' ? whole : issue.path}: ${issue.message}`)
    .join('; ');
}

/** A dotted field path at the start of a message, as UserInputError messages write it ("dataset.split: …"). */
const LEADING_PATH = /^([A-Za-z_][\w-]*(?:\.[\w-]+)*): ([\s\S]+)$/;

/** Splits "dataset.split: 1 000 examples do not fit" into its path and message; no path → the whole config. */
export function configIssueFromMessage(message: string): ConfigIssue {
  const match = LEADING_PATH.exec(message);
  return match ? { path: match[1], message: match[2] } : { path: '', message };
}

export type RunConfigParse = { ok: true; config: RunConfig } | { ok: false; issues: ConfigIssue[] };

/** Validates a run config as a form or a file gives it, returning every problem with its field. */
export function parseRunConfigIssues(input: unknown): RunConfigParse {
  // zod would say "expected object, received array"; this says what the object should hold.
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    return {
      ok: false,
      issues: [{ path: '', message: 'expected a JSON object with name, seed, dataset, model and training' }],
    };
  }
  const result = runConfigSchema.safeParse(input);
  if (result.success) return { ok: true, config: result.data };
  return { ok: false, issues: configIssuesFromZodError(result.error, input) };
}
