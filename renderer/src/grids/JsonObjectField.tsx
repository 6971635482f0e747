import { useId, useState } from 'react';
import type { ConfigIssue } from '../../../common/api/contract';
import { FieldIssues } from '../new-run/FieldIssues';
import { sameJson } from '../new-run/config-path';
import { readableJson } from './spec-text';

interface JsonObjectFieldProps {
  label: string;
  hint: string;
  /** The object edited; undefined shows an empty box. */
  value: unknown;
  onChange: (value: Record<string, unknown> | undefined) => void;
  issues?: readonly ConfigIssue[];
  rows?: number;
  testId: string;
  placeholder?: string;
}

function text(value: unknown): string {
  return value === undefined ? '' : readableJson(value);
}

/**
 * A JSON object in a text box: every valid edit is passed on, an invalid one is kept as typed with the
 * parse error beside it; a change from elsewhere (a preset, the whole-spec JSON) replaces the text.
 */
export function JsonObjectField({
  label,
  hint,
  value,
  onChange,
  issues = [],
  rows = 6,
  testId,
  placeholder,
}: JsonObjectFieldProps) {
  const id = useId();
  const [draft, setDraft] = useState(() => text(value));
  const [seen, setSeen] = useState<unknown>(value);
  const [error, setError] = useState<string | null>(null);
  if (!sameJson(seen, value)) {
    setSeen(value);
    setDraft(text(value));
    setError(null);
  }
  const edit = (next: string) => {
    setDraft(next);
    if (next.trim() === '') {
      setError(null);
      setSeen(undefined);
      onChange(undefined);
      return;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(next);
    } catch (e) {
      setError(`Not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      setError('Expected a JSON object ({…}).');
      return;
    }
    setError(null);
    setSeen(parsed);
    onChange(parsed as Record<string, unknown>);
  };
  const invalid = error !== null || issues.length > 0;
  return (
    <div className="json-field">
      <label htmlFor={id}>{label}</label>
      <p className="hint" id={`${id}-hint`}>
        {hint}
      </p>
      <textarea
        id={id}
        value={draft}
        rows={rows}
        spellCheck={false}
        placeholder={placeholder}
        onChange={(e) => edit(e.target.value)}
        aria-invalid={invalid || undefined}
        aria-describedby={`${id}-hint`}
        data-testid={testId}
      />
      {error && (
        <p className="error-text" role="alert" data-testid={`${testId}-error`}>
          {error}
        </p>
      )}
      <FieldIssues issues={issues} />
    </div>
  );
}
