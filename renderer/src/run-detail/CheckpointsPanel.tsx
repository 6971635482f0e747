import { policyOf, policyText } from '../../../common/checkpoints/policy';
import { formatBytes } from '../../../common/checkpoints/size-text';
import { formatDateTime } from '../common/format';
import { forkHref } from './fork-link';
import type { RunDetailData } from './live-run';

/**
 * The checkpoints the run keeps, what each is kept as (best, last, every K-th), whether it carries the
 * training state (optimizer slots and random streams, needed to continue exactly), its size and hash, and
 * "Fork from here" for each; with the run's resumes, so the history of the run as a process is on one page.
 */
export function CheckpointsPanel({ run }: { run: RunDetailData }) {
  const { checkpoints } = run;
  return (
    <section
      className="panel checkpoints-panel"
      aria-labelledby="checkpoints-heading"
      data-testid="checkpoints"
    >
      <h2 id="checkpoints-heading">Checkpoints</h2>
      <p className="muted" data-testid="checkpoints-summary">
        Policy: {policyText(policyOf(run.config))}.{' '}
        {checkpoints.length === 0
          ? 'No checkpoint is kept.'
          : `${checkpoints.length} kept, ${formatBytes(run.checkpointBytes)} in the store.`}
      </p>
      {checkpoints.length > 0 && (
        <table className="data-table checkpoint-table" data-testid="checkpoint-table">
          <thead>
            <tr>
              <th scope="col" className="num">
                Epoch
              </th>
              <th scope="col">Kept as</th>
              <th scope="col">Continues exactly</th>
              <th scope="col" className="num">
                Size
              </th>
              <th scope="col">SHA-256</th>
              <th scope="col">Fork</th>
            </tr>
          </thead>
          <tbody>
            {checkpoints.map((c) => (
              <tr key={c.epoch} data-testid="checkpoint-row" data-epoch={c.epoch}>
                <th scope="row" className="num">
                  {c.epoch}
                </th>
                <td>{c.kinds.join(', ')}</td>
                <td title="Optimizer slots and random streams are kept with the weights">
                  {c.trainingState ? 'yes' : 'weights only'}
                </td>
                <td className="num">{formatBytes(c.bytes)}</td>
                <td className="mono" title={`${c.sha256}, checked whenever it is read`}>
                  {c.sha256.slice(0, 12)}
                </td>
                <td>
                  <a href={forkHref(run.id, c.epoch)} data-testid="fork-from-checkpoint">
                    Fork from here
                  </a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {run.resumes.length > 0 && (
        <>
          <h3>Resumed</h3>
          <ul data-testid="resumes">
            {run.resumes.map((r) => (
              <li key={r.at}>
                {formatDateTime(r.at)}: from epoch {r.fromEpoch} to {r.epochs}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
