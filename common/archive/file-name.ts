import { slugify } from '../text/slug';

/**
 * The name an exported archive is offered under: a grid's archive under the grid's name
 * ("e5-small-2025-03-04.wbx"), a tag's under the tag ("workbench-tag-moved-2025-03-04.wbx"), chosen runs
 * as "workbench-runs-2025-03-04.wbx". Names become safe slugs: lower-case letters, digits and dashes, so
 * the file survives every file system, shell and download folder.
 */
export type ArchiveSubject = { grid: string } | { tag: string } | { runs: true };

/** "E5 small (λ × lr)" → "e5-small-l-lr"; "" where nothing usable is left. */
export function fileSlug(name: string): string {
  return slugify(name).slice(0, 80).replace(/-+$/, '');
}

export function archiveFileName(subject: ArchiveSubject, date: Date): string {
  const day = date.toISOString().slice(0, 10);
  if ('grid' in subject) return `${fileSlug(subject.grid) || 'workbench-grid'}-${day}.wbx`;
  if ('tag' in subject) {
    const tag = fileSlug(subject.tag);
    return `workbench-tag${tag ? `-${tag}` : ''}-${day}.wbx`;
  }
  return `workbench-runs-${day}.wbx`;
}
