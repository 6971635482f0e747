import { useCallback, useMemo } from 'react';
import type { EpochMetrics, RunStatus } from '../../../common/types';
import type { PlotColors } from '../charts/plot-theme';
import { PlotlyChart } from '../charts/PlotlyChart';
import { runCurveFigure, runCurveFigureLayout, runCurveTraces, type CurveKind } from './run-chart-data';

/**
 * Loss and accuracy per epoch. Before the first epoch there is nothing to draw: a line saying when the
 * curves will appear, rather than empty axes running from epoch −1 to 6 or blank boxes.
 */
export function RunCharts({ epochs, status }: { epochs: readonly EpochMetrics[]; status: RunStatus }) {
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
      <RunCurve epochs={epochs} kind="loss" />
      <RunCurve epochs={epochs} kind="accuracy" />
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

function RunCurve({ epochs, kind }: { epochs: readonly EpochMetrics[]; kind: CurveKind }) {
  const data = useCallback((colors: PlotColors) => runCurveTraces(epochs, kind, colors), [epochs, kind]);
  const layout = useMemo(() => runCurveFigureLayout(kind, runCurveFigure(epochs, kind)), [kind, epochs]);
  return (
    <PlotlyChart
      data={data}
      layout={layout}
      label={`${kind === 'loss' ? 'Loss' : 'Accuracy'} per epoch for training, validation and test`}
      className="run-chart"
    />
  );
}
