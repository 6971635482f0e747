import type { CompareRun } from '../../../common/compare/differing-params';

/**
 * What the comparison should know about forks: epochs are drawn by their number, so a fork's curve starts
 * where it left its parent (N+1) and lines up with it; a fork whose parent is not selected can have it added.
 */
export function ForkLineageNote({
  runs,
  onAdd,
}: {
  runs: readonly CompareRun[];
  onAdd: (runId: string) => void;
}) {
  const names = new Map(runs.map((r) => [r.id, r.name]));
  const forks = runs.filter((r) => r.parent);
  if (forks.length === 0) return null;
  return (
    <ul className="hint-box fork-lineage" data-testid="compare-lineage">
      {forks.map((fork) => {
        const parent = fork.parent!;
        const parentName = names.get(parent.runId);
        return (
          <li key={fork.id}>
            {fork.name} is a fork of {parentName ?? `run ${parent.runId.slice(0, 8)}`} at epoch {parent.epoch}
            {parentName ? (
              `: its curve starts at epoch ${parent.epoch + 1}, where it left its parent.`
            ) : (
              <>
                .{' '}
                <button
                  type="button"
                  className="link-button"
                  onClick={() => onAdd(parent.runId)}
                  data-testid="add-parent"
                >
                  Add the parent
                </button>{' '}
                to see where it left it.
              </>
            )}
          </li>
        );
      })}
    </ul>
  );
}
