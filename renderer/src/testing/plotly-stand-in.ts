/**
 * Plotly needs a real browser; in component tests this stand-in takes its place (see `mockPlotly` below). It
 * records what each chart was asked to draw, by the chart's accessible name, and lets a test raise Plotly
 * events on a chart, as brushing a parcoords axis does.
 */
export interface DrawnChart {
  data: unknown[];
  layout: Record<string, unknown>;
  handlers: Map<string, (payload: unknown) => void>;
}

const charts = new Map<Element, DrawnChart>();

export const plotlyStandIn = {
  charts,
  api: {
    react: (div: Element, data: unknown[], layout: Record<string, unknown>) => {
      const drawn = charts.get(div) ?? { data, layout, handlers: new Map() };
      Object.assign(drawn, { data, layout });
      charts.set(div, drawn);
      (div as unknown as { on: (name: string, fn: (p: unknown) => void) => void }).on = (name, fn) =>
        drawn.handlers.set(name, fn);
      return Promise.resolve(div);
    },
    purge: () => {},
  },
  /** The chart whose accessible name matches; fails the test if none was drawn. */
  chart(label: RegExp): DrawnChart {
    const found = [...charts].find(([div]) => label.test(div.getAttribute('aria-label') ?? ''));
    if (!found) throw new Error(`no chart drawn matching ${label}`);
    return found[1];
  },
};

/** What `vi.mock('../charts/plotly-loader', mockPlotly)` puts in place of the loader. */
export function mockPlotly() {
  return { canDrawCharts: () => true, loadPlotly: () => Promise.resolve(plotlyStandIn.api) };
}
