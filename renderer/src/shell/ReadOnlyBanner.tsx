import { useAppInfo } from '../common/app-info';

/** Says, on every view, that nothing here can change the store, and which file is being looked at. */
export function ReadOnlyBanner() {
  const { info } = useAppInfo();
  if (!info?.readOnly) return null;
  return (
    <div className="read-only-banner" role="note" data-testid="read-only-banner">
      <strong>Read-only:</strong> <span className="mono">{info.dbPath}</span>
      <span className="muted">
        {' '}
        — runs can be viewed, compared and exported; nothing can be started, imported or deleted.
      </span>
    </div>
  );
}
