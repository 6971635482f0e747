/**
 * Line colours and dash patterns. Okabe & Ito's colour-blind-safe palette, without its yellow (#F0E442),
 * which is too faint for a thin line on white. Colour follows the run, so a run keeps its colour across
 * metrics; dashes tell metrics apart and, beyond the palette's seven colours, the next runs.
 */
export const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'] as const;

/** stroke-dasharray values; '' is solid. With the palette: 56 distinct lines before any repeats. */
export const DASHES = ['', '7 4', '2 3', '9 3 2 3', '1 5', '12 4 4 4', '6 2 1 2 1 2', '16 5'] as const;

export interface LineStyle {
  color: string;
  dash: string;
}

export function seriesStyles(series: ReadonlyArray<{ runId: string; metric: string }>): LineStyle[] {
  const runIndex = firstAppearance(series.map((s) => s.runId));
  const metricIndex = firstAppearance(series.map((s) => s.metric));
  const metrics = metricIndex.size;
  return series.map((s) => {
    const r = runIndex.get(s.runId) ?? 0;
    const m = metricIndex.get(s.metric) ?? 0;
    const cycle = Math.floor(r / PALETTE.length);
    return { color: PALETTE[r % PALETTE.length], dash: DASHES[(cycle * metrics + m) % DASHES.length] };
  });
}

function firstAppearance(keys: readonly string[]): Map<string, number> {
  const index = new Map<string, number>();
  for (const key of keys) if (!index.has(key)) index.set(key, index.size);
  return index;
}
