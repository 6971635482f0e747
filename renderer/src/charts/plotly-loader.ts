import type * as PlotlyTypes from 'plotly.js-dist-min';

export type PlotlyApi = typeof PlotlyTypes.default;

let loading: Promise<PlotlyApi> | null = null;

/**
 * Plotly is large (megabytes): it is loaded on the first chart, as its own chunk from 'self' (the CSP allows
 * no other script source), so the runs table comes up without waiting for it.
 */
export function loadPlotly(): Promise<PlotlyApi> {
  loading ??= import('plotly.js-dist-min').then((module) => module.default);
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
