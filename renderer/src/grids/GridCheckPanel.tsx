import type { ConfigIssue } from '../../../common/api/contract';
import type { GridCheck } from '../../../common/grid/types';
import { formatDuration, formatInteger } from '../common/format';
import type { GridCheckState } from './use-grid-check';

type OkCheck = Extract<GridCheck, { ok: true }>;

/** What the grid will be: how many cells, how long, the first cells by name, and any cell that is wrong. */
export function GridCheckPanel({
  check,
  badCells,
}: {
  check: GridCheckState;
  badCells: readonly ConfigIssue[];
}) {
  const ok: OkCheck | null = check.lastOk;
  const current = check.fresh && check.result?.ok === true;
  return (
    <section
      className={current ? 'panel grid-check' : 'panel grid-check stale'}
      aria-labelledby="grid-check-heading"
      data-testid="grid-check"
    >
      <h2 id="grid-check-heading">The grid</h2>
      {ok ? (
        <>
          <p className="grid-size">
            <strong data-testid="grid-cell-count" data-cells={ok.cells}>
              {formatInteger(ok.cells)} cell{ok.cells === 1 ? '' : 's'}
            </strong>{' '}
            <span className="muted">({ok.axes.map((a) => `${a.label} ${a.values.length}`).join(' × ')})</span>
          </p>
          <p data-testid="grid-estimate">
            {ok.estimate
              ? `About ${formatDuration(ok.estimate.totalSeconds)} on ${ok.estimate.workers} worker${ok.estimate.workers === 1 ? '' : 's'} (${ok.estimate.secondsPerEpoch.toFixed(2)} s per epoch; ${ok.estimate.basis}).`
              : 'No time estimate: no earlier run of this model on this data on this machine.'}
          </p>
          {ok.preview.length > 0 && (
            <>
              <h3 className="hint">First cells</h3>
              <ol className="grid-preview" start={0}>
                {ok.preview.map((cell) => (
                  <li key={cell.index} data-testid="grid-preview-cell">
                    {cell.name}
                  </li>
                ))}
              </ol>
            </>
          )}
        </>
      ) : (
        <p className="muted">
          {check.error ? `Could not check the grid: ${check.error}` : 'Checking the grid…'}
        </p>
      )}
      {badCells.length > 0 && (
        <div className="bad-cells" role="alert">
          <h3>Cells that would not run</h3>
          <ul>
            {badCells.map((issue) => (
              <li
                key={`${issue.path}:${issue.message}`}
                className="field-error"
                data-testid="bad-cell"
                data-path={issue.path}
              >
                {issue.message}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
