import { useCallback, useMemo, useState } from 'react';
import { inactiveMeaning } from '../../../common/layers/layer-stats';
import type { RunDetail } from '../../../common/run-types';
import { PlotlyChart } from '../charts/PlotlyChart';
import type { PlotColors } from '../charts/plot-theme';
import { useClient } from '../client/client-context';
import { ExportActions } from '../common/ExportActions';
import { useLoad } from '../common/use-load';
import {
  deadLayout,
  deadTraces,
  distributionLayout,
  distributionTraces,
  layerStatsCsv,
  logLayout,
  normTraces,
  updateRatioTraces,
} from './layers-chart-data';

const num = (v: number | null) => (v === null || Number.isNaN(v) ? '–' : v.toPrecision(3));
const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)}%`);

/**
 * Inside the network, epoch by epoch: each layer's weight distribution as percentile bands, the norms of its
 * kernel and of the last batch's gradient, the update ratio, and the units that stopped responding.
 */
export function LayersPanel({ run }: { run: RunDetail }) {
  const client = useClient();
  const loaded = useLoad(() => client.call('runs.layers', { runId: run.id }), `${run.id}:${run.epochs}`);
  const [picked, setPicked] = useState(0);
  const stats = loaded.data;
  const layers = useMemo(() => stats?.layers ?? [], [stats]);
  const layer = layers[Math.min(picked, layers.length - 1)];
  const maxEpoch = layers[0]?.epochs.at(-1)?.epoch ?? 1;
  const distribution = useCallback((c: PlotColors) => (layer ? distributionTraces(layer, c) : []), [layer]);
  const norms = useCallback((c: PlotColors) => normTraces(layers, c), [layers]);
  const ratios = useCallback((c: PlotColors) => updateRatioTraces(layers, c), [layers]);
  const dead = useCallback((c: PlotColors) => deadTraces(layers, c), [layers]);
  const layouts = useMemo(
    () => ({
      distribution: layer ? distributionLayout(layer) : {},
      norms: logLayout(
        'Kernel norm ‖W‖ (solid) and last-batch gradient norm ‖∇W‖ (dotted)',
        'norm',
        maxEpoch,
      ),
      ratios: logLayout('Update ratio ‖W_e − W_e−1‖ / ‖W_e−1‖', 'update ratio', maxEpoch),
      dead: deadLayout(maxEpoch, layers[0]?.probeExamples ?? 0),
    }),
    [layer, layers, maxEpoch],
  );
  if (!stats || layers.length === 0) {
    if (!stats || run.epochs === 0) return null;
    return (
      <section className="panel layers-panel" aria-labelledby="layers-heading" data-testid="layers">
        <h2 id="layers-heading">Layers</h2>
        <p className="muted" data-testid="layers-none">
          {run.config.layerStats === false
            ? 'This run was trained with "layerStats": false: it logged no layer statistics.'
            : 'This run logged no layer statistics (it was trained before the workbench kept them).'}
        </p>
      </section>
    );
  }
  const withActivation = layers.filter((l) => l.activation !== null);
  return (
    <section className="panel layers-panel" aria-labelledby="layers-heading" data-testid="layers">
      <div className="panel-header">
        <h2 id="layers-heading">Layers</h2>
        <ExportActions
          label="Export layer statistics"
          items={[
            {
              label: 'Export CSV',
              testId: 'layers-csv',
              fileName: `${run.name.replace(/[^\w.-]+/g, '_')}-layers.csv`,
              mimeType: 'text/csv',
              make: () => layerStatsCsv(stats),
            },
          ]}
        />
      </div>
      <table className="data-table layers-table" data-testid="layers-table">
        <caption className="hint">At epoch {maxEpoch}, the latest logged.</caption>
        <thead>
          <tr>
            <th scope="col">Layer</th>
            <th scope="col">Params</th>
            <th scope="col">‖W‖</th>
            <th scope="col">‖∇W‖ (last batch)</th>
            <th scope="col">Update ratio</th>
            <th scope="col">Dead or saturated</th>
          </tr>
        </thead>
        <tbody>
          {layers.map((l) => {
            const e = l.epochs.at(-1);
            return (
              <tr key={l.name} data-testid="layers-row">
                <th scope="row">
                  {l.name} <span className="muted">({l.kind})</span>
                </th>
                <td>{l.params.toLocaleString('en-US')}</td>
                <td>{num(e?.weightNorm ?? null)}</td>
                <td>{num(e?.gradNorm ?? null)}</td>
                <td>{num(e?.updateRatio ?? null)}</td>
                <td
                  title={
                    l.activation
                      ? `${l.activation} units ${inactiveMeaning(l.activation)} on all ${l.probeExamples} probe examples`
                      : 'output layer'
                  }
                >
                  {l.activation ? pct(e?.deadFraction ?? null) : '–'}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <div className="layers-charts">
        <div data-testid="layers-distribution">
          <label>
            Layer{' '}
            <select
              value={picked}
              onChange={(e) => setPicked(Number(e.target.value))}
              data-testid="layers-pick"
            >
              {layers.map((l, i) => (
                <option key={l.name} value={i}>
                  {l.name}
                </option>
              ))}
            </select>
          </label>
          <PlotlyChart
            data={distribution}
            layout={layouts.distribution}
            label={`${layer.name}: weight percentiles per epoch`}
            className="run-chart"
          />
        </div>
        {[
          {
            testId: 'layers-norms',
            data: norms,
            layout: layouts.norms,
            label: 'Kernel and gradient norms per layer',
          },
          { testId: 'layers-ratios', data: ratios, layout: layouts.ratios, label: 'Update ratio per layer' },
          ...(withActivation.length > 0
            ? [
                {
                  testId: 'layers-dead',
                  data: dead,
                  layout: layouts.dead,
                  label: 'Dead or saturated units per layer',
                },
              ]
            : []),
        ].map((chart) => (
          <div key={chart.testId} data-testid={chart.testId}>
            <PlotlyChart data={chart.data} layout={chart.layout} label={chart.label} className="run-chart" />
          </div>
        ))}
      </div>
      <p className="hint">
        Dead: a unit whose activation&apos;s slope is under 1 % of its steepest on every one of the first{' '}
        {layers[0].probeExamples} training examples (ReLU: output 0 on all of them). Histogram edges are fixed
        for the run, from the initial weights; the CSV has the counts.
      </p>
    </section>
  );
}
