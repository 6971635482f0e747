import { useState, type DragEvent } from 'react';
import { useReadOnly } from '../shell/read-only';
import { ExportFromStore } from './ExportFromStore';
import { ImportArchive } from './ImportArchive';
import { useArchiveImport } from './use-archive-import';

/** A drag carries files (not text or a link being dragged around the page). */
function carriesFiles(e: DragEvent): boolean {
  return [...e.dataTransfer.types].includes('Files');
}

/**
 * Archives (`#/archives`): import a run archive (file picker, or a file dropped anywhere on the view) with
 * a preview before anything changes; export by tag or everything.
 */
export function ArchivesView() {
  const readOnly = useReadOnly();
  const flow = useArchiveImport();
  const [dragging, setDragging] = useState(false);

  return (
    <section
      className={`view archives-view${dragging ? ' dropping' : ''}`}
      aria-labelledby="archives-heading"
      data-testid="archives-view"
      onDragOver={(e) => {
        if (!carriesFiles(e)) return;
        // Without preventDefault the browser would open the file instead of handing it to the drop.
        e.preventDefault();
        e.dataTransfer.dropEffect = 'copy';
        setDragging(true);
      }}
      onDragLeave={(e) => {
        // Leaving for a child element is not leaving the view.
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDragging(false);
      }}
      onDrop={(e) => {
        if (!carriesFiles(e)) return;
        e.preventDefault();
        setDragging(false);
        const file = e.dataTransfer.files[0];
        if (file) void flow.open(file);
      }}
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
