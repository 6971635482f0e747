import { useCallback, useMemo, useState } from 'react';
import type { RunConfig } from '../../../common/config/run-config';
import type { RunSchedule } from '../../../common/metrics/eval-points';
import type { EarlyStopRecord } from '../../../common/run-types';
import { formatMetric as formatStoppingMetric } from '../../../common/stopping/format';
import { METRIC_TEXT } from '../../../common/stopping/monitor';
import { DEFAULT_ONSET_PARAMS, generalisationGap } from '../../../common/stopping/onset';
import type { StoppingRule } from '../../../common/stopping/rule-schema';
import {
  countsText,
  formatEpochs,
  placeText,
  stoppingTimeline,
} from '../../../common/stopping/timeline-outcome';
import type { EpochMetrics, EvalPoint } from '../../../common/types';
import type { PlotColors } from '../charts/plot-theme';
import { PlotlyChart } from '../charts/PlotlyChart';
import { formatDuration, formatMetric, formatPercent } from '../common/format';
import { defaultRuleFor } from '../stopping/rule-choice';
import { RuleControls } from '../stopping/RuleControls';
import {
  analyseRun,
  epochMarkers,
  gapLayout,
  gapTraces,
  markerText,
  monitoredKind,
  patienceLayout,
  patienceTraces,
  stoppingCurveLayout,
  type RunStoppingAnalysis,
} from './early-stopping-data';
import { runCurveTraces } from './run-chart-data';
import { WhatIfTable } from './WhatIfTable';

interface EarlyStoppingPanelProps {
  epochs: readonly EpochMetrics[];
  config: RunConfig;
  /** Set when the run's own rule ended it. */
  earlyStop: EarlyStopRecord | null;
  /** Evaluation points inside epochs (`training.evaluateEvery`) and the run's schedule. */
  points?: readonly EvalPoint[];
  schedule?: RunSchedule | null;
}

const NO_POINTS: readonly EvalPoint[] = [];

/**
 * Early stopping, replayed on the logged epochs: where the monitored metric was best, where overfitting set
 * in, where the chosen rule stops and what it keeps; what other rules would have done; the generalisation
 * gap. Starts on the run's own rule when it was trained with one. A run with evaluation points is replayed
 * on its evaluations (points and epoch ends), as live stopping reads them: patience counts evaluations, and
 * the best and the stop are named by step and epoch.
 */
export function EarlyStoppingPanel({
  epochs,
  config,
  earlyStop,
  points = NO_POINTS,
  schedule = null,
}: EarlyStoppingPanelProps) {
  const [rule, setRule] = useState<StoppingRule>(
    () =>
      config.training.earlyStopping ??
      // What the epochs logged decides once there are any; before the first, the split the config asks for.
      defaultRuleFor(
        epochs.length > 0 ? epochs.some((e) => e.valLoss !== null) : config.dataset.split.validation !== 0,
      ),
  );
  const timeline = useMemo(() => stoppingTimeline(schedule, epochs, points), [schedule, epochs, points]);
  const analysis = useMemo(
    () => analyseRun(epochs, rule, DEFAULT_ONSET_PARAMS, timeline),
    [epochs, rule, timeline],
  );
  // What the curves draw: every evaluation on a run with points (x its fractional epoch), else the epochs.
  const rows: readonly EpochMetrics[] = timeline ?? epochs;
  const [logY, setLogY] = useState(false);

  return (
    <section className="panel stopping-panel" aria-labelledby="stopping-heading" data-testid="stopping-panel">
      <h2 id="stopping-heading">Early stopping</h2>
      {earlyStop && (
        <p className="hint-box" data-testid="live-early-stop">
          Stopped early by its own rule, {earlyStop.rule}: {earlyStop.reason}.
        </p>
      )}
      <RuleControls rule={rule} onChange={setRule} />
      {timeline && schedule && (
        <p className="muted" data-testid="stopping-counts">
          {sentence(countsText(timeline, schedule))}; the best and the stop are named by step and epoch.
        </p>
      )}
      <StoppingSummary analysis={analysis} rule={rule} />
      {analysis.outcome.outcome !== 'unavailable' && (
        <>
          <label className="inline-check">
            <input
              type="checkbox"
              checked={logY}
              onChange={(e) => setLogY(e.target.checked)}
              data-testid="stopping-log-y"
            />
            log y on the curves
          </label>
          <div className="chart-grid">
            <MarkedCurves epochs={rows} analysis={analysis} rule={rule} logY={logY} />
            <GapChart epochs={rows} onPoints={timeline !== null} />
          </div>
          <h3>What if</h3>
          <p className="muted">
            Every rule below watches {METRIC_TEXT[rule.monitor]}
            {rule.smoothing.kind === 'ema' ? ` (EMA ${rule.smoothing.weight})` : ''}
            {timeline
              ? rule.restoreBest
                ? ' and keeps its best evaluation'
                : ' and keeps the evaluation it stops at'
              : rule.restoreBest
                ? ' and keeps its best epoch'
                : ' and keeps the epoch it stops at'}
            ; regret is the best test accuracy of the whole run minus the one kept.
            {timeline && ' Patience counts evaluations.'}
          </p>
          <WhatIfTable rows={analysis.whatIf} chosen={analysis.outcome.spec} onPoints={timeline !== null} />
          <PatienceChart analysis={analysis} />
        </>
      )}
    </section>
  );
}

function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function StoppingSummary({ analysis, rule }: { analysis: RunStoppingAnalysis; rule: StoppingRule }) {
  const { outcome, onset, best } = analysis;
  const kept = outcome.result;
  const at = outcome.at;
  const saved =
    at !== undefined
      ? `${formatEpochs(outcome.epochsSaved)} epoch${outcome.epochsSaved === 1 ? '' : 's'}`
      : `${outcome.epochsSaved} epoch${outcome.epochsSaved === 1 ? '' : 's'}`;
  return (
    <dl
      className="facts stopping-summary"
      data-testid="stopping-summary"
      data-best-epoch={best?.epoch ?? ''}
      data-onset-epoch={onset.epoch ?? ''}
      data-stop-epoch={outcome.stopEpoch ?? ''}
      data-restored-epoch={outcome.restoredEpoch ?? ''}
      {...(at !== undefined
        ? {
            'data-best-step': best?.at?.step ?? '',
            'data-stop-step': at.stop?.step ?? '',
            'data-restored-step': at.restored?.step ?? '',
          }
        : {})}
    >
      <div className="fact-pair">
        <dt>{at !== undefined ? 'Best evaluation' : 'Best epoch'}</dt>
        <dd data-testid="stopping-best">
          {best
            ? `${best.at ? placeText(best.at) : best.epoch} (${METRIC_TEXT[rule.monitor]} ${formatStoppingMetric(rule.monitor, best.value)})`
            : 'not logged'}
        </dd>
      </div>
      <div className="fact-pair">
        <dt>Overfitting onset</dt>
        <dd data-testid="stopping-onset">
          {onset.epoch !== null && at !== undefined ? `epoch ${onset.epoch}` : (onset.epoch ?? 'none')}{' '}
          <span className="muted">({onset.reason})</span>
        </dd>
      </div>
      <div className="fact-pair">
        <dt>{outcome.label}</dt>
        <dd data-testid="stopping-reason">
          {outcome.stopEpoch === null
            ? 'never stops'
            : at !== undefined
              ? `stops after ${placeText(at.stop)}`
              : `stops after epoch ${outcome.stopEpoch}`}{' '}
          <span className="muted">({outcome.reason})</span>
        </dd>
      </div>
      {kept && outcome.outcome !== 'unavailable' && (
        <div className="fact-pair">
          <dt>{at !== undefined ? `Keeps ${placeText(at.result)}` : `Keeps epoch ${kept.epoch}`}</dt>
          <dd data-testid="stopping-kept">
            val loss {formatMetric(kept.valLoss)}, val acc {formatPercent(kept.valAcc)}, test loss{' '}
            {formatMetric(kept.testLoss)}, test acc {formatPercent(kept.testAcc)}; saves {saved}
            {outcome.evaluationsSaved !== undefined
              ? `, ${outcome.evaluationsSaved} evaluation${outcome.evaluationsSaved === 1 ? '' : 's'}`
              : ''}{' '}
            ({formatDuration(outcome.secondsSaved)})
          </dd>
        </div>
      )}
    </dl>
  );
}

function MarkedCurves({
  epochs,
  analysis,
  rule,
  logY,
}: {
  epochs: readonly EpochMetrics[];
  analysis: RunStoppingAnalysis;
  rule: StoppingRule;
  logY: boolean;
}) {
  const kind = monitoredKind(rule);
  const markers = useMemo(() => epochMarkers(analysis), [analysis]);
  const maxEpoch = epochs.at(-1)?.epoch ?? 1;
  const data = useCallback((colors: PlotColors) => runCurveTraces(epochs, kind, colors), [epochs, kind]);
  const layout = useMemo(
    () => stoppingCurveLayout(kind, maxEpoch, markers, logY),
    [kind, maxEpoch, markers, logY],
  );
  return (
    <div data-testid="stopping-curves">
      <PlotlyChart
        data={data}
        layout={layout}
        label={`${kind === 'loss' ? 'Loss' : 'Accuracy'} curves marked at ${markers.map((m) => (m.step === undefined ? `${m.label} epoch ${m.epoch}` : `${markerText(m)} (epoch ${formatEpochs(m.epoch)})`)).join(', ') || 'no epoch'}`}
        className="run-chart"
      />
    </div>
  );
}

function GapChart({ epochs, onPoints }: { epochs: readonly EpochMetrics[]; onPoints: boolean }) {
  const hasGap = useMemo(() => generalisationGap(epochs).some((g) => g.loss !== null), [epochs]);
  const data = useCallback((colors: PlotColors) => gapTraces(epochs, colors), [epochs]);
  const maxEpoch = epochs.at(-1)?.epoch ?? 1;
  const layout = useMemo(() => gapLayout(maxEpoch), [maxEpoch]);
  if (!hasGap)
    return (
      <div data-testid="gap-chart" className="chart-note">
        <h3>Generalisation gap</h3>
        <p className="muted" data-testid="gap-none">
          Nothing to show: the gap is validation minus training, and this run logs no validation metrics (its
          validation split is empty).
        </p>
      </div>
    );
  return (
    <div data-testid="gap-chart">
      <PlotlyChart
        data={data}
        layout={layout}
        label={`Generalisation gap: validation minus training loss and accuracy per ${onPoints ? 'evaluation' : 'epoch'}`}
        className="run-chart"
      />
    </div>
  );
}

function PatienceChart({ analysis }: { analysis: RunStoppingAnalysis }) {
  const data = useCallback((colors: PlotColors) => patienceTraces(analysis.whatIf, colors), [analysis]);
  const layout = useMemo(() => patienceLayout(analysis.whatIf, analysis.timeline !== null), [analysis]);
  return (
    <div data-testid="patience-chart" className="patience-chart">
      <PlotlyChart
        data={data}
        layout={layout}
        label="Test accuracy kept and epochs saved for each patience"
        className="run-chart"
      />
    </div>
  );
}
