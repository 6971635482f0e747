import type { Data, Layout } from 'plotly.js-dist-min';
import type { EpochMetrics, MetricName } from '../../../common/types';
import { PALETTE } from '../../../common/plot/series-style';
import { epochTicks, lineColor, type PlotColors } from '../charts/plot-theme';

export type CurveKind = 'loss' | 'accuracy';

const SPLITS: ReadonlyArray<{ label: string; loss: MetricName; accuracy: MetricName }> = [
  { label: 'train', loss: 'trainLoss', accuracy: 'trainAcc' },
  { label: 'validation', loss: 'valLoss', accuracy: 'valAcc' },
  { label: 'test', loss: 'testLoss', accuracy: 'testAcc' },
];

/** One line per split that logged the metric (a run without a validation split has no validation line). */
export function runCurveTraces(epochs: readonly EpochMetrics[], kind: CurveKind, colors: PlotColors): Data[] {
  const x = epochs.map((e) => e.epoch);
  return SPLITS.flatMap((split, i) => {
    const y = epochs.map((e) => finiteOrNull(e[split[kind]]));
    if (y.every((v) => v === null)) return [];
    const trace: Data = {
      type: 'scatter',
      mode: epochs.length > 1 ? 'lines' : 'lines+markers',
      name: split.label,
      x,
      y,
      line: { color: lineColor(PALETTE[i], colors), width: 2 },
      hovertemplate: kind === 'accuracy' ? '%{y:.2%}' : '%{y:.4g}',
    };
    return [trace];
  });
}

export function runCurveLayout(kind: CurveKind, maxEpoch: number): Partial<Layout> {
  return {
    title: {
      text: kind === 'loss' ? 'Loss (cross-entropy per example)' : 'Accuracy',
      x: 0.02,
      xanchor: 'left',
    },
    xaxis: { title: { text: 'epoch' }, ...epochTicks(maxEpoch) },
    yaxis:
      kind === 'accuracy' ? { title: { text: 'accuracy' }, tickformat: '.0%' } : { title: { text: 'loss' } },
    hovermode: 'x unified',
  };
}

function finiteOrNull(value: number | null): number | null {
  return value !== null && Number.isFinite(value) ? value : null;
}
