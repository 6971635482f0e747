import { useState } from 'react';
import { useClient } from '../client/client-context';
import { errorMessage } from '../client/errors';
import { useAnnounce } from './announcer';

export interface ExportItem {
  label: string;
  testId: string;
  fileName: string;
  mimeType: string;
  /** Built on click, from the data on screen at that moment. */
  make: () => string | Uint8Array | Promise<string | Uint8Array>;
}

/** A row of export buttons; each saves through the client (a save dialog in Electron, a download in a browser). */
export function ExportActions({
  items,
  label,
  disabled = false,
}: {
  items: readonly ExportItem[];
  label: string;
  disabled?: boolean;
}) {
  const client = useClient();
  const announce = useAnnounce();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function save(item: ExportItem) {
    setBusy(item.testId);
    setError(null);
    try {
      const saved = await client.saveFile(item.fileName, await item.make(), item.mimeType);
      if (saved) announce(`Exported ${item.fileName}`);
    } catch (e) {
      setError(`Export failed: ${errorMessage(e)}`);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="export-buttons" role="group" aria-label={label}>
      {items.map((item) => (
        <button
          key={item.testId}
          type="button"
          data-testid={item.testId}
          disabled={disabled || busy !== null}
          onClick={() => void save(item)}
        >
          {item.label}
        </button>
      ))}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
