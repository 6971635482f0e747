import type { RunTableRow } from '../../../common/api/contract';

/** Every word must appear in the run's name, tags, dataset, status, experiment or model kind. */
export function matchesRunFilter(row: RunTableRow, text: string): boolean {
  const words = text
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w.length > 0);
  if (words.length === 0) return true;
  const haystack = [row.name, row.datasetId, row.status, row.experiment, row.modelKind, ...row.tags]
    .join('\u0000')
    .toLowerCase();
  return words.every((word) => haystack.includes(word));
}

/** Key hyperparameters as one line: "hidden 1000 · momentum · lr 1e-5". */
export function hyperText(row: Pick<RunTableRow, 'hyper'>): string {
  return Object.entries(row.hyper)
    .map(([key, value]) => (key === 'optimizer' ? value : `${key} ${value}`))
    .join(' · ');
}
