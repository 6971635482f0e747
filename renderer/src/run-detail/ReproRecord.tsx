import { formatDateTime } from '../common/format';
import type { RunDetailData } from './live-run';

/** Everything needed to reproduce the run, and to tell why a re-run might differ. */
export function ReproRecord({ run }: { run: RunDetailData }) {
  const report = run.backendReport;
  const versions = Object.entries(run.versions).filter(([, v]) => v !== null);
  return (
    <section className="panel" aria-labelledby="repro-heading" data-testid="repro-record">
      <h2 id="repro-heading">Reproducibility record</h2>
      <dl className="facts">
        <dt>Run id</dt>
        <dd className="mono">{run.id}</dd>
        <dt>Experiment</dt>
        <dd>{run.experiment}</dd>
        <dt>Seed</dt>
        <dd>{run.seed}</dd>
        <dt>Dataset</dt>
        <dd>
          {run.datasetId}{' '}
          <span className="mono muted" title="SHA-256 of the dataset">
            {run.datasetFingerprint}
          </span>
        </dd>
        <dt>Backend</dt>
        <dd>
          {run.backend ?? 'not started'}
          {report && (
            <span className="muted">
              {' '}
              ({report.tfjsBackend} {report.version})
            </span>
          )}
        </dd>
        <dt>App version</dt>
        <dd>{run.appVersion}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(run.createdAt)}</dd>
        <dt>Started</dt>
        <dd data-testid="started-at">
          {run.startedAt ? formatDateTime(run.startedAt) : run.status === 'queued' ? 'not yet (queued)' : '—'}
        </dd>
        <dt>Finished</dt>
        <dd>
          {run.finishedAt
            ? formatDateTime(run.finishedAt)
            : run.status === 'running' || run.status === 'queued'
              ? 'not yet'
              : '—'}
        </dd>
        <dt>Host</dt>
        <dd>{run.ownerHost ?? '—'}</dd>
      </dl>
      {versions.length > 0 && (
        <details>
          <summary>Versions ({versions.length})</summary>
          <dl className="facts">
            {versions.map(([name, version]) => (
              <div key={name} className="fact-pair">
                <dt>{name}</dt>
                <dd className="mono">{version}</dd>
              </div>
            ))}
          </dl>
        </details>
      )}
    </section>
  );
}
