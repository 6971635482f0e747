import { useCallback, useMemo, useState } from 'react';
import {
  axisUnavailable,
  curveRows,
  X_AXES,
  X_AXIS_TITLE,
  type RunSchedule,
  type XAxis,
} from '../../../common/metrics/eval-points';
import type { EpochMetrics, EvalPoint, RunStatus } from '../../../common/types';
import type { PlotColors } from '../charts/plot-theme';
import { PlotlyChart } from '../charts/PlotlyChart';
import {
  forkShapes,
  runCurveFigure,
  runCurveFigureLayout,
  runCurveTraces,
  type CurveContext,
  type CurveKind,
} from './run-chart-data';

interface RunChartsProps {
  epochs: readonly EpochMetrics[];
  /** Evaluation points inside epochs, drawn between the epoch ends. */
  points?: readonly EvalPoint[];
  /** What puts the curves on steps or examples seen; null for a run recorded before schedules were. */
  schedule?: RunSchedule | null;
  status: RunStatus;
  /** A fork's parent curve and fork epoch, and the kept epochs, drawn with the run's own curves. */
  context?: CurveContext;
  /** A click on a kept epoch's marker: the page offers to fork from it. */
  onPickKeptEpoch?: (epoch: number) => void;
}

/**
 * Loss and accuracy per epoch, or per step, examples seen or seconds: every evaluation (points inside
 * epochs and epoch ends) on the axis chosen. Before the first evaluation there is nothing to draw: a line
 * saying when the curves will appear, rather than empty axes running from epoch −1 to 6 or blank boxes.
 * The fork's parent curve and the kept-checkpoint markers are drawn on the epoch axis, where a click on a
 * marker names its epoch.
 */
export function RunCharts({
  epochs,
  points = NO_POINTS,
  schedule = null,
  status,
  context,
  onPickKeptEpoch,
}: RunChartsProps) {
  const [axis, setAxis] = useState<XAxis>('epoch');
  const rows = useMemo(() => curveRows(axis, schedule, epochs, points), [axis, schedule, epochs, points]);
  const shownContext = axis === 'epoch' ? context : NO_CONTEXT;
  if (epochs.length === 0 && points.length === 0) {
    return (
      <div className="chart-grid">
        <p className="chart-placeholder" data-testid="charts-placeholder">
          {placeholderText(status)}
        </p>
      </div>
    );
  }
  return (
    <>
      <div className="chart-axis-choice">
        <label>
          x axis{' '}
          <select value={axis} onChange={(e) => setAxis(e.target.value as XAxis)} data-testid="curve-x-axis">
            {X_AXES.map((a) => {
              const why = axisUnavailable(a, schedule);
              return (
                <option key={a} value={a} disabled={why !== null} title={why ?? undefined}>
                  {X_AXIS_TITLE[a]}
                </option>
              );
            })}
          </select>
        </label>
        {points.length > 0 && (
          <span className="hint" data-testid="points-note">
            {' '}
            {points.length} evaluation point{points.length === 1 ? '' : 's'} inside epochs
          </span>
        )}
      </div>
      <div className="chart-grid">
        <RunCurve
          epochs={rows}
          kind="loss"
          xTitle={X_AXIS_TITLE[axis]}
          context={shownContext}
          onPickKeptEpoch={onPickKeptEpoch}
        />
        <RunCurve
          epochs={rows}
          kind="accuracy"
          xTitle={X_AXIS_TITLE[axis]}
          context={shownContext}
          onPickKeptEpoch={onPickKeptEpoch}
        />
      </div>
    </>
  );
}

const NO_POINTS: readonly EvalPoint[] = [];

function placeholderText(status: RunStatus): string {
  switch (status) {
    case 'queued':
      return 'Waiting for a training worker. Loss and accuracy curves appear here after the first epoch.';
    case 'running':
      return 'Training the first epoch. Loss and accuracy curves appear here when it ends.';
    default:
      return 'No epoch was logged, so there are no curves to show.';
  }
}

const NO_CONTEXT: CurveContext = {};

function RunCurve({
  epochs,
  kind,
  xTitle,
  context = NO_CONTEXT,
  onPickKeptEpoch,
}: {
  epochs: readonly EpochMetrics[];
  kind: CurveKind;
  xTitle: string;
  context?: CurveContext;
  onPickKeptEpoch?: (epoch: number) => void;
}) {
  const data = useCallback(
    (colors: PlotColors) => runCurveTraces(epochs, kind, colors, context),
    [epochs, kind, context],
  );
  const layout = useMemo(
    () => ({
      ...runCurveFigureLayout(kind, runCurveFigure(epochs, kind, context, xTitle), xTitle),
      ...forkShapes(context),
    }),
    [kind, epochs, context, xTitle],
  );
  const events = useMemo(
    () => ({
      plotly_click: (payload: unknown) => {
        const x = (payload as { points?: { x?: unknown }[] }).points?.[0]?.x;
        if (typeof x === 'number' && context.keptEpochs?.includes(x)) onPickKeptEpoch?.(x);
      },
    }),
    [context, onPickKeptEpoch],
  );
  return (
    <PlotlyChart
      data={data}
      layout={layout}
      events={events}
      label={`${kind === 'loss' ? 'Loss' : 'Accuracy'} by ${xTitle.toLowerCase()} for training, validation and test`}
      className="run-chart"
    />
  );
}
