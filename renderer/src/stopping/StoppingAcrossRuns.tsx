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
  /** Given with onRuleChange: the rule is the caller's (a grid's heatmap colours by the same rule). */
  rule?: StoppingRule;
  onRuleChange?: (rule: StoppingRule) => void;
  /** The axes to plot against (a grid's own, with its labels); default: every numeric parameter that differs. */
  axes?: readonly ParamAxis[];
  /** Keys of axes that start on a log₁₀ x (a grid's log axes, e.g. the learning rate). */
  logAxisKeys?: readonly string[];
  /** Part of a larger panel (the grid view's Early stopping section): no frame or heading of its own. */
  bare?: boolean;
  /** Prefix of exported file names, e.g. the grid's `iris-grid`. */
  filePrefix?: string;
  /** Said instead of the chart when there is no axis to plot against. */
  noAxisText?: string;
}

const DEFAULT_YS: readonly StoppingYSeries[] = ['bestEpoch', 'onsetEpoch', 'stopEpoch'];

/**
 * Early stopping across runs: per run its best epoch, overfitting onset and where the chosen rule stops,
 * as a table and as a chart against a hyperparameter that differs between the runs (best epoch against λ,
 * keep p, hidden units), exportable as SVG, PNG and CSV. Reusable: Compare mounts it, and so can a grid.
 */
export function StoppingAcrossRuns({
  runs,
  initialRule = DEFAULT_RULE,
  rule: givenRule,
  onRuleChange,
  axes: givenAxes,
  logAxisKeys = [],
  bare = false,
  filePrefix,
  noAxisText = 'The selected runs share every numeric hyperparameter, so there is nothing to plot them against; the table below still compares them.',
}: StoppingAcrossRunsProps) {
  const [ownRule, setOwnRule] = useState<StoppingRule>(initialRule);
  const rule = givenRule ?? ownRule;
  const setRule = onRuleChange ?? setOwnRule;
  const rows = useMemo(() => stoppingRows(runs, rule), [runs, rule]);
  const foundAxes = useMemo(() => (givenAxes ? null : paramAxes(runs)), [givenAxes, runs]);
  const axes = givenAxes ?? foundAxes ?? [];
  const [axisKey, setAxisKey] = useState<string | null>(null);
  const axis = axes.find((a) => a.key === axisKey) ?? axes[0];
  // Per axis, so that switching from the learning rate (log) to λ (linear) does not carry log over.
  const [logChoice, setLogChoice] = useState<Record<string, boolean>>({});
  const logX = axis ? (logChoice[axis.key] ?? logAxisKeys.includes(axis.key)) : false;
  const setLogX = (on: boolean) => axis && setLogChoice((c) => ({ ...c, [axis.key]: on }));
  const [ys, setYs] = useState<readonly StoppingYSeries[]>(DEFAULT_YS);

  return (
    <section
      className={bare ? 'stopping-across' : 'panel stopping-across'}
      aria-labelledby={bare ? undefined : 'stopping-across-heading'}
      aria-label={bare ? 'Early stopping across runs' : undefined}
      data-testid="stopping-across"
    >
      {!bare && <h2 id="stopping-across-heading">Early stopping across runs</h2>}
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
          filePrefix={filePrefix}
        />
      ) : (
        <p className="hint-box" data-testid="no-param-axis">
          {noAxisText}
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
  filePrefix?: string;
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
  filePrefix,
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
      <StoppingExportButtons
        chart={chart}
        title={title}
        rows={rows}
        axis={axis}
        rule={rule}
        filePrefix={filePrefix}
      />
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
            <th
              scope="col"
              className="num"
              title="Test accuracy of the epoch kept against the last epoch's: gained where stopping kept the better model, lost where it kept a worse one"
            >
              Test acc gained / lost
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
              <td className="num" data-col="acc-change">
                {testAccChangeText(row.testAccLost)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * What stopping did to test accuracy, in words that read right either way: "gained 0.40 pts" where the kept
 * epoch tests better than the last (testAccLost < 0), "lost 1.20 pts" where it tests worse.
 */
export function testAccChangeText(testAccLost: number | null): string {
  if (testAccLost === null) return MISSING;
  const points = Math.abs(testAccLost * 100).toFixed(2);
  if (points === '0.00') return 'no change';
  return testAccLost < 0 ? `gained ${points} pts` : `lost ${points} pts`;
}
