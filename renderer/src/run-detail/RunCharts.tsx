import { useCallback, useMemo } from 'react';
import type { EpochMetrics } from '../../../common/types';
import type { PlotColors } from '../charts/plot-theme';
import { PlotlyChart } from '../charts/PlotlyChart';
import { runCurveLayout, runCurveTraces, type CurveKind } from './run-chart-data';

export function RunCharts({ epochs }: { epochs: readonly EpochMetrics[] }) {
  return (
    <div className="chart-grid">
      <RunCurve epochs={epochs} kind="loss" />
      <RunCurve epochs={epochs} kind="accuracy" />
    </div>
  );
}

function RunCurve({ epochs, kind }: { epochs: readonly EpochMetrics[]; kind: CurveKind }) {
  const data = useCallback((colors: PlotColors) => runCurveTraces(epochs, kind, colors), [epochs, kind]);
  const maxEpoch = epochs.length > 0 ? epochs[epochs.length - 1].epoch : 1;
  const layout = useMemo(() => runCurveLayout(kind, maxEpoch), [kind, maxEpoch]);
  return (
    <PlotlyChart
      data={data}
      layout={layout}
      label={`${kind === 'loss' ? 'Loss' : 'Accuracy'} per epoch for training, validation and test`}
      className="run-chart"
    />
  );
}
