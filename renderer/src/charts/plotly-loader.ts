import type * as PlotlyTypes from 'plotly.js-dist-min';

export type PlotlyApi = typeof PlotlyTypes.default;

let loading: Promise<PlotlyApi> | null = null;

/**
 * Plotly is large (megabytes): it is loaded on the first chart, as its own chunk from 'self' (the CSP allows
 * no other script source), so the runs table comes up without waiting for it.
 *
 * It is Plotly's "strict" bundle: the WebGL traces (the grid view's parallel coordinates) are drawn by regl,
 * which in the regular bundle compiles its shaders' JavaScript with `new Function`, and the CSP has no
 * 'unsafe-eval'; there Plotly shows "WebGL is not supported" instead of the chart. The strict bundle is the
 * same plotly.js with that code generated ahead of time.
 */
export function loadPlotly(): Promise<PlotlyApi> {
  loading ??= import('plotly.js-strict-dist-min').then((module) => {
    // For `npm run bench:ui`: when the bundle was ready, on the page's own clock.
    performance.mark('workbench:plotly-loaded');
    return module.default;
  });
  return loading;
}

/**
 * Plotly needs a real layout engine and canvas text metrics; jsdom (component tests) has neither, and lacks
 * matchMedia, which Plotly also uses. There the chart stays an empty, labelled box and tests check the data
 * fed to it instead.
 */
export function canDrawCharts(): boolean {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function';
}
