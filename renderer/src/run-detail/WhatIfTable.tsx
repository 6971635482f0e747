import { formatEpochs, placeText } from '../../../common/stopping/timeline-outcome';
import type { WhatIfRow } from '../../../common/stopping/what-if';
import type { OnTimeline } from './early-stopping-data';
import { formatDuration, formatMetric, formatPercent, MISSING } from '../common/format';

/** Points of accuracy, e.g. 0.0042 → "0.42 pts". */
function formatPoints(value: number | null): string {
  return value === null ? MISSING : `${(value * 100).toFixed(2)} pts`;
}

/**
 * Each rule replayed on the logged epochs: where it stops, the epoch it keeps, that epoch's metrics, how far
 * its test accuracy is from the best the run ever reached (regret) and what it saves. The row of the rule
 * chosen above is marked. On a run with points (`onPoints`) the rules were replayed on its evaluations:
 * where each stops and what it keeps is an evaluation, named by step and epoch, and the epochs it saves
 * are fractional.
 */
export function WhatIfTable({
  rows,
  chosen,
  onPoints = false,
}: {
  rows: readonly (WhatIfRow & OnTimeline)[];
  chosen: string;
  onPoints?: boolean;
}) {
  return (
    <div className="table-scroller what-if-scroller">
      <table className="data-table compact" data-testid="what-if-table">
        <caption className="visually-hidden">What each stopping rule would have done on this run</caption>
        <thead>
          <tr>
            <th scope="col">Rule</th>
            <th scope="col" className="num">
              Stops after
            </th>
            <th scope="col" className="num">
              {onPoints ? 'Keeps' : 'Keeps epoch'}
            </th>
            <th scope="col" className="num">
              Val loss
            </th>
            <th scope="col" className="num">
              Val acc
            </th>
            <th scope="col" className="num">
              Test loss
            </th>
            <th scope="col" className="num">
              Test acc
            </th>
            <th scope="col" className="num" title="Best test accuracy of the whole run minus the one kept">
              Regret
            </th>
            <th scope="col" className="num">
              Epochs saved
            </th>
            <th scope="col" className="num">
              Time saved
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => {
            const isChosen = row.spec === chosen;
            return (
              <tr
                key={row.spec}
                data-testid="what-if-row"
                data-rule={row.spec}
                className={isChosen ? 'chosen' : undefined}
                aria-current={isChosen ? 'true' : undefined}
                title={row.reason}
              >
                <th scope="row" className="mono">
                  {row.spec}
                </th>
                {onPoints && row.at ? (
                  <>
                    <td className="num" data-col="stop" data-step={row.at.stop?.step ?? ''}>
                      {placeText(row.at.stop, 'never')}
                    </td>
                    <td className="num" data-col="kept" data-step={row.at.result?.step ?? ''}>
                      {placeText(row.at.result, MISSING)}
                    </td>
                  </>
                ) : (
                  <>
                    <td className="num" data-col="stop">
                      {row.stopEpoch ?? 'never'}
                    </td>
                    <td className="num" data-col="kept">
                      {row.resultEpoch ?? MISSING}
                    </td>
                  </>
                )}
                <td className="num">{formatMetric(row.result?.valLoss)}</td>
                <td className="num">{formatPercent(row.result?.valAcc)}</td>
                <td className="num">{formatMetric(row.result?.testLoss)}</td>
                <td className="num" data-col="test-acc">
                  {formatPercent(row.result?.testAcc)}
                </td>
                <td className="num" data-col="regret">
                  {formatPoints(row.testAccRegret)}
                </td>
                <td
                  className="num"
                  data-col="saved"
                  title={
                    onPoints && row.evaluationsSaved !== undefined
                      ? `${row.evaluationsSaved} evaluation${row.evaluationsSaved === 1 ? '' : 's'}`
                      : undefined
                  }
                >
                  {onPoints ? formatEpochs(row.epochsSaved) : row.epochsSaved}
                </td>
                <td className="num">{formatDuration(row.secondsSaved)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
