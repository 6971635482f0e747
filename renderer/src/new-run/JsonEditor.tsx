import { useId } from 'react';

/** The whole config as JSON; every field, including ones the form has no control for, is editable here. */
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
  return (
    <section className="panel json-editor" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>
        <label htmlFor={id}>Advanced (JSON)</label>
      </h2>
      <p className="hint">The full config; it stays in sync with the form in both directions.</p>
      <textarea
        id={id}
        data-testid="config-json"
        value={text}
        onChange={(e) => onChange(e.target.value)}
        spellCheck={false}
        rows={24}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      />
      {error && (
        <p id={`${id}-error`} className="error-text" role="alert" data-testid="config-json-error">
          {error}
        </p>
      )}
    </section>
  );
}

export function parseConfigText(text: string): { config: Record<string, unknown> } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return { error: `Not valid JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return { error: 'The config must be a JSON object ({…}).' };
  }
  return { config: parsed as Record<string, unknown> };
}

export function configText(config: unknown): string {
  return JSON.stringify(config, null, 2);
}
