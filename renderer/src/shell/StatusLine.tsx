import { useAppInfo } from '../common/app-info';

/** Which compute backend trains runs and how this window talks to the workbench. */
export function StatusLine() {
  const { info, error } = useAppInfo();
  let text: string;
  if (error) text = `Not connected: ${error}`;
  else if (!info) text = 'Connecting…';
  else
    text =
      `Backend ${info.backend.chosen} (${info.backend.tfjsBackend} ${info.backend.version}) · ` +
      `transport ${info.transport} · ${info.trainingWorkers} training worker${info.trainingWorkers === 1 ? '' : 's'} · ` +
      `v${info.appVersion}`;
  return (
    <footer className={error ? 'status-line status-line-error' : 'status-line'}>
      <span data-testid="status-line" aria-live="polite">
        {text}
      </span>
      {info && (
        <span className="status-db" title="Run store">
          {info.dbPath}
        </span>
      )}
    </footer>
  );
}
