import { useId, useRef } from 'react';
import type { ArchivePreview } from '../../../common/archive/manifest';
import { routeHref } from '../routing/route';
import { ArchivePreviewPanel, type OnConflict } from './ArchivePreviewPanel';
import { importSummary, plural } from './archive-text';
import type { ArchiveImport } from './use-archive-import';

/** The import panel of the Archives view: pick a file, read its preview, import, read what happened. */
export function ImportArchive({ flow, readOnly }: { flow: ArchiveImport; readOnly: boolean }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const { stage } = flow;
  const busy = stage.kind === 'reading' || stage.kind === 'importing';

  return (
    <section className="panel archive-import" aria-labelledby={`${id}-heading`} data-testid="archive-import">
      <h2 id={`${id}-heading`}>Import an archive</h2>
      <p className="hint">
        Pick a <span className="mono">.wbx</span> file or drop it anywhere on this page. You see what it would
        add, skip and conflict with before anything changes; the same file imported twice changes nothing the
        second time.
      </p>
      <div className="archive-pick">
        <input
          ref={input}
          type="file"
          accept=".wbx,.sqlite,.db,application/vnd.sqlite3"
          className="visually-hidden"
          tabIndex={-1}
          aria-hidden="true"
          disabled={busy}
          onChange={(e) => {
            const file = e.target.files?.[0];
            // Cleared so that picking the same file again (to import it twice) fires a change.
            e.target.value = '';
            if (file) void flow.open(file);
          }}
          data-testid="archive-file"
        />
        <button
          type="button"
          disabled={busy}
          onClick={() => input.current?.click()}
          data-testid="archive-pick"
        >
          Choose archive file…
        </button>
        {stage.kind === 'reading' && (
          <span className="muted" role="status">
            Reading {stage.fileName}…
          </span>
        )}
      </div>
      {flow.error && (
        <p className="error-text" role="alert" data-testid="archive-import-error">
          {flow.error}
        </p>
      )}

      {(stage.kind === 'preview' || stage.kind === 'importing') && (
        <>
          <ArchivePreviewPanel
            preview={stage.preview}
            onConflict={flow.onConflict}
            onConflictChange={flow.setOnConflict}
          />
          <div className="archive-import-actions">
            <button
              type="button"
              className="button-primary"
              disabled={busy || readOnly}
              onClick={() => void flow.importNow()}
              data-testid="archive-import-run"
            >
              {stage.kind === 'importing' ? 'Importing…' : importLabel(stage.preview, flow.onConflict)}
            </button>
            <button type="button" disabled={busy} onClick={flow.reset} data-testid="archive-import-cancel">
              Cancel
            </button>
            {readOnly && (
              <span className="muted" data-testid="archive-import-read-only">
                This store is read-only: the preview shows what an import would do; nothing can be imported.
              </span>
            )}
          </div>
        </>
      )}

      {stage.kind === 'done' && (
        <div className="archive-result" data-testid="archive-import-result">
          <p role="status" data-testid="archive-import-summary">
            {importSummary(stage.result)}
          </p>
          <div className="archive-import-actions">
            <a className="button" href={routeHref({ name: 'runs' })} data-testid="archive-show-runs">
              Show the runs
            </a>
            <button type="button" onClick={flow.reset}>
              Done
            </button>
          </div>
        </div>
      )}
    </section>
  );
}

/**
 * "Import 3 new runs", "Import 3 new runs and replace 1", "Import 4 checkpoints" (models for runs already
 * here): the button says what it will do.
 */
function importLabel(preview: ArchivePreview, onConflict: OnConflict): string {
  const replace =
    onConflict === 'replace' && preview.conflicting > 0 ? ` and replace ${preview.conflicting}` : '';
  // Checkpoints of new runs come with them; those of runs already here are news of their own.
  const ofNewRuns = preview.runList.filter((r) => r.kind === 'new').reduce((n, r) => n + r.checkpoints, 0);
  const models = preview.models.toAdd - ofNewRuns;
  if (preview.new === 0 && !replace)
    return models > 0 ? `Import ${plural(models, 'checkpoint')}` : 'Import (nothing new)';
  return `Import ${plural(preview.new, 'new run')}${replace}`;
}
