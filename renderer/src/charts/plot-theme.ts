import type { Dash, Layout } from 'plotly.js-dist-min';
import { PALETTE } from '../../../common/plot/series-style';

/** Colours of the current theme, read from the CSS variables that style the rest of the page. */
export interface PlotColors {
  fg: string;
  muted: string;
  grid: string;
}

export function readPlotColors(element: Element): PlotColors {
  const style = getComputedStyle(element);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    fg: read('--fg', '#1b1f24'),
    muted: read('--muted', '#5b6470'),
    grid: read('--border', '#d5dae1'),
  };
}

/** Theme colours layered under a chart's own layout (axis objects are merged, not replaced). */
export function themedLayout(layout: Partial<Layout>, colors: PlotColors): Partial<Layout> {
  const axis = {
    gridcolor: colors.grid,
    zerolinecolor: colors.grid,
    linecolor: colors.grid,
    automargin: true,
  };
  // Stacked panels have axes of their own (yaxis2, …): themed like the first.
  const extraAxes = Object.fromEntries(
    Object.entries(layout)
      .filter(([key]) => /^[xy]axis\d+$/.test(key))
      .map(([key, value]) => [key, { ...axis, ...(value as object) }]),
  );
  return {
    autosize: true,
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    font: { family: 'system-ui, -apple-system, "Segoe UI", sans-serif', size: 12, color: colors.fg },
    // The top margin holds the title (left), the mode bar (top right) and the legend (right, above the plot).
    margin: { l: 56, r: 16, t: 64, b: 48 },
    hoverlabel: { namelength: -1 },
    ...layout,
    // Above the plot, right-aligned: below it, the legend collides with the x-axis title.
    legend: { orientation: 'h', x: 1, xanchor: 'right', y: 1.02, yanchor: 'bottom', ...layout.legend },
    xaxis: { ...axis, ...layout.xaxis },
    yaxis: { ...axis, ...layout.yaxis },
    ...extraAxes,
  };
}

/** The shared palette's black is invisible on the dark background: it becomes the text colour there. */
export function lineColor(color: string, colors: PlotColors): string {
  return color === '#000000' ? colors.fg : color;
}

export { PALETTE };

/**
 * '7 4' (SVG stroke-dasharray, as the SVG export writes it) → '7px,4px', the dash-length list Plotly
 * accepts at run time (its types list only the named dashes); '' → solid.
 */
export function plotlyDash(dash: string): Dash {
  const parts = dash.trim().split(/\s+/).filter(Boolean);
  return (parts.length === 0 ? 'solid' : parts.map((p) => `${p}px`).join(',')) as Dash;
}

/** Epoch axes: a step of one while few epochs are shown (Plotly would otherwise tick at 1.5, 2.5). */
export function epochTicks(maxEpoch: number): Partial<Layout['xaxis']> {
  return maxEpoch <= 10 ? { dtick: 1, tick0: 1 } : {};
}
