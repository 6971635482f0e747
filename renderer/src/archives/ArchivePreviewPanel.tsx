import { useId } from 'react';
import type { ArchivePreview } from '../../../common/archive/manifest';
import { formatDateTime } from '../common/format';
import {
  archiveModelsText,
  gridsHint,
  missingDatasetText,
  plural,
  previewHeadline,
  selectionText,
} from './archive-text';

export type OnConflict = 'skip' | 'replace';

/** Runs listed by name in the preview; a bigger archive says how many more it holds. */
const LISTED_RUNS = 200;

const KIND_TEXT = { new: 'new', identical: 'identical (skipped)', conflicting: 'conflicting' } as const;

/**
 * What importing an archive would do, before anything changes: how many runs are new, identical or in
 * conflict, its grids, where and when it was written, datasets this store lacks, and every conflict with
 * what differs (the user picks skip or replace for those).
 */
export function ArchivePreviewPanel({
  preview,
  onConflict,
  onConflictChange,
}: {
  preview: ArchivePreview;
  onConflict: OnConflict;
  onConflictChange: (choice: OnConflict) => void;
}) {
  const id = useId();
  const m = preview.manifest;
  const conflicts = preview.runList.filter((r) => r.kind === 'conflicting');
  const tagsToUnite = preview.runList.filter((r) => r.kind === 'identical' && r.tagsDiffer).length;

  return (
    <div className="archive-preview" data-testid="archive-preview">
      <p className="archive-headline" data-testid="archive-preview-headline">
        <span className="mono">{preview.file}</span>: {previewHeadline(preview)}
      </p>
      <ul className="archive-counts" aria-label="What the import would do">
        <Count testId="preview-new" value={preview.new} label="new" hint="added to this store" />
        <Count
          testId="preview-identical"
          value={preview.identical}
          label="identical"
          hint="already here, skipped"
        />
        <Count
          testId="preview-conflicting"
          value={preview.conflicting}
          label="conflicting"
          hint="same id, other content"
        />
        <Count
          testId="preview-grids"
          value={preview.grids}
          label={preview.grids === 1 ? 'grid' : 'grids'}
          hint={gridsHint(preview)}
        />
      </ul>
      {tagsToUnite > 0 && (
        <p className="hint">
          {plural(tagsToUnite, 'identical run')} {tagsToUnite === 1 ? 'has' : 'have'} other tags in the
          archive: the tags are united.
        </p>
      )}

      <h3 id={`${id}-manifest`}>Manifest</h3>
      <dl className="facts" aria-labelledby={`${id}-manifest`} data-testid="archive-manifest">
        <dt>Written</dt>
        <dd>{formatDateTime(m.createdAt)}</dd>
        <dt>On host</dt>
        <dd className="mono">{m.sourceHost}</dd>
        <dt>By</dt>
        <dd>Experiment Workbench {m.appVersion}</dd>
        <dt>Selection</dt>
        <dd>{selectionText(m.selection)}</dd>
        <dt>Store schema</dt>
        <dd data-testid="archive-schema">
          {m.schemaVersion}
          {preview.upgradedFrom !== null &&
            ` (upgraded from store schema ${preview.upgradedFrom} on reading)`}
        </dd>
        <dt>Holds</dt>
        <dd>
          {plural(m.counts.runs, 'run')}, {plural(m.counts.epochs, 'epoch')}, {plural(m.counts.grids, 'grid')}{' '}
          ({plural(m.counts.gridCells, 'cell')}), {plural(m.counts.experiments, 'experiment')}
          {m.counts.datasets > 0 &&
            `, ${plural(m.counts.datasets, 'imported dataset')}${m.counts.datasetArrays > 0 ? ' with data' : ''}`}
        </dd>
        <dt>Models</dt>
        <dd data-testid="archive-models">{archiveModelsText(preview.models)}</dd>
      </dl>

      {preview.datasetsMissing.length > 0 && (
        <div className="archive-missing" data-testid="archive-datasets-missing">
          <h3>Datasets missing here</h3>
          <ul>
            {preview.datasetsMissing.map((d) => (
              <li key={d.fingerprint}>{missingDatasetText(d)}</li>
            ))}
          </ul>
        </div>
      )}

      {conflicts.length > 0 && (
        <div className="archive-conflicts">
          <h3 id={`${id}-conflicts`}>Conflicting runs</h3>
          <p className="hint">
            These runs have the same id here and in the archive but different content. Nothing is overwritten
            unless you choose to replace them.
          </p>
          <div className="table-scroller">
            <table
              className="data-table compact"
              aria-labelledby={`${id}-conflicts`}
              data-testid="archive-conflicts"
            >
              <thead>
                <tr>
                  <th scope="col">Run</th>
                  <th scope="col">Id</th>
                  <th scope="col">What differs</th>
                </tr>
              </thead>
              <tbody>
                {conflicts.map((r) => (
                  <tr key={r.id} data-testid="archive-conflict" data-run-id={r.id}>
                    <th scope="row">{r.name}</th>
                    <td className="mono">{r.id.slice(0, 8)}</td>
                    <td>{r.detail ?? 'different content'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <fieldset className="archive-on-conflict">
            <legend>For these {plural(conflicts.length, 'run')}</legend>
            <label className="inline-check">
              <input
                type="radio"
                name={`${id}-on-conflict`}
                checked={onConflict === 'skip'}
                onChange={() => onConflictChange('skip')}
                data-testid="on-conflict-skip"
              />
              Keep this store’s runs (skip the archive’s)
            </label>
            <label className="inline-check">
              <input
                type="radio"
                name={`${id}-on-conflict`}
                checked={onConflict === 'replace'}
                onChange={() => onConflictChange('replace')}
                data-testid="on-conflict-replace"
              />
              Replace them with the archive’s
            </label>
          </fieldset>
        </div>
      )}

      <details className="archive-run-list">
        <summary>{plural(preview.runList.length, 'run')} in the archive</summary>
        <table className="data-table compact" data-testid="archive-run-list">
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Id</th>
              <th scope="col">Here</th>
            </tr>
          </thead>
          <tbody>
            {preview.runList.slice(0, LISTED_RUNS).map((r) => (
              <tr key={r.id} data-testid="archive-run" data-kind={r.kind}>
                <th scope="row">{r.name}</th>
                <td className="mono">{r.id.slice(0, 8)}</td>
                <td>{KIND_TEXT[r.kind]}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {preview.runList.length > LISTED_RUNS && (
          <p className="hint">and {plural(preview.runList.length - LISTED_RUNS, 'more run')}</p>
        )}
      </details>
    </div>
  );
}

function Count({
  testId,
  value,
  label,
  hint,
}: {
  testId: string;
  value: number;
  label: string;
  hint: string;
}) {
  return (
    <li className="archive-count" data-testid={testId} data-count={value}>
      <span className="archive-count-value">{value.toLocaleString('en-US')}</span>
      <span className="archive-count-label">{label}</span>
      <span className="hint">{hint}</span>
    </li>
  );
}
