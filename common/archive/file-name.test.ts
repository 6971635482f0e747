import { describe, expect, it } from 'vitest';
import { archiveFileName, fileSlug } from './file-name';

const day = new Date('2025-03-04T10:00:00Z');

describe('archive file names', () => {
  it('names a grid’s archive after the grid, as a safe slug', () => {
    expect(archiveFileName({ grid: 'E5 small' }, day)).toBe('e5-small-2025-03-04.wbx');
    expect(archiveFileName({ grid: 'λ sweep / lr: Café' }, day)).toBe('sweep-lr-cafe-2025-03-04.wbx');
    expect(archiveFileName({ grid: '///' }, day)).toBe('workbench-grid-2025-03-04.wbx');
  });

  it('names tags and chosen runs as before', () => {
    expect(archiveFileName({ tag: 'moved' }, day)).toBe('workbench-tag-moved-2025-03-04.wbx');
    expect(archiveFileName({ tag: '../x' }, day)).toBe('workbench-tag-x-2025-03-04.wbx');
    expect(archiveFileName({ runs: true }, day)).toBe('workbench-runs-2025-03-04.wbx');
  });

  it('keeps slugs short and without dashes at the ends', () => {
    const slug = fileSlug(`${'a'.repeat(79)} b c`);
    expect(slug.length).toBeLessThanOrEqual(80);
    expect(slug.endsWith('-')).toBe(false);
  });
});
