import type { RunTableRow } from '../../../common/api/contract';

/** `grid:e5`, `grid:"E5 small"`, or any other word. */
const TOKEN = /grid:"[^"]*"?|\S+/g;

/**
 * Every word must appear in the run's name, tags, dataset, status, experiment, model kind or grid name;
 * `grid:<name>` (quoted when it has spaces) matches the grid's name or id only.
 */
export function matchesRunFilter(row: RunTableRow, text: string, gridName?: string | null): boolean {
  const words = text.toLowerCase().match(TOKEN) ?? [];
  if (words.length === 0) return true;
  const grid = row.gridId === null ? '' : [gridName ?? '', row.gridId].join('\u0000').toLowerCase();
  const haystack = [
    row.name,
    row.datasetId,
    row.status,
    row.experiment,
    row.modelKind,
    ...row.tags,
    gridName ?? '',
  ]
    .join('\u0000')
    .toLowerCase();
  return words.every((word) => {
    if (!word.startsWith('grid:')) return haystack.includes(word);
    const wanted = word.slice('grid:'.length).replace(/^"|"$/g, '');
    return row.gridId !== null && grid.includes(wanted);
  });
}

/** Key hyperparameters as one line: "hidden 1000 · momentum · lr 1e-5". */
export function hyperText(row: Pick<RunTableRow, 'hyper'>): string {
  return Object.entries(row.hyper)
    .map(([key, value]) => (key === 'optimizer' ? value : `${key} ${value}`))
    .join(' · ');
}
