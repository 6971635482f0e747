import { useState } from 'react';
import type { RunTableRow } from '../../../common/api/contract';
import type { RunStatus } from '../../../common/types';
import { ExportArchiveButton } from '../archives/ExportArchiveButton';
import { useClient } from '../client/client-context';
import { errorMessage } from '../client/errors';
import { useAnnounce } from '../common/announcer';
import { routeHref } from '../routing/route';

interface SelectionActionsProps {
  selectedIds: string[];
  /** The selected runs as the table has them: names and statuses, to say what cannot be deleted yet. */
  selectedRows: readonly RunTableRow[];
  onCleared: () => void;
  onDeleted: (ids: string[]) => void;
}

const TRAINING: readonly RunStatus[] = ['queued', 'running'];

/** `"ui-run-a"`, `"a", "b" and "c"`, `"a", "b", "c" and 2 more`. */
export function runNames(rows: readonly Pick<RunTableRow, 'name'>[], shown = 3): string {
  const names = rows.slice(0, shown).map((r) => `“${r.name}”`);
  const rest = rows.length - names.length;
  if (rest > 0) return `${names.join(', ')} and ${rest} more`;
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * Compare, delete and export act on the checked runs; deleting asks first, in place (no modal to trap focus
 * in). A run still queued or training cannot be deleted: the bar names it and offers to cancel it (or to
 * delete only the finished ones) instead of promising a deletion the server then refuses.
 */
export function SelectionActions({ selectedIds, selectedRows, onCleared, onDeleted }: SelectionActionsProps) {
  const client = useClient();
  const announce = useAnnounce();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const count = selectedIds.length;
  const training = selectedRows.filter((r) => TRAINING.includes(r.status));
  const finished = selectedRows.filter((r) => !TRAINING.includes(r.status));

  async function remove(runIds: string[]) {
    setBusy(true);
    setError(null);
    try {
      const { deleted } = await client.call('runs.delete', { runIds });
      announce(`Deleted ${deleted.length} run${deleted.length === 1 ? '' : 's'}`);
      setConfirming(false);
      onDeleted(deleted);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  async function cancelTraining() {
    setBusy(true);
    setError(null);
    try {
      await Promise.all(training.map((r) => client.call('runs.cancel', { runId: r.id })));
      // The bar stays: once the table shows them cancelled, it offers to delete them.
      announce(`Cancelling ${training.length} run${training.length === 1 ? '' : 's'}`);
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
      <ExportArchiveButton
        selection={{ runIds: selectedIds }}
        what={`${count} selected run${count === 1 ? '' : 's'}`}
        disabled={count === 0}
      />
      <button type="button" disabled={count === 0} onClick={onCleared}>
        Clear selection
      </button>
      {confirming && count > 0 && (
        <div
          className="confirm-bar"
          role="alertdialog"
          aria-label="Confirm deletion"
          data-testid="delete-confirm"
        >
          {training.length === 0 ? (
            <>
              <span>
                Delete {count === 1 ? runNames(selectedRows) : `${count} runs`} and every logged epoch? This
                cannot be undone.
              </span>
              <button
                type="button"
                className="button-danger"
                onClick={() => void remove(selectedIds)}
                disabled={busy}
                autoFocus
                data-testid="confirm-delete"
              >
                Delete
              </button>
            </>
          ) : (
            <>
              <span data-testid="delete-blocked">
                {runNames(training)} {training.length === 1 ? 'is' : 'are'} still{' '}
                {training.every((r) => r.status === 'queued') ? 'queued' : 'training'}: cancel{' '}
                {training.length === 1 ? 'it' : 'them'} before deleting.
              </span>
              <button
                type="button"
                className="button-danger"
                onClick={() => void cancelTraining()}
                disabled={busy}
                autoFocus
                data-testid="cancel-selected-runs"
              >
                {training.length === 1 ? 'Cancel this run' : `Cancel these ${training.length} runs`}
              </button>
              {finished.length > 0 && (
                <button
                  type="button"
                  onClick={() => void remove(finished.map((r) => r.id))}
                  disabled={busy}
                  data-testid="delete-finished"
                >
                  Delete the {finished.length} finished run{finished.length === 1 ? '' : 's'}
                </button>
              )}
            </>
          )}
          <button
            type="button"
            onClick={() => {
              setConfirming(false);
              setError(null);
            }}
          >
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
