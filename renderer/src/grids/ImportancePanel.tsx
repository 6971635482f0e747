import { useMemo } from 'react';
import {
  analysisMetricLabel,
  formatAnalysisValue,
  rawAnalysisValue,
  type AnalysisMetric,
} from '../../../common/grid/analysis-value';
import { mainEffectImportance } from '../../../common/grid/importance';
import type { GridDetail } from '../../../common/grid/types';

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
 */
export function ImportancePanel({ grid, metric }: { grid: GridDetail; metric: AnalysisMetric }) {
  const result = useMemo(
    () =>
      mainEffectImportance(
        grid.axes,
        grid.results.map((r) => ({ values: r.values, status: r.status, value: rawAnalysisValue(r, metric) })),
        { sampled: isSampled(grid.spec), repeats: grid.repeats },
      ),
    [grid, metric],
  );
  const label = analysisMetricLabel(metric);
  const shape = grid.axes.map((a) => a.values.length).join(' × ');
  const points = grid.axes.reduce((n, a) => n * a.values.length, 1);

  return (
    <section className="panel importance-panel" aria-labelledby="importance-heading" data-testid="importance">
      <h2 id="importance-heading">Parameter importance</h2>
      <p className="hint importance-method" data-testid="importance-method">
        Method: main-effect variance decomposition (functional ANOVA) of the {label} over the full {shape}{' '}
        grid. For each axis, the variance across its levels of the mean at that level (averaged over every
        other axis
        {grid.repeats > 1 ? ' and over the seeds' : ''}), as a fraction of the variance of the {points} point
        means. Exact on a full grid: no model and no sampling; only completed runs count.
      </p>
      {!result.ok ? (
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
      ) : (
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
              <span className="hint importance-levels">
                what no single axis explains: axes acting together
              </span>
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
      )}
    </section>
  );
}
