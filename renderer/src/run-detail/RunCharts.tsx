import { useCallback, useMemo } from 'react';
import type { EpochMetrics, RunStatus } from '../../../common/types';
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
  status: RunStatus;
  /** A fork's parent curve and fork epoch, and the kept epochs, drawn with the run's own curves. */
  context?: CurveContext;
  /** A click on a kept epoch's marker: the page offers to fork from it. */
  onPickKeptEpoch?: (epoch: number) => void;
}

/**
 * Loss and accuracy per epoch. Before the first epoch there is nothing to draw: a line saying when the
 * curves will appear, rather than empty axes running from epoch −1 to 6 or blank boxes.
 */
export function RunCharts({ epochs, status, context, onPickKeptEpoch }: RunChartsProps) {
  if (epochs.length === 0) {
    return (
      <div className="chart-grid">
        <p className="chart-placeholder" data-testid="charts-placeholder">
          {placeholderText(status)}
        </p>
      </div>
    );
  }
  return (
    <div className="chart-grid">
      <RunCurve epochs={epochs} kind="loss" context={context} onPickKeptEpoch={onPickKeptEpoch} />
      <RunCurve epochs={epochs} kind="accuracy" context={context} onPickKeptEpoch={onPickKeptEpoch} />
    </div>
  );
}

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
  context = NO_CONTEXT,
  onPickKeptEpoch,
}: {
  epochs: readonly EpochMetrics[];
  kind: CurveKind;
  context?: CurveContext;
  onPickKeptEpoch?: (epoch: number) => void;
}) {
  const data = useCallback(
    (colors: PlotColors) => runCurveTraces(epochs, kind, colors, context),
    [epochs, kind, context],
  );
  const layout = useMemo(
    () => ({ ...runCurveFigureLayout(kind, runCurveFigure(epochs, kind, context)), ...forkShapes(context) }),
    [kind, epochs, context],
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
      label={`${kind === 'loss' ? 'Loss' : 'Accuracy'} per epoch for training, validation and test`}
      className="run-chart"
    />
  );
}
