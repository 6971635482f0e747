import { useId, useMemo, useState } from 'react';
import type { RunTableRow } from '../../../common/api/contract';
import { ErrorPanel, LoadingLine } from '../common/LoadState';
import { useLoad } from '../common/use-load';
import { useClient, useClientEvents } from '../client/client-context';
import { ExportArchivePanel } from './ExportArchivePanel';
import { plural, type ArchiveSelection } from './archive-text';

/** Every tag with how many runs carry it, most used first (ties by name). */
export function tagCounts(runs: readonly RunTableRow[]): { tag: string; runs: number }[] {
  const counts = new Map<string, number>();
  for (const run of runs) for (const tag of run.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  return [...counts]
    .map(([tag, n]) => ({ tag, runs: n }))
    .sort((a, b) => b.runs - a.runs || a.tag.localeCompare(b.tag));
}

const UNFINISHED = new Set(['queued', 'running']);

/**
 * Export from the Archives view: the runs of one tag, or every run. (A selection of runs exports from the
 * Runs view, a grid from its own page.)
 */
export function ExportFromStore() {
  const client = useClient();
  const id = useId();
  const runs = useLoad(() => client.call('runs.list', {}), 'runs');
  // An import, a deletion or a finished run elsewhere changes which runs (and tags) there are.
  useClientEvents((event) => {
    if (event.type === 'runs.changed' || event.type === 'run.status') void runs.reload();
  });
  const tags = useMemo(() => tagCounts(runs.data ?? []), [runs.data]);
  const [scope, setScope] = useState<'tag' | 'all'>('tag');
  const [tagChoice, setTagChoice] = useState<string | null>(null);
  const tag = tagChoice ?? tags[0]?.tag ?? null;
  const names = useMemo(() => new Map((runs.data ?? []).map((r) => [r.id, r.name])), [runs.data]);

  let body;
  if (!runs.data) {
    body = runs.error ? (
      <ErrorPanel title="Could not load runs" message={runs.error} onRetry={runs.reload} />
    ) : (
      <LoadingLine text="Loading runs…" />
    );
  } else if (runs.data.length === 0) {
    body = <p className="muted">No runs yet: nothing to export.</p>;
  } else {
    const effective = scope === 'tag' && tag === null ? 'all' : scope;
    const chosen =
      effective === 'tag' ? runs.data.filter((r) => tag !== null && r.tags.includes(tag)) : runs.data;
    const unfinished = chosen.filter((r) => UNFINISHED.has(r.status)).length;
    const selection: ArchiveSelection = effective === 'tag' && tag !== null ? { tag } : { all: true };
    const what =
      (effective === 'tag'
        ? `${plural(chosen.length, 'run')} tagged “${tag}”`
        : `Every run: ${plural(chosen.length, 'run')}`) +
      (unfinished > 0 ? ` (${unfinished} not finished yet)` : '');
    body = (
      <>
        <fieldset className="archive-scope">
          <legend>What to export</legend>
          <label className="inline-check">
            <input
              type="radio"
              name={`${id}-scope`}
              checked={effective === 'tag'}
              disabled={tags.length === 0}
              onChange={() => setScope('tag')}
              data-testid="archive-scope-tag"
            />
            Runs with the tag
          </label>
          <select
            aria-label="Tag"
            value={tag ?? ''}
            disabled={tags.length === 0}
            onChange={(e) => {
              setTagChoice(e.target.value);
              setScope('tag');
            }}
            data-testid="archive-tag"
          >
            {tags.length === 0 && <option value="">no tags yet</option>}
            {tags.map((t) => (
              <option key={t.tag} value={t.tag}>
                {t.tag} ({plural(t.runs, 'run')})
              </option>
            ))}
          </select>
          <label className="inline-check">
            <input
              type="radio"
              name={`${id}-scope`}
              checked={effective === 'all'}
              onChange={() => setScope('all')}
              data-testid="archive-scope-all"
            />
            Every run ({runs.data.length})
          </label>
        </fieldset>
        <ExportArchivePanel
          key={JSON.stringify(selection)}
          selection={selection}
          what={what}
          runNames={names}
        />
      </>
    );
  }

  return (
    <section
      className="panel archive-export-store"
      aria-labelledby={`${id}-heading`}
      data-testid="archive-export-store"
    >
      <h2 id={`${id}-heading`}>Export an archive</h2>
      <p className="hint">
        One <span className="mono">.wbx</span> file with finished runs, every epoch, their grids and
        experiments, to take to another machine or keep. Selected runs export from the Runs view, a grid from
        its page.
      </p>
      {body}
    </section>
  );
}
