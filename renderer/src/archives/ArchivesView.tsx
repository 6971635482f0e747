import { useFileDrop } from '../common/use-file-drop';
import { useReadOnly } from '../shell/read-only';
import { ExportFromStore } from './ExportFromStore';
import { ImportArchive } from './ImportArchive';
import { useArchiveImport } from './use-archive-import';

/**
 * Archives (`#/archives`): import a run archive (file picker, or a file dropped anywhere on the view) with
 * a preview before anything changes; export by tag or everything.
 */
export function ArchivesView() {
  const readOnly = useReadOnly();
  const flow = useArchiveImport();
  const drop = useFileDrop((files) => {
    if (files[0]) void flow.open(files[0]);
  });
  const dragging = drop.dragging;

  return (
    <section
      className={`view archives-view${dragging ? ' dropping' : ''}`}
      aria-labelledby="archives-heading"
      data-testid="archives-view"
      {...drop.handlers}
    >
      <div className="view-header">
        <h1 id="archives-heading">Archives</h1>
        <p className="muted">Runs as one file: take them to another machine, or bring them here.</p>
      </div>
      {dragging && (
        <p className="archive-drop-hint" aria-hidden="true">
          Drop the archive to see what it holds
        </p>
      )}
      <div className="archives-grid">
        <ImportArchive flow={flow} readOnly={readOnly} />
        <ExportFromStore />
      </div>
    </section>
  );
}
