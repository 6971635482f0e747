import type { Data, Layout } from 'plotly.js-dist-min';
import type { Evaluation } from '../../../common/metrics/eval-points';
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
import {
  bestEvaluation,
  timelineOutcome,
  whatIfOnTimeline,
  type TimelinePlaces,
} from '../../../common/stopping/timeline-outcome';
import { whatIfTable, type WhatIfBase, type WhatIfRow } from '../../../common/stopping/what-if';
import type { EpochMetrics } from '../../../common/types';
import { PALETTE } from '../../../common/plot/series-style';
import { epochTicks, lineColor, type PlotColors } from '../charts/plot-theme';
import { runCurveLayout, type CurveKind } from './run-chart-data';

/**
 * Where a decision stopped and kept, on a run with evaluation points: the evaluations, by step and
 * fractional epoch (the decision's epoch fields are then those fractional epochs). Absent per epoch.
 */
export interface OnTimeline {
  at?: TimelinePlaces;
  /** Evaluations after the stop. */
  evaluationsSaved?: number;
}

/** Everything the Early stopping panel shows of one run under one rule. */
export interface RunStoppingAnalysis {
  outcome: StoppingOutcome & OnTimeline;
  onset: OverfittingOnset;
  /** Best epoch of the monitored metric over the whole run (on a run with points, its evaluation). */
  best: { epoch: number; value: number; at?: Evaluation } | undefined;
  whatIf: Array<WhatIfRow & OnTimeline>;
  /**
   * The evaluations the rules read on a run with points (points inside epochs and epoch ends, in step
   * order; patience counts them); null for a run analysed on its epochs.
   */
  timeline: readonly Evaluation[] | null;
}

/**
 * The analysis of a run under `rule`: on its epochs, or with a `timeline` (a run with points) on its
 * evaluations, as live stopping reads them. The overfitting onset is found on the epochs either way.
 */
export function analyseRun(
  epochs: readonly EpochMetrics[],
  rule: StoppingRule,
  onsetParams: OnsetParams = DEFAULT_ONSET_PARAMS,
  timeline: readonly Evaluation[] | null = null,
): RunStoppingAnalysis {
  const mode = rule.rule === 'patience' ? rule.mode : undefined;
  const base: WhatIfBase = {
    monitor: rule.monitor,
    smoothing: rule.smoothing,
    startFromEpoch: rule.startFromEpoch,
    restoreBest: rule.restoreBest,
  };
  const onset = findOverfittingOnset(epochs, onsetParams);
  if (timeline && timeline.length > 0) {
    const best = bestEvaluation(timeline, rule.monitor, mode);
    return {
      outcome: timelineOutcome(timeline, rule),
      onset,
      best: best && { epoch: best.evaluation.epoch, value: best.value, at: best.evaluation },
      whatIf: whatIfOnTimeline(timeline, base),
      timeline,
    };
  }
  return {
    outcome: stoppingOutcome(epochs, rule),
    onset,
    best: bestValue(epochs, rule.monitor, mode),
    whatIf: whatIfTable(epochs, base),
    timeline: null,
  };
}

/** A vertical marker on the curves: where the run was best, where it turned, where the rule stops. */
export interface EpochMarker {
  key: 'best' | 'onset' | 'stop';
  label: string;
  /** Where it is on the x axis: an epoch, or on a run with points the evaluation's fractional epoch. */
  epoch: number;
  /** On a run with points, the evaluation's step (the onset is an epoch either way). */
  step?: number;
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
      ...(analysis.best.at ? { step: analysis.best.at.step } : {}),
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
    const stop = analysis.outcome.at?.stop;
    markers.push({
      key: 'stop',
      label: 'stop',
      epoch: analysis.outcome.stopEpoch,
      ...(stop ? { step: stop.step } : {}),
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
      text: `${kind === 'loss' ? 'Loss' : 'Accuracy'} with best ${markers.some((m) => m.step !== undefined) ? 'evaluation' : 'epoch'}, onset and stop`,
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
      text: markerText(m),
      font: { color: m.color, size: 11 },
      bgcolor: 'rgba(255,255,255,0.6)',
    })),
  };
}

/** "stop 12" at an epoch; "stop step 50" at an evaluation point (its x is the fractional epoch). */
export function markerText(m: EpochMarker): string {
  return m.step === undefined ? `${m.label} ${m.epoch}` : `${m.label} step ${m.step}`;
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

export function patienceLayout(rows: readonly WhatIfRow[], onPoints = false): Partial<Layout> {
  return {
    title: { text: 'Patience: test accuracy kept and epochs saved', x: 0.02, xanchor: 'left' },
    margin: TWO_AXES_MARGIN,
    xaxis: { title: { text: onPoints ? 'patience (evaluations)' : 'patience (epochs)' }, dtick: 1 },
    yaxis: { title: { text: 'test accuracy' }, tickformat: '.1%', range: accuracyRange(rows) },
    yaxis2: {
      title: { text: 'epochs saved' },
      overlaying: 'y',
      side: 'right',
      rangemode: 'tozero',
      showgrid: false,
      // Whole epochs: Plotly would otherwise tick at 1.93, 3.86, …; on points the epochs saved are
      // fractional, and tick at quarters or halves where there are few.
      dtick: savedStep(Math.max(0, ...patienceRows(rows).map((r) => r.epochsSaved)), onPoints),
    },
    hovermode: 'x unified',
  };
}

/** A round tick step for up to `max` epochs saved: whole epochs, or on points a quarter or half where few. */
export function savedStep(max: number, fractional = false): number {
  if (fractional && max > 0) {
    const step = [0.1, 0.25, 0.5].find((s) => max / s <= 6);
    if (step !== undefined) return step;
  }
  return Math.max(1, Math.ceil(max / 5));
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
