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
