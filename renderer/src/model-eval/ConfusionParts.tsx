import { useCallback, useMemo, useState } from 'react';
import type { ConfusionFigure, ConfusionMode } from '../../../common/model-eval/confusion-figure';
import type { ClassMetrics } from '../../../common/model-eval/types';
import { PlotlyChart } from '../charts/PlotlyChart';
import { useClient } from '../client/client-context';
import { errorMessage } from '../client/errors';
import { useAnnounce } from '../common/announcer';
import { formatInteger, formatPercent, MISSING } from '../common/format';
import { confusionLayout, confusionTraces } from './confusion-chart-data';
import './model-eval.css';

/** A confusion matrix (or a difference of two) as a Plotly heat map, class names on both axes. */
export function ConfusionHeatmap({
  figure,
  label,
  testId = 'confusion-heatmap',
  showScale = true,
}: {
  figure: ConfusionFigure;
  label: string;
  testId?: string;
  /** Off where neighbours share one scale and the values are in the cells. */
  showScale?: boolean;
}) {
  const data = useCallback(() => confusionTraces(figure, { showScale }), [figure, showScale]);
  const layout = useMemo(() => confusionLayout(figure), [figure]);
  return (
    <div
      className="confusion-chart"
      data-testid={testId}
      data-mode={figure.mode}
      data-scale={figure.scale}
      data-classes={figure.classes.length}
    >
      <PlotlyChart data={data} layout={layout} label={label} />
    </div>
  );
}

/** Counts or row-normalised: the toggle every confusion view has. */
export function ConfusionModeToggle({
  mode,
  onChange,
  testId = 'confusion-mode',
}: {
  mode: ConfusionMode;
  onChange: (mode: ConfusionMode) => void;
  testId?: string;
}) {
  return (
    <label className="inline-check">
      <input
        type="checkbox"
        checked={mode === 'normalised'}
        onChange={(e) => onChange(e.target.checked ? 'normalised' : 'counts')}
        data-testid={testId}
      />
      row-normalised (share of each true class)
    </label>
  );
}

const NOT_DEFINED: Record<'precision' | 'recall' | 'f1', string> = {
  precision: 'not defined: no example was predicted as this class',
  recall: 'not defined: the split has no example of this class',
  f1: 'not defined: precision or recall is not',
};

/** Precision, recall, F1 and support of every class; an undefined value says why on hover. */
export function PerClassTable({ metrics }: { metrics: readonly ClassMetrics[] }) {
  const cell = (m: ClassMetrics, key: 'precision' | 'recall' | 'f1') => {
    const value = m[key];
    return (
      <td className="num" data-col={key} title={value === null ? NOT_DEFINED[key] : undefined}>
        {value === null ? MISSING : key === 'f1' ? value.toFixed(3) : formatPercent(value)}
      </td>
    );
  };
  return (
    <div className="table-scroller per-class">
      <table className="data-table compact" data-testid="per-class-table">
        <thead>
          <tr>
            <th scope="col">class</th>
            <th scope="col" className="num">
              precision
            </th>
            <th scope="col" className="num">
              recall
            </th>
            <th scope="col" className="num">
              F1
            </th>
            <th scope="col" className="num">
              support
            </th>
          </tr>
        </thead>
        <tbody>
          {metrics.map((m) => (
            <tr key={m.class} data-testid="per-class-row" data-class={m.class}>
              <th scope="row">{m.class}</th>
              {cell(m, 'precision')}
              {cell(m, 'recall')}
              {cell(m, 'f1')}
              <td className="num" data-col="support">
                {formatInteger(m.support)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * "Download model": the kept model at `epoch` as an .npz of numpy arrays or a zipped tfjs LayersModel,
 * written on the main side (models.export) and saved through the client (a save dialog in Electron, a
 * download in a browser).
 */
export function ModelDownloads({ runId, epoch }: { runId: string; epoch: number }) {
  const client = useClient();
  const announce = useAnnounce();
  const [busy, setBusy] = useState<'npz' | 'tfjs' | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function download(format: 'npz' | 'tfjs') {
    setBusy(format);
    setError(null);
    try {
      const exported = await client.call('models.export', { runId, epoch, format });
      if (await client.saveTransfer(exported.transferId, exported.fileName)) {
        announce(`Saved ${exported.fileName}`);
      }
    } catch (e) {
      setError(`Download failed: ${errorMessage(e)}`);
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="export-buttons" role="group" aria-label={`Download the model of epoch ${epoch}`}>
      <span className="muted">Download model (epoch {epoch}):</span>
      <button
        type="button"
        data-testid="download-model-npz"
        disabled={busy !== null}
        onClick={() => void download('npz')}
      >
        {busy === 'npz' ? 'Preparing…' : 'NumPy .npz'}
      </button>
      <button
        type="button"
        data-testid="download-model-tfjs"
        disabled={busy !== null}
        onClick={() => void download('tfjs')}
      >
        {busy === 'tfjs' ? 'Preparing…' : 'TensorFlow.js (zip)'}
      </button>
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
