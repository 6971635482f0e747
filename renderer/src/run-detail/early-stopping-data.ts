import type { Data, Layout } from 'plotly.js-dist-min';
import { isAccuracy } from '../../../common/stopping/monitor';
import {
  DEFAULT_ONSET_PARAMS,
  findOverfittingOnset,
  generalisationGap,
  type OnsetParams,
  type OverfittingOnset,
} from '../../../common/stopping/onset';
import { bestValue, stoppingOutcome, type StoppingOutcome } from '../../../common/stopping/outcome';
import type { StoppingRule } from '../../../common/stopping/rule-schema';
import { whatIfTable, type WhatIfRow } from '../../../common/stopping/what-if';
import type { EpochMetrics } from '../../../common/types';
import { PALETTE } from '../../../common/plot/series-style';
import { epochTicks, lineColor, type PlotColors } from '../charts/plot-theme';
import { runCurveLayout, type CurveKind } from './run-chart-data';

/** Everything the Early stopping panel shows of one run under one rule. */
export interface RunStoppingAnalysis {
  outcome: StoppingOutcome;
  onset: OverfittingOnset;
  /** Best epoch of the monitored metric over the whole run. */
  best: { epoch: number; value: number } | undefined;
  whatIf: WhatIfRow[];
}

export function analyseRun(
  epochs: readonly EpochMetrics[],
  rule: StoppingRule,
  onsetParams: OnsetParams = DEFAULT_ONSET_PARAMS,
): RunStoppingAnalysis {
  return {
    outcome: stoppingOutcome(epochs, rule),
    onset: findOverfittingOnset(epochs, onsetParams),
    best: bestValue(epochs, rule.monitor, rule.rule === 'patience' ? rule.mode : undefined),
    whatIf: whatIfTable(epochs, {
      monitor: rule.monitor,
      smoothing: rule.smoothing,
      startFromEpoch: rule.startFromEpoch,
      restoreBest: rule.restoreBest,
    }),
  };
}

/** A vertical marker on the curves: where the run was best, where it turned, where the rule stops. */
export interface EpochMarker {
  key: 'best' | 'onset' | 'stop';
  label: string;
  epoch: number;
  color: string;
  dash: 'solid' | 'dash' | 'dot';
}

export function epochMarkers(analysis: RunStoppingAnalysis): EpochMarker[] {
  const markers: EpochMarker[] = [];
  if (analysis.best) {
    markers.push({
      key: 'best',
      label: 'best',
      epoch: analysis.best.epoch,
      color: PALETTE[2],
      dash: 'solid',
    });
  }
  if (analysis.onset.epoch !== null) {
    markers.push({
      key: 'onset',
      label: 'onset',
      epoch: analysis.onset.epoch,
      color: PALETTE[3],
      dash: 'dot',
    });
  }
  if (analysis.outcome.stopEpoch !== null) {
    markers.push({
      key: 'stop',
      label: 'stop',
      epoch: analysis.outcome.stopEpoch,
      color: PALETTE[1],
      dash: 'dash',
    });
  }
  return markers;
}

/** The curves of the monitored kind (loss or accuracy), as the run charts draw them. */
export function monitoredKind(rule: StoppingRule): CurveKind {
  return isAccuracy(rule.monitor) ? 'accuracy' : 'loss';
}

/** The run curve's layout with a labelled vertical line per marker (labels stagger so they never overlap). */
export function stoppingCurveLayout(
  kind: CurveKind,
  maxEpoch: number,
  markers: readonly EpochMarker[],
  logY = false,
): Partial<Layout> {
  const base = runCurveLayout(kind, maxEpoch);
  return {
    ...base,
    // A rise of validation loss by a few per cent after a fall by a factor of ten shows on a log axis.
    yaxis: logY ? { ...base.yaxis, type: 'log', tickformat: undefined } : base.yaxis,
    title: {
      ...base.title,
      text: `${kind === 'loss' ? 'Loss' : 'Accuracy'} with best epoch, onset and stop`,
    },
    shapes: markers.map((m) => ({
      type: 'line',
      xref: 'x',
      yref: 'paper',
      x0: m.epoch,
      x1: m.epoch,
      y0: 0,
      y1: 1,
      line: { color: m.color, width: 1.5, dash: m.dash },
    })),
    annotations: markers.map((m, i) => ({
      x: m.epoch,
      xref: 'x',
      yref: 'paper',
      y: 1 - i * 0.09,
      yanchor: 'top',
      xanchor: 'left',
      showarrow: false,
      text: `${m.label} ${m.epoch}`,
      font: { color: m.color, size: 11 },
      bgcolor: 'rgba(255,255,255,0.6)',
    })),
  };
}

/** Room on the right for the second y axis's ticks and title (the theme's margin has none). */
const TWO_AXES_MARGIN = { l: 56, r: 72, t: 64, b: 48 };

/** Validation minus training, loss and accuracy on two axes. */
export function gapTraces(epochs: readonly EpochMetrics[], colors: PlotColors): Data[] {
  const gap = generalisationGap(epochs);
  const x = gap.map((g) => g.epoch);
  return [
    {
      type: 'scatter',
      mode: 'lines',
      name: 'loss gap (val − train)',
      x,
      y: gap.map((g) => g.loss),
      line: { color: lineColor(PALETTE[0], colors), width: 2 },
      hovertemplate: '%{y:.4g}',
    },
    {
      type: 'scatter',
      mode: 'lines',
      name: 'accuracy gap (val − train)',
      x,
      y: gap.map((g) => g.accuracy),
      yaxis: 'y2',
      line: { color: lineColor(PALETTE[1], colors), width: 2, dash: 'dash' },
      hovertemplate: '%{y:.2%}',
    },
  ];
}

export function gapLayout(maxEpoch: number): Partial<Layout> {
  return {
    title: { text: 'Generalisation gap (validation − training)', x: 0.02, xanchor: 'left' },
    margin: TWO_AXES_MARGIN,
    xaxis: { title: { text: 'epoch' }, ...epochTicks(maxEpoch) },
    yaxis: { title: { text: 'loss gap' } },
    yaxis2: {
      title: { text: 'accuracy gap' },
      overlaying: 'y',
      side: 'right',
      tickformat: '.0%',
      showgrid: false,
    },
    hovermode: 'x unified',
  };
}

/** Test accuracy kept and epochs saved against patience, from the what-if rows. */
export function patienceTraces(rows: readonly WhatIfRow[], colors: PlotColors): Data[] {
  const patience = patienceRows(rows);
  const x = patience.map((r) => (r.rule.rule === 'patience' ? r.rule.patience : 0));
  return [
    {
      type: 'scatter',
      mode: 'lines+markers',
      name: 'test accuracy kept',
      x,
      y: patience.map((r) => r.result?.testAcc ?? null),
      line: { color: lineColor(PALETTE[2], colors), width: 2 },
      hovertemplate: '%{y:.2%}',
    },
    {
      type: 'scatter',
      mode: 'lines+markers',
      name: 'epochs saved',
      x,
      y: patience.map((r) => r.epochsSaved),
      yaxis: 'y2',
      line: { color: lineColor(PALETTE[4], colors), width: 2, dash: 'dash' },
      hovertemplate: '%{y}',
    },
  ];
}

export function patienceLayout(rows: readonly WhatIfRow[]): Partial<Layout> {
  return {
    title: { text: 'Patience: test accuracy kept and epochs saved', x: 0.02, xanchor: 'left' },
    margin: TWO_AXES_MARGIN,
    xaxis: { title: { text: 'patience (epochs)' }, dtick: 1 },
    yaxis: { title: { text: 'test accuracy' }, tickformat: '.1%', range: accuracyRange(rows) },
    yaxis2: {
      title: { text: 'epochs saved' },
      overlaying: 'y',
      side: 'right',
      rangemode: 'tozero',
      showgrid: false,
      // Whole epochs: Plotly would otherwise tick at 1.93, 3.86, ….
      dtick: Math.max(1, Math.ceil(Math.max(0, ...patienceRows(rows).map((r) => r.epochsSaved)) / 5)),
    },
    hovermode: 'x unified',
  };
}

/**
 * A little room around the test accuracies kept: Plotly pads a flat line (every patience keeping the same
 * epoch) by ±50 %, which reads as if accuracy could exceed 100 %.
 */
function accuracyRange(rows: readonly WhatIfRow[]): [number, number] | undefined {
  const values = rows.flatMap((r) =>
    r.rule.rule === 'patience' && r.result?.testAcc != null ? [r.result.testAcc] : [],
  );
  if (values.length === 0) return undefined;
  const low = Math.min(...values);
  const high = Math.max(...values);
  const pad = Math.max(0.005, (high - low) * 0.1);
  return [Math.max(0, low - pad), Math.min(1, high + pad)];
}

function patienceRows(rows: readonly WhatIfRow[]): WhatIfRow[] {
  return rows.filter((r) => r.rule.rule === 'patience');
}
