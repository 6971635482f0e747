import { useMemo } from 'react';
import {
  analysisMetricLabel,
  formatAnalysisValue,
  metricText,
  rawAnalysisValue,
  type AnalysisMetric,
} from '../../../common/grid/analysis-value';
import { mainEffectImportance, type ImportanceResult } from '../../../common/grid/importance';
import type { GridDetail, GridPruningState } from '../../../common/grid/types';
import {
  rungImportanceCells,
  rungImportancePlan,
  rungRunIds,
  type RungImportancePlan,
} from './rung-importance';
import { useRunEpochs } from './use-grid-epochs';

/** A share as a percentage; a share too small to show as 0.1 % is not written as a flat 0. */
function percent(fraction: number): string {
  if (fraction > 0 && fraction < 0.0005) return '< 0.1 %';
  return `${(fraction * 100).toFixed(1)} %`;
}

function isSampled(spec: unknown): boolean {
  return typeof spec === 'object' && spec !== null && (spec as { sample?: unknown }).sample != null;
}

/**
 * Which axes matter, with the method named on screen: the exact main-effect variance decomposition of the
 * full grid, the interaction remainder, and the seed-to-seed spread beside it; or why it cannot be computed.
 * On a pruned grid the best and final values are over different numbers of epochs, so it decomposes the
 * monitored value at the earliest rung instead, which every cell reached (RungImportance).
 */
export function ImportancePanel({ grid, metric }: { grid: GridDetail; metric: AnalysisMetric }) {
  return (
    <section className="panel importance-panel" aria-labelledby="importance-heading" data-testid="importance">
      <h2 id="importance-heading">Parameter importance</h2>
      {grid.pruning ? (
        <RungImportance grid={grid} pruning={grid.pruning} metric={metric} />
      ) : (
        <FullGridImportance grid={grid} metric={metric} />
      )}
    </section>
  );
}

function FullGridImportance({ grid, metric }: { grid: GridDetail; metric: AnalysisMetric }) {
  const result = useMemo(
    () =>
      mainEffectImportance(
        grid.axes,
        grid.results.map((r) => ({ values: r.values, status: r.status, value: rawAnalysisValue(r, metric) })),
        { sampled: isSampled(grid.spec), repeats: grid.repeats },
      ),
    [grid, metric],
  );
  return (
    <>
      <MethodText grid={grid} what={`the ${analysisMetricLabel(metric)}`} />
      <ImportanceBody result={result} metric={metric} />
    </>
  );
}

function MethodText({ grid, what }: { grid: GridDetail; what: string }) {
  const shape = grid.axes.map((a) => a.values.length).join(' × ');
  const points = grid.axes.reduce((n, a) => n * a.values.length, 1);
  return (
    <p className="hint importance-method" data-testid="importance-method">
      Method: main-effect variance decomposition (functional ANOVA) of {what} over the full {shape} grid. For
      each axis, the variance across its levels of the mean at that level (averaged over every other axis
      {grid.repeats > 1 ? ' and over the seeds' : ''}), as a fraction of the variance of the {points} point
      means. Exact on a full grid: no model and no sampling;{' '}
      {grid.pruning ? 'every cell that logged that epoch counts.' : 'only completed runs count.'}
    </p>
  );
}

/** The monitored value at the grid's earliest rung, read from the epochs every cell logged up to there. */
function RungImportance({
  grid,
  pruning,
  metric,
}: {
  grid: GridDetail;
  pruning: GridPruningState;
  metric: AnalysisMetric;
}) {
  const plan = useMemo(() => rungImportancePlan(pruning), [pruning]);
  const runIds = useMemo(() => (plan ? rungRunIds(grid.results, plan.epoch) : []), [grid.results, plan]);
  const epochs = useRunEpochs(runIds, plan !== null);
  const result = useMemo(
    () =>
      plan && epochs.data
        ? mainEffectImportance(grid.axes, rungImportanceCells(grid.results, plan, epochs.data), {
            sampled: isSampled(grid.spec),
            repeats: grid.repeats,
          })
        : null,
    [grid, plan, epochs.data],
  );
  const rungMetric: AnalysisMetric | null = plan ? { at: 'best', metric: plan.monitor } : null;
  return (
    <>
      <p className="importance-pruned-note" data-testid="importance-pruned-note">
        This grid was pruned: its cells trained for different numbers of epochs, so the importance of the{' '}
        {analysisMetricLabel(metric)} would compare values over unequal training and mean nothing.
      </p>
      {plan === null || rungMetric === null ? (
        <div className="importance-unavailable" data-testid="importance-unavailable">
          <p>
            <strong>Cannot be computed:</strong> no bracket of this grid has a rung, so there is no epoch
            before the end that every cell reached while the others were pruned.
          </p>
        </div>
      ) : (
        <>
          <p className="hint" data-testid="importance-rung">
            Instead: the {metricText(plan.monitor)} at epoch {plan.epoch}, {rungWhere(pruning, plan)}.
          </p>
          <MethodText grid={grid} what={`the ${metricText(plan.monitor)} at epoch ${plan.epoch}`} />
          {result ? (
            <ImportanceBody result={result} metric={rungMetric} />
          ) : epochs.error ? (
            <p className="error-text" role="alert">
              Could not load the epochs at the rung: {epochs.error}
            </p>
          ) : (
            <p className="muted" role="status">
              Loading every cell’s epoch {plan.epoch}…
            </p>
          )}
        </>
      )}
    </>
  );
}

/** Which rung the epoch is, and why every cell has it. */
function rungWhere(pruning: GridPruningState, plan: RungImportancePlan): string {
  if (pruning.spec.kind === 'successive-halving')
    return 'the first rung, which every cell reaches before any is pruned';
  const brackets = plan.brackets.map((b) => `s = ${b}`).join(', ');
  return (
    `the first rung of Hyperband bracket ${brackets} and the earliest of the grid: ` +
    `every other bracket trains its cells further before its first rung (bracket s = 0, without rungs, to ` +
    `the full ${pruning.fullEpochs}), so every cell of every bracket reaches it`
  );
}

function ImportanceBody({ result, metric }: { result: ImportanceResult; metric: AnalysisMetric }) {
  if (!result.ok) {
    return (
      <div className="importance-unavailable" data-testid="importance-unavailable">
        <p>
          <strong>Cannot be computed:</strong> {result.reason}.
        </p>
        {result.examples.length > 0 && (
          <ul className="hint">
            {result.examples.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        )}
      </div>
    );
  }
  return (
    <>
      <ul className="importance-bars">
        {[...result.axes]
          .sort((a, b) => b.fraction - a.fraction)
          .map((axis) => (
            <li
              key={axis.path}
              data-testid="importance-axis"
              data-path={axis.path}
              data-fraction={axis.fraction}
            >
              <span className="importance-label" title={axis.path}>
                {axis.label}
              </span>
              <span className="importance-bar" aria-hidden="true">
                <span style={{ width: `${Math.max(0, Math.min(1, axis.fraction)) * 100}%` }} />
              </span>
              <span className="num importance-value">{percent(axis.fraction)}</span>
              <span className="hint importance-levels">
                {axis.levels < 2
                  ? 'one level: not varied'
                  : axis.levelMeans
                      .map((l) => `${l.label} → ${formatAnalysisValue(l.mean, metric)}`)
                      .join(' · ')}
              </span>
            </li>
          ))}
        <li data-testid="importance-interactions" data-fraction={result.interactionFraction}>
          <span className="importance-label">interactions</span>
          <span className="importance-bar interactions" aria-hidden="true">
            <span style={{ width: `${Math.min(1, result.interactionFraction) * 100}%` }} />
          </span>
          <span className="num importance-value">{percent(result.interactionFraction)}</span>
          <span className="hint importance-levels">what no single axis explains: axes acting together</span>
        </li>
      </ul>
      <p className="hint" data-testid="importance-seeds">
        {result.seeds
          ? `Seed-to-seed spread: sd ${formatAnalysisValue(result.seeds.pooledSd, metric)} (pooled within points, ${result.seeds.degreesOfFreedom} degrees of freedom); seeds account for ${percent(result.seeds.seedFraction)} of the variance across all ${result.runs} runs. Seed noise left in the point means is ≈ ${percent(result.seeds.noiseFraction)} of the variance above: shares smaller than that cannot be told from noise.`
          : 'One seed per point: the seed-to-seed spread is unknown, so these shares may include seed noise. Add repeats to measure it.'}
        {result.pointsMissingSeeds > 0 &&
          ` ${result.pointsMissingSeeds} point${result.pointsMissingSeeds === 1 ? ' averages' : 's average'} fewer seeds than asked (the others failed or are unfinished).`}
      </p>
    </>
  );
}
