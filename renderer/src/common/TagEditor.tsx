import { useId, useState, type FormEvent } from 'react';
import { useClient } from '../client/client-context';
import { errorMessage } from '../client/errors';

export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(',')
        .map((tag) => tag.trim())
        .filter((tag) => tag.length > 0),
    ),
  ];
}

interface TagEditorProps {
  runId: string;
  runName: string;
  tags: readonly string[];
  onSaved: (tags: string[]) => void;
  onCancel: () => void;
}

/** Comma-separated tags of one run, saved with runs.setTags; the server's answer is the stored list. */
export function TagEditor({ runId, runName, tags, onSaved, onCancel }: TagEditorProps) {
  const client = useClient();
  const inputId = useId();
  const [text, setText] = useState(tags.join(', '));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function save(event: FormEvent) {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const result = await client.call('runs.setTags', { runId, tags: parseTags(text) });
      onSaved(result.tags);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  }

  return (
    <form className="tag-editor" onSubmit={save} onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <label htmlFor={inputId}>Tags of {runName}</label>
      <input
        id={inputId}
        type="text"
        value={text}
        onChange={(e) => setText(e.target.value)}
        placeholder="baseline, lr-sweep"
        aria-describedby={error ? `${inputId}-error` : undefined}
        autoFocus
      />
      <button type="submit" disabled={saving}>
        Save tags
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      {error && (
        <p className="error-text" id={`${inputId}-error`} role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
