import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { RunEpochs } from '../../../common/api/contract';
import type { CompareRun } from '../../../common/compare/differing-params';
import { renderComparisonSvg } from '../../../common/plot/comparison-svg';
import type { PlotColors } from '../charts/plot-theme';
import { PlotlyChart } from '../charts/PlotlyChart';
import { useSeen } from '../charts/use-seen';
import { useClient } from '../client/client-context';
import { errorMessage } from '../client/errors';
import { ExportActions } from '../common/ExportActions';
import { LoadingLine } from '../common/LoadState';
import { fileStem } from '../grids/grid-exports';
import { LineSwatch } from './ChartLegend';
import {
  choiceLabel,
  compareLayerLayout,
  compareLayers,
  compareLayersCsv,
  compareLayerTraces,
  defaultMatch,
  isLayerMetric,
  LAYER_METRIC_TEXT,
  LAYER_METRICS,
  layerChoices,
  layerTitle,
  sameLayerNames,
  type LayerMatch,
  type LayerMetric,
  type RunLayersLoad,
} from './compare-layers-data';
import { svgToPng } from './exports';
import './compare-layers.css';

/**
 * Each compared run's layer statistics (`runs.layers`), asked for once the section comes near the viewport
 * (a comparison of a 200-run grid should not fetch 200 runs' histograms to show its curves), and again for a
 * run when it logs another epoch. An answer for an older epoch count never replaces a newer one.
 */
function useRunLayers(
  ids: readonly string[],
  counts: ReadonlyMap<string, number>,
  enabled: boolean,
): ReadonlyMap<string, RunLayersLoad> {
  const client = useClient();
  const [loads, setLoads] = useState<ReadonlyMap<string, RunLayersLoad>>(() => new Map());
  const asked = useRef(new Map<string, number>());
  const mounted = useRef(true);
  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  const wanted = JSON.stringify(ids.map((id) => [id, counts.get(id) ?? 0]));
  useEffect(() => {
    if (!enabled) return;
    for (const [runId, at] of JSON.parse(wanted) as [string, number][]) {
      if (asked.current.get(runId) === at) continue;
      asked.current.set(runId, at);
      void client
        .call('runs.layers', { runId })
        .then(
          (stats): RunLayersLoad => ({ at, stats }),
          (error: unknown): RunLayersLoad => ({ at, error: errorMessage(error) }),
        )
        .then((load) => {
          if (!mounted.current || asked.current.get(runId) !== at) return;
          setLoads((current) => new Map(current).set(runId, load));
        });
    }
  }, [client, wanted, enabled]);
  return loads;
}

/**
 * Compare's Layers section: one layer's update ratio (or kernel or gradient norm) of every compared run,
 * one line per run in its Compare colour, on a log axis against the epoch — E1's summed gradient against
 * E2's mean shows its hundredfold step at once. Runs that have nothing of it to draw are named, with why.
 */
export function CompareLayers({
  runs,
  epochs,
}: {
  runs: readonly CompareRun[];
  epochs: readonly RunEpochs[];
}) {
  const section = useRef<HTMLElement>(null);
  const near = useSeen(section) === 'near';
  const counts = useMemo(() => new Map(epochs.map((e) => [e.runId, e.epochs.length])), [epochs]);
  const loads = useRunLayers(
    runs.map((r) => r.id),
    counts,
    near,
  );
  const [pickedMatch, setMatch] = useState<LayerMatch | null>(null);
  const [pickedLayer, setLayer] = useState<string | null>(null);
  const [metric, setMetric] = useState<LayerMetric>('updateRatio');

  const loaded = runs.every((r) => loads.has(r.id));
  const match = pickedMatch ?? defaultMatch(runs, loads);
  const choices = useMemo(() => layerChoices(runs, loads, match), [runs, loads, match]);
  const key = choices.some((c) => c.key === pickedLayer) ? (pickedLayer as string) : (choices[0]?.key ?? '');
  const comparison = useMemo(
    () => compareLayers(runs, loads, match, key, metric),
    [runs, loads, match, key, metric],
  );
  const traces = useCallback((colors: PlotColors) => compareLayerTraces(comparison, colors), [comparison]);
  const layout = useMemo(() => compareLayerLayout(comparison), [comparison]);

  const drawable = comparison.figure.layout.drawable;
  const stem = `layers-${fileStem(layerTitle(choices, key, match))}-${LAYER_METRIC_TEXT[metric].file}`;
  const svg = () => renderComparisonSvg(comparison.series, comparison.figure.options);

  return (
    <section
      ref={section}
      className="panel compare-layers"
      aria-labelledby="compare-layers-heading"
      data-testid="compare-layers"
    >
      <div className="panel-header">
        <h2 id="compare-layers-heading">Layers side by side</h2>
        {loaded && choices.length > 0 && (
          <ExportActions
            label="Export the layer chart"
            disabled={!drawable.some(Boolean)}
            items={[
              {
                label: 'Export SVG',
                testId: 'compare-layers-svg',
                fileName: `${stem}.svg`,
                mimeType: 'image/svg+xml',
                make: svg,
              },
              {
                label: 'Export PNG',
                testId: 'compare-layers-png',
                fileName: `${stem}.png`,
                mimeType: 'image/png',
                make: () => svgToPng(svg()),
              },
              {
                label: 'Export CSV',
                testId: 'compare-layers-csv',
                fileName: `${stem}.csv`,
                mimeType: 'text/csv',
                make: () => compareLayersCsv(runs, comparison, metric),
              },
            ]}
          />
        )}
      </div>
      {!loaded ? (
        <LoadingLine text="Loading the runs' layer statistics…" />
      ) : choices.length === 0 ? (
        <p className="hint-box" data-testid="compare-layers-missing">
          None of the {runs.length} compared run{runs.length === 1 ? '' : 's'} logged layer statistics:{' '}
          {comparison.missing.map((m) => `${m.label} (${m.reason})`).join('; ')}.
        </p>
      ) : (
        <>
          <div className="compare-layers-controls">
            <label className="field-inline">
              Show
              <select
                value={metric}
                onChange={(e) => {
                  if (isLayerMetric(e.target.value)) setMetric(e.target.value);
                }}
                data-testid="compare-layers-metric"
              >
                {LAYER_METRICS.map((m) => (
                  <option key={m} value={m}>
                    {LAYER_METRIC_TEXT[m].option}
                  </option>
                ))}
              </select>
            </label>
            {!sameLayerNames(runs, loads) && (
              <label className="field-inline">
                Match layers
                <select
                  value={match}
                  onChange={(e) => {
                    setMatch(e.target.value === 'position' ? 'position' : 'name');
                    setLayer(null);
                  }}
                  data-testid="compare-layers-match"
                >
                  <option value="name">by name</option>
                  <option value="position">by position</option>
                </select>
              </label>
            )}
            <label className="field-inline">
              Layer
              <select
                value={key}
                onChange={(e) => setLayer(e.target.value)}
                data-testid="compare-layers-layer"
              >
                {choices.map((c) => (
                  <option key={c.key} value={c.key}>
                    {choiceLabel(c)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <div className="compare-chart compare-layers-chart" data-testid="compare-layers-chart">
            <PlotlyChart data={traces} layout={layout} label={`${comparison.title}, one line per run`} />
            <ul className="compare-layers-legend" aria-label="Runs drawn">
              {comparison.series.map((s, i) =>
                drawable[i] ? (
                  <li key={s.runId} data-testid="compare-layers-legend-item" data-run-id={s.runId}>
                    <LineSwatch color={comparison.styles[i].color} dash={comparison.styles[i].dash} />
                    {s.label}
                  </li>
                ) : null,
              )}
            </ul>
          </div>
          {comparison.missing.length > 0 && (
            <p className="hint-box" data-testid="compare-layers-missing">
              Not drawn: {comparison.missing.map((m) => `${m.label} (${m.reason})`).join('; ')}.
            </p>
          )}
          <p className="hint">
            Update ratio: how far an epoch moved the layer&apos;s kernel, ‖W_e − W_e−1‖ / ‖W_e−1‖. With SGD or
            momentum, a summed loss takes steps batch-size times those of a mean loss at the same learning
            rate. Gradient norms are of each epoch&apos;s last batch.
          </p>
        </>
      )}
    </section>
  );
}
