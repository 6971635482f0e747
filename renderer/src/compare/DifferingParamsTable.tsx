import type { CompareRun, DifferingParam } from '../../../common/compare/differing-params';

/** Only the settings that differ: what the curves' differences can be blamed on. */
export function DifferingParamsTable({
  runs,
  params,
}: {
  runs: readonly CompareRun[];
  params: DifferingParam[];
}) {
  if (runs.length < 2) return null;
  return (
    <section className="panel" aria-labelledby="differing-heading" data-testid="differing-params">
      <h2 id="differing-heading">Settings that differ</h2>
      {params.length === 0 ? (
        <p className="muted">The compared runs share every training setting (only names or tags differ).</p>
      ) : (
        <div className="table-scroller wide">
          <table className="data-table compact">
            <thead>
              <tr>
                <th scope="col">Setting</th>
                {runs.map((run) => (
                  <th key={run.id} scope="col" title={run.id}>
                    {run.name}
                  </th>
                ))}
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
