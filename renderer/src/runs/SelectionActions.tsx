import { useState } from 'react';
import { useClient } from '../client/client-context';
import { errorMessage } from '../client/errors';
import { useAnnounce } from '../common/announcer';
import { routeHref } from '../routing/route';

interface SelectionActionsProps {
  selectedIds: string[];
  onCleared: () => void;
  onDeleted: (ids: string[]) => void;
}

/** Compare and delete act on the checked runs; deleting asks first, in place (no modal to trap focus in). */
export function SelectionActions({ selectedIds, onCleared, onDeleted }: SelectionActionsProps) {
  const client = useClient();
  const announce = useAnnounce();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const count = selectedIds.length;

  async function remove() {
    setBusy(true);
    setError(null);
    try {
      const { deleted } = await client.call('runs.delete', { runIds: selectedIds });
      announce(`Deleted ${deleted.length} run${deleted.length === 1 ? '' : 's'}`);
      setConfirming(false);
      onDeleted(deleted);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="selection-actions">
      {count > 0 ? (
        <a
          className="button button-primary"
          href={routeHref({ name: 'compare', ids: selectedIds })}
          data-testid="compare-selected"
        >
          Compare selected ({count})
        </a>
      ) : (
        <button type="button" className="button-primary" disabled data-testid="compare-selected">
          Compare selected
        </button>
      )}
      <button
        type="button"
        disabled={count === 0 || busy}
        onClick={() => setConfirming(true)}
        data-testid="delete-selected"
      >
        Delete selected
      </button>
      <button type="button" disabled={count === 0} onClick={onCleared}>
        Clear selection
      </button>
      {confirming && count > 0 && (
        <div className="confirm-bar" role="alertdialog" aria-label="Confirm deletion">
          <span>
            Delete {count} run{count === 1 ? '' : 's'} and every logged epoch? This cannot be undone.
          </span>
          <button type="button" className="button-danger" onClick={remove} disabled={busy} autoFocus>
            Delete
          </button>
          <button type="button" onClick={() => setConfirming(false)}>
            Keep
          </button>
        </div>
      )}
      {error && (
        <p className="error-text" role="alert" data-testid="delete-error">
          {error}
        </p>
      )}
    </div>
  );
}
