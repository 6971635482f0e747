import { useEffect, useId, useRef, useState } from 'react';
import { useClient } from '../client/client-context';
import { errorMessage } from '../client/errors';
import { useAnnounce } from '../common/announcer';
import type { WorkbenchClient } from '../../../common/api/contract';
import {
  countsText,
  formatBytes,
  leftOutText,
  modelSizeText,
  type ArchiveExport,
  type ArchiveSelection,
  type ModelSize,
} from './archive-text';

export interface ExportArchivePanelProps {
  selection: ArchiveSelection;
  /** What is selected, in words with its count: `3 selected runs`, `grid “iris” (6 cells)`. */
  what: string;
  /** Names of the runs the caller knows, so left-out runs are named rather than shown by id. */
  runNames?: ReadonlyMap<string, string>;
  /** Given: a dialog opened by a button (focused on open, Escape or Close calls it). Absent: part of a view. */
  onClose?: () => void;
}

type Outcome = { saved: boolean; result: ArchiveExport; withModels: boolean };

const UNFINISHED = new Set(['queued', 'running']);
/** The most run ids one runs.details call takes (the contract's limit); beyond, the size stays unknown. */
const MAX_IDS = 5000;

/**
 * What the finished runs of `selection` keep as checkpoints (what "with models" adds): from the runs' details,
 * which carry each run's checkpoint bytes. Null while loading, and where it cannot be read (the export still
 * works; the checkbox then shows no size).
 */
async function modelSize(client: WorkbenchClient, selection: ArchiveSelection): Promise<ModelSize | null> {
  let ids: string[];
  if ('runIds' in selection) {
    ids = selection.runIds;
  } else {
    const rows = await client.call('runs.list', {});
    ids = rows
      .filter(
        (r) =>
          !UNFINISHED.has(r.status) &&
          ('all' in selection ||
            ('tag' in selection ? r.tags.includes(selection.tag) : r.gridId === selection.gridId)),
      )
      .map((r) => r.id);
  }
  if (ids.length === 0) return { checkpoints: 0, bytes: 0 };
  if (ids.length > MAX_IDS) return null;
  const runs = (await client.call('runs.details', { runIds: ids })).filter((r) => !UNFINISHED.has(r.status));
  return {
    checkpoints: runs.reduce((n, r) => n + r.checkpoints.length, 0),
    bytes: runs.reduce((n, r) => n + r.checkpointBytes, 0),
  };
}

function useModelSize(selection: ArchiveSelection): ModelSize | null {
  const client = useClient();
  const [size, setSize] = useState<ModelSize | null>(null);
  const key = JSON.stringify(selection);
  useEffect(() => {
    let live = true;
    setSize(null);
    modelSize(client, JSON.parse(key) as ArchiveSelection).then(
      (found) => {
        if (live) setSize(found);
      },
      () => undefined, // Unknown: the checkbox shows no size.
    );
    return () => {
      live = false;
    };
  }, [client, key]);
  return size;
}

/**
 * The export dialog, in place under the button that opened it (non-modal, like the delete confirmation:
 * nothing to trap focus in). Writes the archive on the main side, then hands it to the client to save: a
 * download in the browser, a save dialog in Electron.
 */
export function ExportArchivePanel({ selection, what, runNames, onClose }: ExportArchivePanelProps) {
  const client = useClient();
  const announce = useAnnounce();
  const id = useId();
  const [withDatasets, setWithDatasets] = useState(false);
  const [withModels, setWithModels] = useState(false);
  const models = useModelSize(selection);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [names, setNames] = useState<ReadonlyMap<string, string>>(runNames ?? new Map());
  const panel = useRef<HTMLDivElement>(null);
  const dialog = onClose !== undefined;

  // Keyboard users land in the dialog; Escape closes it (the opener then takes focus back).
  useEffect(() => {
    if (dialog) panel.current?.querySelector<HTMLElement>('input, button')?.focus();
  }, [dialog]);

  async function run() {
    setBusy(true);
    setError(null);
    setOutcome(null);
    try {
      // withModels only when chosen: an archive without models is asked for as before.
      const result = await client.call('archives.export', {
        selection,
        withDatasets,
        ...(withModels ? { withModels: true } : {}),
      });
      const saved = await client.saveTransfer(result.transferId, result.fileName);
      setOutcome({ saved, result, withModels });
      if (saved) announce(`Exported ${result.fileName}`);
      if (result.leftOut.some((r) => !names.has(r.id))) setNames(await knownNames(result.leftOut));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  }

  /** Left-out runs by name: the caller may only know ids (a selection), and a name is what users recognise. */
  async function knownNames(leftOut: ArchiveExport['leftOut']): Promise<ReadonlyMap<string, string>> {
    try {
      const runs = await client.call('runs.details', { runIds: leftOut.map((r) => r.id) });
      return new Map([...names, ...runs.map((r) => [r.id, r.name] as const)]);
    } catch {
      return names; // Short ids still identify them.
    }
  }

  const leftOut = outcome ? leftOutText(outcome.result.leftOut, names) : null;
  return (
    <div
      ref={panel}
      className={dialog ? 'archive-export panel' : 'archive-export'}
      role={dialog ? 'dialog' : 'group'}
      aria-labelledby={dialog ? `${id}-title` : undefined}
      aria-label={dialog ? undefined : 'Export'}
      data-testid="archive-export"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && onClose) {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      {/* Part of a view, it sits under the view's own "Export an archive" heading. */}
      {dialog && <h2 id={`${id}-title`}>Export an archive</h2>}
      <p data-testid="archive-export-what">
        {what}. Finished runs go into one file with their epochs, grids and experiments; runs still queued or
        running are left out.
      </p>
      <label className="inline-check">
        <input
          type="checkbox"
          checked={withDatasets}
          onChange={(e) => setWithDatasets(e.target.checked)}
          data-testid="archive-with-datasets"
        />
        Include imported datasets’ data (larger; lets the runs be re-run where the dataset is missing)
      </label>
      <label className="inline-check">
        <input
          type="checkbox"
          checked={withModels}
          onChange={(e) => setWithModels(e.target.checked)}
          data-testid="archive-with-models"
        />
        <span>
          With models (checkpoints)<span data-testid="archive-models-size">{modelSizeText(models)}</span>{' '}
          (lets the runs be resumed, forked and evaluated there; without, the archive holds no weights)
        </span>
      </label>
      <div className="archive-export-actions">
        <button
          type="button"
          className="button-primary"
          // aria-disabled, not disabled: a disabled button drops focus, and Escape would then miss the dialog.
          aria-disabled={busy}
          onClick={() => {
            if (!busy) void run();
          }}
          data-testid="archive-export-run"
        >
          {busy ? 'Exporting…' : 'Export'}
        </button>
        {onClose && (
          <button type="button" onClick={onClose} data-testid="archive-export-close">
            Close
          </button>
        )}
      </div>
      {outcome && (
        <p role="status" data-testid="archive-export-result">
          {outcome.saved ? 'Saved' : 'Not saved (cancelled)'} {outcome.result.fileName}:{' '}
          {countsText(outcome.result.counts)}
          {outcome.withModels && !outcome.result.counts.checkpoints ? ' (no checkpoints kept)' : ''},{' '}
          {formatBytes(outcome.result.bytes)}.
        </p>
      )}
      {leftOut && (
        <p className="archive-left-out" data-testid="archive-left-out">
          {leftOut}
        </p>
      )}
      {error && (
        <p className="error-text" role="alert" data-testid="archive-export-error">
          {error}
        </p>
      )}
    </div>
  );
}
