import { useCallback, useMemo } from 'react';
import type { Data, Layout } from 'plotly.js-dist-min';
import type { DatasetPreview } from '../../../common/datasets/preview';
import { lineColor, PALETTE, type PlotColors } from '../charts/plot-theme';
import { PlotlyChart } from '../charts/PlotlyChart';
import { formatInteger, formatShape } from '../common/format';
import { SampleImage } from './SampleImage';

const className = (preview: DatasetPreview, label: number) => preview.classNames?.[label] ?? String(label);

/** What a picked file holds, before anything is stored: its shape, classes and samples, or its problems. */
export function DatasetPreviewPanel({ preview }: { preview: DatasetPreview }) {
  return (
    <div className="dataset-preview" data-testid="dataset-preview">
      <p>
        <strong>{preview.files.length > 0 ? preview.files.join(' + ') : preview.suggestedName}</strong>
        {preview.format && <span className="muted"> ({preview.format})</span>}
      </p>
      {preview.problems.length > 0 ? (
        <ul className="error-text" role="alert" data-testid="dataset-problems">
          {preview.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : (
        <PreviewFacts preview={preview} />
      )}
    </div>
  );
}

function PreviewFacts({ preview }: { preview: DatasetPreview }) {
  const counts = preview.classCounts ?? [];
  const data = useCallback(
    (colors: PlotColors): Data[] => [
      {
        type: 'bar',
        x: counts.map((_, i) => className(preview, i)),
        y: counts,
        marker: { color: lineColor(PALETTE[0], colors) },
        hovertemplate: 'class %{x}: %{y} examples<extra></extra>',
      },
    ],
    [counts, preview],
  );
  const layout = useMemo<Partial<Layout>>(
    () => ({
      height: 220,
      margin: { l: 60, r: 20, t: 10, b: 40 },
      xaxis: { title: { text: 'class' }, type: 'category' },
      yaxis: { title: { text: 'examples' } },
      showlegend: false,
    }),
    [],
  );
  const range = preview.valueRange ?? { min: 0, max: 1 };
  return (
    <>
      <dl className="facts" data-testid="dataset-preview-facts">
        <div className="fact-pair">
          <dt>Examples</dt>
          <dd data-testid="preview-examples">{formatInteger(preview.examples ?? 0)}</dd>
        </div>
        <div className="fact-pair">
          <dt>Example shape</dt>
          <dd data-testid="preview-shape">{formatShape(preview.shape ?? [])}</dd>
        </div>
        <div className="fact-pair">
          <dt>Classes</dt>
          <dd data-testid="preview-classes">{preview.classes}</dd>
        </div>
        <div className="fact-pair">
          <dt>Values</dt>
          <dd data-testid="preview-values">
            {preview.dtype}, from {range.min} to {range.max}
          </dd>
        </div>
      </dl>
      <PlotlyChart data={data} layout={layout} label="Examples per class" className="class-counts-chart" />
      <table className="data-table compact" data-testid="preview-class-counts">
        <tbody>
          <tr>
            <th scope="row">Class</th>
            {counts.map((_, i) => (
              <td key={i}>{className(preview, i)}</td>
            ))}
          </tr>
          <tr>
            <th scope="row">Examples</th>
            {counts.map((n, i) => (
              <td key={i}>{formatInteger(n)}</td>
            ))}
          </tr>
        </tbody>
      </table>
      {preview.samples && preview.shape && <SampleGrid preview={preview} />}
      {preview.rows && <FirstRows preview={preview} />}
    </>
  );
}

/** A row of samples per class. */
function SampleGrid({ preview }: { preview: DatasetPreview }) {
  const byClass = new Map<number, { label: number; values: number[] }[]>();
  for (const s of preview.samples ?? []) byClass.set(s.label, [...(byClass.get(s.label) ?? []), s]);
  return (
    <div className="sample-grid" data-testid="dataset-samples">
      {[...byClass.entries()].map(([label, samples]) => (
        <div key={label} className="sample-row">
          <span className="sample-class">{className(preview, label)}</span>
          {samples.map((s, i) => (
            <SampleImage
              key={i}
              values={s.values}
              shape={preview.shape ?? []}
              range={preview.valueRange ?? { min: 0, max: 1 }}
              label={`class ${className(preview, label)}, sample ${i + 1}`}
            />
          ))}
        </div>
      ))}
    </div>
  );
}

function FirstRows({ preview }: { preview: DatasetPreview }) {
  const rows = preview.rows ?? [];
  const features = rows[0]?.values.length ?? 0;
  const names = preview.columns?.filter((c) => c !== (preview.labelColumn ?? '')) ?? [];
  return (
    <table className="data-table compact" data-testid="dataset-rows">
      <thead>
        <tr>
          {Array.from({ length: features }, (_, i) => (
            <th key={i} scope="col">
              {names.length === features ? names[i] : `x${i}`}
            </th>
          ))}
          <th scope="col">label</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={i}>
            {r.values.map((v, j) => (
              <td key={j} className="num">
                {v}
              </td>
            ))}
            <td>{className(preview, r.label)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
