import { useCallback, useMemo, useState } from 'react';
import type { RunConfig } from '../../../common/config/run-config';
import type { EarlyStopRecord } from '../../../common/run-types';
import { formatMetric as formatStoppingMetric } from '../../../common/stopping/format';
import { METRIC_TEXT } from '../../../common/stopping/monitor';
import { generalisationGap } from '../../../common/stopping/onset';
import type { StoppingRule } from '../../../common/stopping/rule-schema';
import type { EpochMetrics } from '../../../common/types';
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
}

/**
 * Early stopping, replayed on the logged epochs: where the monitored metric was best, where overfitting set
 * in, where the chosen rule stops and what it keeps; what other rules would have done; the generalisation
 * gap. Starts on the run's own rule when it was trained with one.
 */
export function EarlyStoppingPanel({ epochs, config, earlyStop }: EarlyStoppingPanelProps) {
  const [rule, setRule] = useState<StoppingRule>(
    () =>
      config.training.earlyStopping ??
      // What the epochs logged decides once there are any; before the first, the split the config asks for.
      defaultRuleFor(
        epochs.length > 0 ? epochs.some((e) => e.valLoss !== null) : config.dataset.split.validation !== 0,
      ),
  );
  const analysis = useMemo(() => analyseRun(epochs, rule), [epochs, rule]);
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
            <MarkedCurves epochs={epochs} analysis={analysis} rule={rule} logY={logY} />
            <GapChart epochs={epochs} />
          </div>
          <h3>What if</h3>
          <p className="muted">
            Every rule below watches {METRIC_TEXT[rule.monitor]}
            {rule.smoothing.kind === 'ema' ? ` (EMA ${rule.smoothing.weight})` : ''}
            {rule.restoreBest ? ' and keeps its best epoch' : ' and keeps the epoch it stops at'}; regret is
            the best test accuracy of the whole run minus the one kept.
          </p>
          <WhatIfTable rows={analysis.whatIf} chosen={analysis.outcome.spec} />
          <PatienceChart analysis={analysis} />
        </>
      )}
    </section>
  );
}

function StoppingSummary({ analysis, rule }: { analysis: RunStoppingAnalysis; rule: StoppingRule }) {
  const { outcome, onset, best } = analysis;
  const kept = outcome.result;
  return (
    <dl
      className="facts stopping-summary"
      data-testid="stopping-summary"
      data-best-epoch={best?.epoch ?? ''}
      data-onset-epoch={onset.epoch ?? ''}
      data-stop-epoch={outcome.stopEpoch ?? ''}
      data-restored-epoch={outcome.restoredEpoch ?? ''}
    >
      <div className="fact-pair">
        <dt>Best epoch</dt>
        <dd data-testid="stopping-best">
          {best
            ? `${best.epoch} (${METRIC_TEXT[rule.monitor]} ${formatStoppingMetric(rule.monitor, best.value)})`
            : 'not logged'}
        </dd>
      </div>
      <div className="fact-pair">
        <dt>Overfitting onset</dt>
        <dd data-testid="stopping-onset">
          {onset.epoch ?? 'none'} <span className="muted">({onset.reason})</span>
        </dd>
      </div>
      <div className="fact-pair">
        <dt>{outcome.label}</dt>
        <dd data-testid="stopping-reason">
          {outcome.stopEpoch === null ? 'never stops' : `stops after epoch ${outcome.stopEpoch}`}{' '}
          <span className="muted">({outcome.reason})</span>
        </dd>
      </div>
      {kept && outcome.outcome !== 'unavailable' && (
        <div className="fact-pair">
          <dt>Keeps epoch {kept.epoch}</dt>
          <dd data-testid="stopping-kept">
            val loss {formatMetric(kept.valLoss)}, val acc {formatPercent(kept.valAcc)}, test loss{' '}
            {formatMetric(kept.testLoss)}, test acc {formatPercent(kept.testAcc)}; saves {outcome.epochsSaved}{' '}
            epoch{outcome.epochsSaved === 1 ? '' : 's'} ({formatDuration(outcome.secondsSaved)})
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
        label={`${kind === 'loss' ? 'Loss' : 'Accuracy'} curves marked at ${markers.map((m) => `${m.label} epoch ${m.epoch}`).join(', ') || 'no epoch'}`}
        className="run-chart"
      />
    </div>
  );
}

function GapChart({ epochs }: { epochs: readonly EpochMetrics[] }) {
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
        label="Generalisation gap: validation minus training loss and accuracy per epoch"
        className="run-chart"
      />
    </div>
  );
}

function PatienceChart({ analysis }: { analysis: RunStoppingAnalysis }) {
  const data = useCallback((colors: PlotColors) => patienceTraces(analysis.whatIf, colors), [analysis]);
  const layout = useMemo(() => patienceLayout(analysis.whatIf), [analysis]);
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
