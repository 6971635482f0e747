import { useState } from 'react';
import type { RunStatus } from '../../../common/types';
import { useClient } from '../client/client-context';
import { errorMessage } from '../client/errors';
import { routeHref } from '../routing/route';
import { navigate } from '../routing/use-route';
import { forkHref } from './fork-link';
import type { RunDetailData } from './live-run';

/** Stopped before its planned epochs: resuming goes on from the last checkpoint in the same run. */
const RESUMABLE: readonly RunStatus[] = ['interrupted', 'failed', 'cancelled'];

/**
 * What can be done with the run as a whole: train it again, continue it in place (Resume for a run that
 * stopped early, Extend for a completed one), fork it from its last kept epoch, compare it. Continuing needs
 * the training state of the last logged epoch; where it is missing the button is not offered and a line
 * says why, instead of a click that can only be refused.
 */
export function RunActions({ run, loggedEpochs }: { run: RunDetailData; loggedEpochs: number }) {
  const client = useClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [extending, setExtending] = useState(false);
  const [extendTo, setExtendTo] = useState('');

  const last = run.checkpoints.find((c) => c.epoch === loggedEpochs);
  const canContinue = loggedEpochs === 0 || last?.trainingState === true;
  const resumable = RESUMABLE.includes(run.status);
  const extendable = run.status === 'completed';
  const lastKept = run.checkpoints.at(-1);

  async function act(call: () => Promise<string>) {
    setBusy(true);
    setError(null);
    try {
      const runId = await call();
      navigate({ name: 'run', runId });
      setBusy(false);
      setExtending(false);
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  }

  const rerun = () => act(async () => (await client.call('runs.rerun', { runId: run.id })).runId);
  const resume = (epochs?: number) =>
    act(
      async () => (await client.call('runs.resume', { runId: run.id, ...(epochs ? { epochs } : {}) })).runId,
    );
  const extendTarget = Number(extendTo);
  const extendProblem =
    !Number.isInteger(extendTarget) || extendTarget <= loggedEpochs
      ? `a whole number of epochs in all, more than the ${loggedEpochs} logged`
      : null;

  return (
    <div className="run-actions">
      {resumable && canContinue && (
        <button
          type="button"
          className="button-primary"
          data-testid="resume-run"
          onClick={() => void resume()}
          disabled={busy}
          title={`Continue from epoch ${loggedEpochs} to ${run.config.training.epochs}, in this run`}
        >
          Resume from epoch {loggedEpochs}
        </button>
      )}
      {extendable && canContinue && !extending && (
        <button
          type="button"
          data-testid="extend-run"
          onClick={() => {
            setExtendTo(String(loggedEpochs * 2));
            setExtending(true);
          }}
          disabled={busy}
        >
          Extend…
        </button>
      )}
      {extending && (
        <form
          className="extend-form"
          onSubmit={(event) => {
            event.preventDefault();
            if (!extendProblem) void resume(extendTarget);
          }}
        >
          <label>
            Train on to{' '}
            <input
              type="number"
              min={loggedEpochs + 1}
              step={1}
              value={extendTo}
              onChange={(event) => setExtendTo(event.target.value)}
              data-testid="extend-epochs"
              aria-invalid={extendProblem !== null}
              aria-describedby="extend-hint"
            />{' '}
            epochs in all
          </label>
          <button type="submit" className="button-primary" disabled={busy || extendProblem !== null}>
            Extend
          </button>
          <button type="button" className="link-button" onClick={() => setExtending(false)}>
            Cancel
          </button>
          <span id="extend-hint" className={extendProblem ? 'error-text' : 'muted'}>
            {extendProblem
              ? `Expected ${extendProblem}.`
              : extendTarget === loggedEpochs + 1
                ? `Epoch ${extendTarget} is added to this run.`
                : `Epochs ${loggedEpochs + 1}–${extendTarget} are added to this run.`}
          </span>
        </form>
      )}
      <button type="button" data-testid="rerun" onClick={() => void rerun()} disabled={busy}>
        Re-run identical
      </button>
      {lastKept && (
        <a className="button" href={forkHref(run.id, lastKept.epoch)} data-testid="fork-run">
          Fork…
        </a>
      )}
      <a className="button" href={routeHref({ name: 'compare', ids: [run.id] })} data-testid="compare-with">
        Compare with…
      </a>
      {(resumable || extendable) && !canContinue && (
        <p className="muted" data-testid="no-continue">
          {run.checkpoints.length === 0
            ? 'No checkpoint kept'
            : `Epoch ${loggedEpochs} has no training state kept`}
          , so this run cannot {extendable ? 'be extended' : 'resume'}: re-run it
          {lastKept ? `, or fork it from epoch ${lastKept.epoch}` : ''}.
        </p>
      )}
      {error && (
        <p className="error-text" role="alert" data-testid="action-error">
          {error}
        </p>
      )}
    </div>
  );
}
