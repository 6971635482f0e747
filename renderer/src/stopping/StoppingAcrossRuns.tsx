import { useCallback, useMemo, useState } from 'react';
import { stoppingRows, type StoppingRow, type StoppingRunInput } from '../../../common/stopping/across-runs';
import {
  paramAxes,
  paramChart,
  STOPPING_Y_SERIES,
  type ParamAxis,
  type StoppingYSeries,
} from '../../../common/stopping/param-chart';
import type { StoppingRule } from '../../../common/stopping/rule-schema';
import type { PlotColors } from '../charts/plot-theme';
import { PlotlyChart } from '../charts/PlotlyChart';
import { formatPercent, MISSING } from '../common/format';
import { paramChartLayout, paramChartTitle, paramChartTraces } from './across-runs-chart-data';
import { DEFAULT_RULE } from './rule-choice';
import { RuleControls } from './RuleControls';
import { StoppingExportButtons } from './StoppingExportButtons';

export interface StoppingAcrossRunsProps {
  /** Each run with its flattened config (flattenParams) and every logged epoch. */
  runs: readonly StoppingRunInput[];
  /** The rule to start from (default patience:10 on validation loss). */
  initialRule?: StoppingRule;
}

const DEFAULT_YS: readonly StoppingYSeries[] = ['bestEpoch', 'onsetEpoch', 'stopEpoch'];

/**
 * Early stopping across runs: per run its best epoch, overfitting onset and where the chosen rule stops,
 * as a table and as a chart against a hyperparameter that differs between the runs (best epoch against λ,
 * keep p, hidden units), exportable as SVG, PNG and CSV. Reusable: Compare mounts it, and so can a grid.
 */
export function StoppingAcrossRuns({ runs, initialRule = DEFAULT_RULE }: StoppingAcrossRunsProps) {
  const [rule, setRule] = useState<StoppingRule>(initialRule);
  const rows = useMemo(() => stoppingRows(runs, rule), [runs, rule]);
  const axes = useMemo(() => paramAxes(runs), [runs]);
  const [axisKey, setAxisKey] = useState<string | null>(null);
  const axis = axes.find((a) => a.key === axisKey) ?? axes[0];
  const [logX, setLogX] = useState(false);
  const [ys, setYs] = useState<readonly StoppingYSeries[]>(DEFAULT_YS);

  return (
    <section
      className="panel stopping-across"
      aria-labelledby="stopping-across-heading"
      data-testid="stopping-across"
    >
      <h2 id="stopping-across-heading">Early stopping across runs</h2>
      <RuleControls rule={rule} onChange={setRule} testId="across-rule" />
      {axis ? (
        <ParamChartSection
          rows={rows}
          axes={axes}
          axis={axis}
          onAxis={setAxisKey}
          logX={logX}
          onLogX={setLogX}
          ys={ys}
          onYs={setYs}
          rule={rule}
        />
      ) : (
        <p className="hint-box" data-testid="no-param-axis">
          The selected runs share every numeric hyperparameter, so there is nothing to plot them against; the
          table below still compares them.
        </p>
      )}
      <StoppingRowsTable rows={rows} axis={axis} />
    </section>
  );
}

interface ParamChartSectionProps {
  rows: readonly StoppingRow[];
  axes: readonly ParamAxis[];
  axis: ParamAxis;
  onAxis: (key: string) => void;
  logX: boolean;
  onLogX: (on: boolean) => void;
  ys: readonly StoppingYSeries[];
  onYs: (ys: readonly StoppingYSeries[]) => void;
  rule: StoppingRule;
}

function ParamChartSection({
  rows,
  axes,
  axis,
  onAxis,
  logX,
  onLogX,
  ys,
  onYs,
  rule,
}: ParamChartSectionProps) {
  const chart = useMemo(() => paramChart(rows, axis, ys, logX), [rows, axis, ys, logX]);
  const title = paramChartTitle(chart, axis.label);
  const traces = useCallback((colors: PlotColors) => paramChartTraces(chart, colors), [chart]);
  const layout = useMemo(() => paramChartLayout(chart, title), [chart, title]);
  const toggle = (y: StoppingYSeries, on: boolean) =>
    onYs(
      (Object.keys(STOPPING_Y_SERIES) as StoppingYSeries[]).filter((k) => (k === y ? on : ys.includes(k))),
    );

  return (
    <>
      <div className="stopping-controls" role="group" aria-label="Chart">
        <label>
          Against{' '}
          <select value={axis.key} onChange={(e) => onAxis(e.target.value)} data-testid="stopping-axis">
            {axes.map((a) => (
              <option key={a.key} value={a.key}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
        <label className="inline-check">
          <input
            type="checkbox"
            checked={logX}
            onChange={(e) => onLogX(e.target.checked)}
            data-testid="stopping-log-x"
          />
          log₁₀ x
        </label>
        {(Object.keys(STOPPING_Y_SERIES) as StoppingYSeries[]).map((y) => (
          <label key={y} className="inline-check">
            <input
              type="checkbox"
              checked={ys.includes(y)}
              disabled={ys.includes(y) && ys.length === 1}
              onChange={(e) => toggle(y, e.target.checked)}
              data-testid={`stopping-y-${y}`}
            />
            {STOPPING_Y_SERIES[y]}
          </label>
        ))}
      </div>
      {chart.skipped.length > 0 && (
        <p className="hint-box" data-testid="stopping-skipped">
          Not plotted ({logX ? `no value or ${axis.label} ≤ 0 on a log axis` : `no ${axis.label}`}):{' '}
          {chart.skipped.join(', ')}
        </p>
      )}
      <div
        className="stopping-chart"
        data-testid="stopping-chart"
        data-axis={axis.key}
        data-points={chart.runs.length}
      >
        <PlotlyChart data={traces} layout={layout} label={title} />
      </div>
      <StoppingExportButtons chart={chart} title={title} rows={rows} axis={axis} rule={rule} />
    </>
  );
}

function StoppingRowsTable({ rows, axis }: { rows: readonly StoppingRow[]; axis: ParamAxis | undefined }) {
  return (
    <div className="table-scroller wide">
      <table className="data-table compact" data-testid="stopping-rows">
        <thead>
          <tr>
            <th scope="col">Run</th>
            {axis && (
              <th scope="col" className="num">
                {axis.label}
              </th>
            )}
            <th scope="col" className="num">
              Best epoch
            </th>
            <th scope="col" className="num">
              Onset
            </th>
            <th scope="col" className="num">
              Stops after
            </th>
            <th scope="col" className="num">
              Keeps epoch
            </th>
            <th scope="col" className="num">
              Epochs saved
            </th>
            <th scope="col" className="num">
              Test acc kept
            </th>
            <th scope="col" className="num" title="Test accuracy at the last epoch minus the one kept">
              Test acc lost
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.runId} data-testid="stopping-row" data-run-id={row.runId} title={row.reason}>
              <th scope="row">{row.label}</th>
              {axis && <td className="num mono">{axis.values[row.runId] ?? MISSING}</td>}
              <td className="num" data-col="best">
                {row.bestEpoch ?? MISSING}
              </td>
              <td className="num" data-col="onset" title={row.onsetReason}>
                {row.onsetEpoch ?? 'none'}
              </td>
              <td className="num" data-col="stop">
                {row.stopEpoch ?? 'never'}
              </td>
              <td className="num">{row.resultEpoch ?? MISSING}</td>
              <td className="num" data-col="saved">
                {row.epochsSaved}
              </td>
              <td className="num">{formatPercent(row.testAccAtResult)}</td>
              <td className="num">
                {row.testAccLost === null ? MISSING : `${(row.testAccLost * 100).toFixed(2)} pts`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
