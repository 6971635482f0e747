import type { RunStatus } from '../../../common/types';

/** The status word itself is the label (colour is a second cue, never the only one). */
export function StatusBadge({ status, testId }: { status: RunStatus; testId?: string }) {
  return (
    <span className={`badge badge-${status}`} data-testid={testId}>
      {status}
    </span>
  );
}
