import type { CompareRun, DifferingParam } from '../../../common/compare/differing-params';
import type { MetricName } from '../../../common/types';
import { RunSwatch, type LegendRun } from './ChartLegend';

/**
 * Only the settings that differ: what the curves' differences can be blamed on. Each run's column is headed
 * by its line as the chart draws it, so a column can be matched to its curve without reading names.
 */
export function DifferingParamsTable({
  runs,
  params,
  legend,
  metrics,
}: {
  runs: readonly CompareRun[];
  params: DifferingParam[];
  legend: readonly LegendRun[];
  /** The charted metrics: a run with none of them has an empty key, as in the legend. */
  metrics: readonly MetricName[];
}) {
  if (runs.length < 2) return null;
  const styleOf = new Map(legend.map((l) => [l.id, l]));
  return (
    <section className="panel" aria-labelledby="differing-heading" data-testid="differing-params">
      <h2 id="differing-heading">Settings that differ</h2>
      {params.length === 0 ? (
        <p className="muted">The compared runs share every training setting (only names or tags differ).</p>
      ) : (
        <div className="table-scroller wide">
          <table className="data-table compact differing-table">
            <thead>
              <tr>
                <th scope="col">Setting</th>
                {runs.map((run) => {
                  const style = styleOf.get(run.id);
                  return (
                    <th key={run.id} scope="col" title={`${style?.label ?? run.name} (${run.id})`}>
                      <span className="run-key" data-testid="differing-run-key">
                        {style && <RunSwatch run={style} metrics={metrics} />}
                        {run.name}
                      </span>
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {params.map((param) => (
                <tr key={param.key}>
                  <th scope="row" title={param.key}>
                    {param.label}
                  </th>
                  {runs.map((run) => (
                    <td key={run.id} className="mono">
                      {param.values[run.id]}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
