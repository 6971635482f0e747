import { useId, useLayoutEffect, useState } from 'react';
import { ChangedElsewhereNote } from './ChangedElsewhereNote';
import { parseJsonObject } from './use-synced-text';

/**
 * The whole config as JSON; every field, including ones the form has no control for, is editable here.
 *
 * Text that does not parse yet is never thrown away: when the form replaces `text` while the typed text is
 * unfinished (a field edited, a preset chosen), the typed text stays, is handed back through `onChange` (so
 * the view keeps its error, and Start stays disabled), and a note offers the form's version instead.
 */
export function JsonEditor({
  text,
  error,
  onChange,
}: {
  text: string;
  error: string | null;
  onChange: (text: string) => void;
}) {
  const id = useId();
  // What the user typed while it does not parse, and the form's text that arrived meanwhile.
  const [unfinished, setUnfinished] = useState<string | null>(null);
  const [formText, setFormText] = useState<string | null>(null);
  const replacedFromForm = unfinished !== null && text !== unfinished;
  useLayoutEffect(() => {
    if (unfinished === null || text === unfinished) return;
    setFormText(text);
    onChange(unfinished);
  }, [text, unfinished, onChange]);

  const edit = (next: string) => {
    const parsed = parseConfigText(next);
    setUnfinished('error' in parsed ? next : null);
    if (!('error' in parsed)) setFormText(null);
    onChange(next);
  };
  const takeForm = () => {
    const form = formText;
    setUnfinished(null);
    setFormText(null);
    if (form !== null) onChange(form);
  };
  const shown = unfinished ?? text;
  const shownError = replacedFromForm ? (error ?? parseError(unfinished)) : error;
  return (
    <section className="panel json-editor" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>
        <label htmlFor={id}>Advanced (JSON)</label>
      </h2>
      <p className="hint">The full config; it stays in sync with the form in both directions.</p>
      <textarea
        id={id}
        data-testid="config-json"
        value={shown}
        onChange={(e) => edit(e.target.value)}
        spellCheck={false}
        rows={24}
        aria-invalid={shownError ? true : undefined}
        aria-describedby={shownError ? `${id}-error` : undefined}
      />
      {shownError && (
        <p id={`${id}-error`} className="error-text" role="alert" data-testid="config-json-error">
          {shownError}
        </p>
      )}
      {unfinished !== null && formText !== null && (
        <ChangedElsewhereNote what="config" where="form" onTake={takeForm} testId="config-json-changed" />
      )}
    </section>
  );
}

function parseError(text: string | null): string | null {
  if (text === null) return null;
  const parsed = parseConfigText(text);
  return 'error' in parsed ? parsed.error : null;
}

export function parseConfigText(text: string): { config: Record<string, unknown> } | { error: string } {
  const parsed = parseJsonObject(text, 'The config');
  return 'error' in parsed ? parsed : { config: parsed.value };
}

export function configText(config: unknown): string {
  return JSON.stringify(config, null, 2);
}
