import { useCallback, useEffect, useState } from 'react';
import type { DatasetPreview } from '../../../common/datasets/preview';
import type { RunListItem } from '../../../common/run-types';
import type { DatasetInfo } from '../../../common/types';
import { formatBytes } from '../../../common/checkpoints/size-text';
import { useClient } from '../client/client-context';
import { errorMessage } from '../client/errors';
import { formatDateTime, formatInteger, formatShape } from '../common/format';
import { useFileDrop } from '../common/use-file-drop';
import { useReadOnly } from '../shell/read-only';
import { DatasetPreviewPanel } from './DatasetPreviewPanel';

/** No dataset file the app takes is larger (a bigger one is refused before it is read into memory). */
export const MAX_DATASET_FILE_BYTES = 1024 ** 3;

interface Picked {
  transferIds: { transferId: string; labelsTransferId?: string };
  preview: DatasetPreview;
}

/** An IDX pair's labels file, by its name (train-labels-idx1-ubyte[.gz]). */
const isLabelsFile = (name: string) => /labels/i.test(name);

/**
 * Datasets (`#/datasets`): every built-in and imported dataset with what it holds and the runs that use it;
 * import a file (picked or dropped: .npz, an IDX pair, a CSV) with a preview before anything is stored;
 * delete an imported one, after naming the runs that used it.
 */
export function DatasetsView() {
  const client = useClient();
  const readOnly = useReadOnly();
  const [datasets, setDatasets] = useState<DatasetInfo[] | null>(null);
  const [runs, setRuns] = useState<RunListItem[]>([]);
  const [loadError, setLoadError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    try {
      const [list, rows] = await Promise.all([
        client.call('datasets.list', {}),
        client.call('runs.list', {}),
      ]);
      setDatasets(list);
      setRuns(rows);
      setLoadError(null);
    } catch (e) {
      setLoadError(errorMessage(e));
    }
  }, [client]);
  useEffect(() => {
    void reload();
  }, [reload]);

  return (
    <section className="view datasets-view" aria-labelledby="datasets-heading" data-testid="datasets-view">
      <div className="view-header">
        <h1 id="datasets-heading">Datasets</h1>
        <p className="muted">What each dataset holds, and your own data brought in.</p>
      </div>
      {loadError && (
        <p className="error-text" role="alert">
          Could not load the datasets: {loadError}
        </p>
      )}
      {!readOnly && <ImportDataset onImported={reload} />}
      {datasets && <DatasetTable datasets={datasets} runs={runs} readOnly={readOnly} onDeleted={reload} />}
    </section>
  );
}

function ImportDataset({ onImported }: { onImported: () => Promise<void> }) {
  const client = useClient();
  const [picked, setPicked] = useState<Picked | null>(null);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [imported, setImported] = useState<DatasetInfo | null>(null);

  const inspect = async (ids: Picked['transferIds'], labelColumn?: string) => {
    const preview = await client.call('datasets.inspect', {
      ...ids,
      ...(labelColumn ? { labelColumn } : {}),
    });
    setPicked({ transferIds: ids, preview });
    return preview;
  };

  const open = async (files: readonly File[]) => {
    setError(null);
    setImported(null);
    if (files.length === 0) return;
    if (files.length > 2) {
      setError(
        `${files.length} files picked: pick one file (.npz or .csv), or an IDX pair (images and labels).`,
      );
      return;
    }
    const big = files.find((f) => f.size > MAX_DATASET_FILE_BYTES);
    if (big) {
      setError(`${big.name} is ${formatBytes(big.size)}: larger than the workbench imports (1 GB at most).`);
      return;
    }
    setBusy(true);
    try {
      const ordered = files.length === 2 && isLabelsFile(files[0].name) ? [files[1], files[0]] : [...files];
      const ids: string[] = [];
      for (const file of ordered)
        ids.push(await client.uploadFile(file.name, new Uint8Array(await file.arrayBuffer())));
      const preview = await inspect(
        ids.length === 2 ? { transferId: ids[0], labelsTransferId: ids[1] } : { transferId: ids[0] },
      );
      setName(preview.suggestedName);
    } catch (e) {
      setError(errorMessage(e));
      setPicked(null);
    } finally {
      setBusy(false);
    }
  };

  const changeLabelColumn = async (column: string) => {
    if (!picked) return;
    setBusy(true);
    try {
      await inspect(picked.transferIds, column);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const doImport = async () => {
    if (!picked) return;
    setBusy(true);
    setError(null);
    try {
      const labelColumn = picked.preview.labelColumn;
      const dataset = await client.call('datasets.import', {
        ...picked.transferIds,
        ...(labelColumn ? { labelColumn } : {}),
        name,
      });
      setImported(dataset);
      setPicked(null);
      await onImported();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const drop = useFileDrop((files) => void open(files));
  const dragging = drop.dragging;
  const problems = picked?.preview.problems.length ?? 0;
  return (
    <section
      className={`panel dataset-import${dragging ? ' dropping' : ''}`}
      aria-labelledby="dataset-import-heading"
      data-testid="dataset-import"
      {...drop.handlers}
    >
      <h2 id="dataset-import-heading">Import a dataset</h2>
      <p className="hint">
        An .npz (arrays x/y, images/labels or x_train/y_train/x_test/y_test), an IDX pair (pick both files) or
        a CSV with a header row; picked here or dropped on this panel. Nothing is stored before you import it.
      </p>
      <label className="file-pick">
        Choose file(s){' '}
        <input
          type="file"
          multiple
          accept=".npz,.csv,.gz,.idx,.idx1-ubyte,.idx3-ubyte,application/octet-stream,text/csv"
          disabled={busy}
          onChange={(e) => void open([...(e.target.files ?? [])])}
          data-testid="dataset-file"
        />
      </label>
      {busy && <p className="muted">Reading…</p>}
      {error && (
        <p className="error-text" role="alert" data-testid="dataset-import-error">
          {error}
        </p>
      )}
      {imported && (
        <p className="success-text" role="status" data-testid="dataset-imported">
          Imported {imported.name} ({imported.id}): {formatInteger(imported.examples)} examples,{' '}
          {imported.classes} classes. It is in New run&apos;s and New grid&apos;s dataset lists now.
        </p>
      )}
      {picked && (
        <>
          {picked.preview.columns && (
            <label>
              Label column{' '}
              <select
                value={picked.preview.labelColumn ?? ''}
                onChange={(e) => void changeLabelColumn(e.target.value)}
                data-testid="dataset-label-column"
              >
                <option value="">(default: label, class, target or y, else the last)</option>
                {picked.preview.columns.map((c) => (
                  <option key={c} value={c}>
                    {c}
                  </option>
                ))}
              </select>
            </label>
          )}
          <DatasetPreviewPanel preview={picked.preview} />
          <div className="toolbar">
            <label>
              Name <input value={name} onChange={(e) => setName(e.target.value)} data-testid="dataset-name" />
            </label>
            <button
              type="button"
              className="primary"
              disabled={busy || problems > 0 || name.trim() === ''}
              onClick={() => void doImport()}
              data-testid="dataset-import-button"
            >
              Import
            </button>
            {problems > 0 && (
              <span className="muted">Fix the file first: nothing can be imported from it.</span>
            )}
          </div>
        </>
      )}
    </section>
  );
}

function DatasetTable({
  datasets,
  runs,
  readOnly,
  onDeleted,
}: {
  datasets: DatasetInfo[];
  runs: RunListItem[];
  readOnly: boolean;
  onDeleted: () => Promise<void>;
}) {
  const client = useClient();
  const [confirming, setConfirming] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [deleted, setDeleted] = useState<string | null>(null);
  const [shown, setShown] = useState<{ id: string; preview: DatasetPreview | null } | null>(null);
  const show = async (id: string) => {
    setShown({ id, preview: null });
    try {
      const preview = await client.call('datasets.preview', { datasetId: id });
      setShown((current) => (current?.id === id ? { id, preview } : current));
    } catch (e) {
      setError(errorMessage(e));
      setShown(null);
    }
  };
  const usedBy = (id: string) => runs.filter((r) => r.datasetId === id);

  const remove = async (dataset: DatasetInfo) => {
    setError(null);
    try {
      const result = await client.call('datasets.delete', { datasetId: dataset.id });
      setDeleted(
        `Deleted ${dataset.name}.` +
          (result.runs.length > 0
            ? result.runs.length === 1
              ? ' The run that used it stays; re-running it is refused.'
              : ` The ${result.runs.length} runs that used it stay; re-running them is refused.`
            : ''),
      );
      setConfirming(null);
      await onDeleted();
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <section className="panel" aria-labelledby="datasets-table-heading">
      <h2 id="datasets-table-heading">All datasets</h2>
      {deleted && (
        <p className="success-text" role="status" data-testid="dataset-deleted">
          {deleted}
        </p>
      )}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
      <table className="data-table" data-testid="datasets-table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Id</th>
            <th scope="col">Kind</th>
            <th scope="col">Shape</th>
            <th scope="col">Classes</th>
            <th scope="col">Examples</th>
            <th scope="col">Fingerprint</th>
            <th scope="col">Imported</th>
            <th scope="col">On disk</th>
            <th scope="col">Runs</th>
            <th scope="col" aria-label="Actions" />
          </tr>
        </thead>
        <tbody>
          {datasets.map((d) => {
            const using = usedBy(d.id);
            return (
              <tr key={d.id} data-testid="dataset-row" data-dataset-id={d.id}>
                <td>{d.name}</td>
                <td className="mono">{d.id}</td>
                <td>{d.source === 'builtin' ? 'built-in' : 'imported'}</td>
                <td>{formatShape(d.shape)}</td>
                <td className="num">{d.classes}</td>
                <td className="num">
                  {formatInteger(d.examples)}
                  {d.officialTest > 0 && (
                    <span className="muted"> (test {formatInteger(d.officialTest)})</span>
                  )}
                </td>
                <td className="mono" title={d.fingerprint}>
                  {d.fingerprint.slice(0, 12)}…
                </td>
                <td>{d.importedAt ? formatDateTime(d.importedAt) : '—'}</td>
                <td className="num">{d.bytes === undefined ? '—' : formatBytes(d.bytes)}</td>
                <td className="num" data-testid="dataset-runs">
                  {using.length}
                </td>
                <td>
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => void show(d.id)}
                    data-testid="dataset-show"
                  >
                    What it holds
                  </button>{' '}
                  {d.source === 'imported' && !readOnly && confirming !== d.id && (
                    <button type="button" onClick={() => setConfirming(d.id)} data-testid="dataset-delete">
                      Delete…
                    </button>
                  )}
                  {confirming === d.id && (
                    <div
                      className="confirm"
                      role="alertdialog"
                      aria-label={`Delete ${d.name}?`}
                      data-testid="dataset-delete-confirm"
                    >
                      <p>
                        Delete {d.name}?{' '}
                        {using.length === 0
                          ? 'No run uses it.'
                          : `${using.length} run${using.length === 1 ? '' : 's'} used it: ${using
                              .map((r) => r.name)
                              .join(', ')}. They stay, with their epochs; re-running them will be refused.`}
                      </p>
                      <button
                        type="button"
                        className="danger"
                        onClick={() => void remove(d)}
                        data-testid="dataset-delete-yes"
                      >
                        Delete
                      </button>{' '}
                      <button type="button" onClick={() => setConfirming(null)}>
                        Keep it
                      </button>
                    </div>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {shown && (
        <div data-testid="dataset-shown">
          {shown.preview ? (
            <DatasetPreviewPanel preview={shown.preview} />
          ) : (
            <p className="muted">Reading…</p>
          )}
        </div>
      )}
    </section>
  );
}
