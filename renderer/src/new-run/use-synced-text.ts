import { useState } from 'react';
import { sameJson } from './config-path';

/**
 * The text of an input that edits a structured value. While the user types ("1e-", "1000,") the text
 * is kept as typed; it is replaced only when the value changes from elsewhere (the JSON editor, a preset)
 * to something the text does not already say.
 */
export function useSyncedText<T>(
  value: T,
  format: (value: T) => string,
  parse: (text: string) => T,
  onChange: (value: T) => void,
): [string, (text: string) => void] {
  const [text, setText] = useState(() => format(value));
  const [seen, setSeen] = useState(value);
  if (!sameJson(seen, value)) {
    setSeen(value);
    if (!sameJson(parse(text), value)) setText(format(value));
  }
  const update = (next: string) => {
    const parsed = parse(next);
    setText(next);
    setSeen(parsed);
    onChange(parsed);
  };
  return [text, update];
}

/** What a JSON box's text reads as: the value, or why it cannot be used yet. */
export type JsonTextParse<T> = { value: T } | { error: string };

export interface JsonText {
  text: string;
  /** Why the text is not passed on (not JSON yet, not an object, a number too large); null when it is. */
  error: string | null;
  /**
   * The value was changed elsewhere (a form field) while the text did not parse: the text is kept as typed,
   * and `takeValue` drops it for the value as it now is.
   */
  changedElsewhere: boolean;
  edit: (text: string) => void;
  /** Drops the unfinished text and shows the current value. */
  takeValue: () => void;
  /** Shows `value` whatever the text holds (a preset chosen on purpose replaces everything). */
  replace: (value: unknown) => void;
}

/**
 * The text of a box that edits a value as JSON, while form fields edit the same value. Text that parses is
 * passed on at once; text that does not is kept as typed with its error, and is never replaced from
 * elsewhere: an edit in the form while the JSON is unfinished changes the value, leaves the text, and sets
 * `changedElsewhere` so the box can say so. A change from elsewhere replaces text that parses.
 */
export function useJsonText<T>(
  value: T,
  format: (value: T) => string,
  parse: (text: string) => JsonTextParse<T>,
  onChange: (value: T) => void,
): JsonText {
  const [text, setText] = useState(() => format(value));
  const [error, setError] = useState<string | null>(null);
  const [seen, setSeen] = useState<unknown>(value);
  const [changedElsewhere, setChangedElsewhere] = useState(false);
  if (!sameJson(seen, value)) {
    setSeen(value);
    if (error !== null) setChangedElsewhere(true);
    else {
      // Text that already says the value (typed compactly, say) stays as typed.
      const current = parse(text);
      if ('error' in current || !sameJson(current.value, value)) setText(format(value));
    }
  }
  const show = (next: unknown) => {
    setText(format(next as T));
    setError(null);
    setSeen(next);
    setChangedElsewhere(false);
  };
  const edit = (next: string) => {
    setText(next);
    const parsed = parse(next);
    if ('error' in parsed) {
      setError(parsed.error);
      return;
    }
    setError(null);
    setChangedElsewhere(false);
    setSeen(parsed.value);
    onChange(parsed.value);
  };
  return { text, error, changedElsewhere, edit, takeValue: () => show(value), replace: show };
}

/** JSON.parse turns 1e999 into Infinity, which JSON cannot carry (it arrives as null): the first such path. */
export function nonFinitePath(value: unknown, path = ''): string | null {
  if (typeof value === 'number') return Number.isFinite(value) ? null : path;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, child] of Object.entries(value)) {
    const found = nonFinitePath(child, path === '' ? key : `${path}.${key}`);
    if (found !== null) return found;
  }
  return null;
}

/**
 * JSON text that must be an object: `what` names it in the error ("The grid spec must be a JSON object").
 * A number beyond what JSON can carry (1e999) is refused here, naming its field, rather than sent as null.
 */
export function parseJsonObject(text: string, what: string): JsonTextParse<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { error: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { error: `${what} must be a JSON object ({…}).` };
  }
  const huge = nonFinitePath(parsed);
  if (huge !== null) {
    return {
      error: `${huge || 'A value'}: the number is too large to store (numbers go up to about 1.8e308).`,
    };
  }
  return { value: parsed as Record<string, unknown> };
}
