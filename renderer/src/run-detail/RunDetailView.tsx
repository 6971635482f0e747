import { useMemo, useState } from 'react';
import type { RunStatus } from '../../../common/types';
import { ErrorPanel, LoadingLine } from '../common/LoadState';
import { StatusBadge } from '../common/StatusBadge';
import { TagEditor } from '../common/TagEditor';
import { CheckpointsPanel } from './CheckpointsPanel';
import { EarlyStoppingPanel } from './EarlyStoppingPanel';
import { EpochTable } from './EpochTable';
import { forkHref } from './fork-link';
import { Lineage } from './Lineage';
import { FirstLayerPanel } from './FirstLayerPanel';
import { LayersPanel } from './LayersPanel';
import { ModelPanel } from './ModelPanel';
import type { RunDetailData } from './live-run';
import { ProgressPanel } from './ProgressPanel';
import { ReproRecord } from './ReproRecord';
import { RunActions } from './RunActions';
import type { CurveContext } from './run-chart-data';
import { RunCharts } from './RunCharts';
import { useLiveRun } from './use-live-run';
import { useParentRun } from './use-parent-run';

const LIVE: readonly RunStatus[] = ['queued', 'running'];
const FAILED: readonly RunStatus[] = ['failed', 'diverged', 'interrupted'];

export function RunDetailView({ runId }: { runId: string }) {
  const run = useLiveRun(runId);
  const { detail } = run;
  const parent = useParentRun(detail);
  const [pickedEpoch, setPickedEpoch] = useState<number | null>(null);
  const checkpoints = detail?.checkpoints;
  const forkEpoch = detail?.parent?.epoch;
  const context = useMemo<CurveContext>(
    () => ({
      parentEpochs: parent?.epochs,
      forkEpoch,
      keptEpochs: checkpoints?.map((c) => c.epoch),
    }),
    [parent, forkEpoch, checkpoints],
  );

  if (!detail) {
    if (run.error)
      return <ErrorPanel title="Could not load the run" message={run.error} onRetry={run.reload} />;
    return <LoadingLine text="Loading run…" />;
  }
  const live = LIVE.includes(detail.status);

  return (
    <article className="view run-detail" aria-labelledby="run-heading">
      <header className="run-header">
        <div>
          <h1 id="run-heading">{detail.name}</h1>
          <p className="run-meta">
            <StatusBadge status={detail.status} testId="run-status" />
            <span data-testid="run-backend">backend {detail.backend ?? 'not chosen yet'}</span>
            <span data-testid="epochs-done">
              {run.epochs.at(-1)?.epoch ?? 0}/{detail.epochsPlanned ?? '?'} epochs
              {detail.parent && ` (from ${detail.parent.epoch + 1}, forked)`}
            </span>
            {detail.earlyStop && (
              <span data-testid="early-stop-badge" title={detail.earlyStop.reason}>
                stopped early after{' '}
                {detail.earlyStop.at
                  ? `step ${detail.earlyStop.at.stopStep} (epoch ${detail.earlyStop.at.stopEpoch.toFixed(2)})`
                  : `epoch ${detail.earlyStop.stopEpoch}`}{' '}
                ({detail.earlyStop.rule})
              </span>
            )}
          </p>
        </div>
        <RunActions run={detail} loggedEpochs={run.epochs.at(-1)?.epoch ?? 0} />
      </header>

      {run.error && (
        <p className="error-text" role="alert">
          Refreshing failed: {run.error}
        </p>
      )}
      {FAILED.includes(detail.status) && (
        <div className="error-panel" role="alert" data-testid="run-error">
          <h2>Run {detail.status}</h2>
          <p>{detail.error ?? 'No error message was recorded.'}</p>
        </div>
      )}
      {live && (
        <ProgressPanel
          runId={detail.id}
          runName={detail.name}
          status={detail.status}
          epochs={run.epochs}
          planned={detail.epochsPlanned}
          progress={run.progress}
        />
      )}

      <Tags run={detail} onSaved={() => void run.reload()} />
      <Lineage run={detail} parentName={parent?.name ?? null} />
      <RunCharts
        epochs={run.epochs}
        points={run.points}
        schedule={run.schedule}
        status={detail.status}
        context={context}
        onPickKeptEpoch={setPickedEpoch}
      />
      {pickedEpoch !== null && (
        <p className="fork-pick" role="status" data-testid="fork-pick">
          Epoch {pickedEpoch} keeps its checkpoint.{' '}
          <a href={forkHref(detail.id, pickedEpoch)} data-testid="fork-picked">
            Fork from epoch {pickedEpoch}
          </a>{' '}
          <button type="button" className="link-button" onClick={() => setPickedEpoch(null)}>
            Dismiss
          </button>
        </p>
      )}
      {(run.epochs.length > 0 || run.points.length > 0) && (
        <EarlyStoppingPanel
          epochs={run.epochs}
          points={run.points}
          schedule={run.schedule}
          config={detail.config}
          earlyStop={detail.earlyStop}
        />
      )}
      <ModelPanel run={detail} epochs={run.epochs} />
      <LayersPanel run={detail} />
      <FirstLayerPanel run={detail} />

      <section aria-labelledby="epochs-heading">
        <h2 id="epochs-heading">Epochs</h2>
        <EpochTable epochs={run.epochs} runId={detail.id} checkpoints={detail.checkpoints} />
      </section>

      <CheckpointsPanel run={detail} />

      <div className="detail-grid">
        <ReproRecord run={detail} />
        <section className="panel" aria-labelledby="config-heading">
          <h2 id="config-heading">Config</h2>
          <details>
            <summary>Full config (resolved, as stored)</summary>
            <pre className="config-json" data-testid="run-config">
              {JSON.stringify(detail.config, null, 2)}
            </pre>
          </details>
        </section>
      </div>
    </article>
  );
}

function Tags({ run, onSaved }: { run: RunDetailData; onSaved: () => void }) {
  const [editing, setEditing] = useState(false);
  if (editing) {
    return (
      <TagEditor
        runId={run.id}
        runName={run.name}
        tags={run.tags}
        onSaved={() => {
          setEditing(false);
          onSaved();
        }}
        onCancel={() => setEditing(false)}
      />
    );
  }
  return (
    <p className="tags-line">
      <span className="muted">Tags:</span>{' '}
      {run.tags.length === 0 ? (
        <span className="muted">none</span>
      ) : (
        run.tags.map((t) => (
          <span className="tag" key={t}>
            {t}
          </span>
        ))
      )}{' '}
      <button type="button" className="link-button" onClick={() => setEditing(true)} data-testid="edit-tags">
        Edit tags
      </button>
    </p>
  );
}
