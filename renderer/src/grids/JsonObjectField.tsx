import { useId } from 'react';
import type { ConfigIssue } from '../../../common/api/contract';
import { ChangedElsewhereNote } from '../new-run/ChangedElsewhereNote';
import { FieldIssues } from '../new-run/FieldIssues';
import { parseJsonObject, type JsonText, type JsonTextParse } from '../new-run/use-synced-text';
import { readableJson } from './spec-text';

interface JsonObjectFieldProps {
  label: string;
  hint: string;
  /** The box's text and error (useJsonText, held by the view so that an unfinished text blocks Start). */
  state: JsonText;
  /** "override": what the note under an unfinished text calls the value. */
  what: string;
  issues?: readonly ConfigIssue[];
  rows?: number;
  testId: string;
  placeholder?: string;
}

/** An optional JSON object as a box shows it: nothing as an empty box. */
export function optionalObjectText(value: unknown): string {
  return value === undefined ? '' : readableJson(value);
}

/** An empty box or `{}` is no object; anything else must be one. */
export function parseOptionalObject(
  text: string,
  what: string,
): JsonTextParse<Record<string, unknown> | undefined> {
  if (text.trim() === '') return { value: undefined };
  const parsed = parseJsonObject(text, what);
  if ('error' in parsed) return parsed;
  return { value: Object.keys(parsed.value).length === 0 ? undefined : parsed.value };
}

/**
 * A JSON object in a text box: every valid edit is passed on, an invalid one is kept as typed with the
 * parse error beside it, also when the form changes the same object meanwhile (see useJsonText).
 */
export function JsonObjectField({
  label,
  hint,
  state,
  what,
  issues = [],
  rows = 6,
  testId,
  placeholder,
}: JsonObjectFieldProps) {
  const id = useId();
  const invalid = state.error !== null || issues.length > 0;
  return (
    <div className="json-field">
      <label htmlFor={id}>{label}</label>
      <p className="hint" id={`${id}-hint`}>
        {hint}
      </p>
      <textarea
        id={id}
        value={state.text}
        rows={rows}
        spellCheck={false}
        placeholder={placeholder}
        onChange={(e) => state.edit(e.target.value)}
        aria-invalid={invalid || undefined}
        aria-describedby={`${id}-hint`}
        data-testid={testId}
      />
      {state.error && (
        <p className="error-text" role="alert" data-testid={`${testId}-error`}>
          {state.error}
        </p>
      )}
      {state.error && state.changedElsewhere && (
        <ChangedElsewhereNote
          what={what}
          where="form"
          onTake={state.takeValue}
          testId={`${testId}-changed`}
        />
      )}
      <FieldIssues issues={issues} />
    </div>
  );
}
