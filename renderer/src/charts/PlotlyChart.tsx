import type { Config, Data, Layout } from 'plotly.js-dist-min';
import { useEffect, useRef, useState } from 'react';
import { useTheme } from '../common/theme';
import { canDrawCharts, loadPlotly, type PlotlyApi } from './plotly-loader';
import { readPlotColors, themedLayout, type PlotColors } from './plot-theme';

/**
 * An offline tool never offers to upload: Plotly 4 shows a "Share chart…" (Plotly Cloud) button unless told
 * not to, so it is switched off and removed by name as well.
 */
const CONFIG: Partial<Config> = {
  responsive: true,
  displaylogo: false,
  showSendToCloud: false,
  modeBarButtonsToRemove: ['sendChartToCloud'],
};

interface PlotlyChartProps {
  /** Traces; receives the theme colours so lines can adapt to the background. */
  data: (colors: PlotColors) => Data[];
  layout: Partial<Layout>;
  /** Accessible name of the chart; the numbers are also in a table next to every chart. */
  label: string;
  className?: string;
  /** Milliseconds Plotly.react took, after every draw. */
  onDrawn?: (ms: number) => void;
  /** Plotly events by name (e.g. `plotly_restyle`, which a parcoords brush raises); the latest handlers are called. */
  events?: Readonly<Record<string, (data: unknown) => void>>;
}

/** What Plotly adds to the div it draws in: an event emitter. */
interface PlotlyElement extends HTMLDivElement {
  on?: (name: string, handler: (data: unknown) => void) => void;
}

/**
 * A Plotly chart in a div this component owns: Plotly.react updates it in place on every data change (no
 * re-creation, so zoom and hover survive live updates), and it is purged on unmount.
 */
export function PlotlyChart({ data, layout, label, className, onDrawn, events }: PlotlyChartProps) {
  const element = useRef<HTMLDivElement>(null);
  const plotly = useRef<PlotlyApi | null>(null);
  const { theme } = useTheme();
  const [failure, setFailure] = useState<string | null>(null);
  const latestOnDrawn = useRef(onDrawn);
  const latestEvents = useRef(events);
  const boundEvents = useRef(new Set<string>());
  useEffect(() => {
    latestOnDrawn.current = onDrawn;
    latestEvents.current = events;
  });

  useEffect(() => {
    const div = element.current;
    if (!div || !canDrawCharts()) return;
    let cancelled = false;
    loadPlotly()
      .then(async (api) => {
        if (cancelled) return;
        plotly.current = api;
        const colors = readPlotColors(div);
        const started = performance.now();
        await api.react(div, data(colors), themedLayout(layout, colors), CONFIG);
        // Plotly makes the div an event emitter on its first draw; each event is bound once per div.
        const emitter = div as PlotlyElement;
        for (const name of Object.keys(latestEvents.current ?? {})) {
          if (boundEvents.current.has(name) || !emitter.on) continue;
          boundEvents.current.add(name);
          emitter.on(name, (payload) => latestEvents.current?.[name]?.(payload));
        }
        if (!cancelled) latestOnDrawn.current?.(performance.now() - started);
      })
      .catch((error: unknown) => {
        if (!cancelled) setFailure(error instanceof Error ? error.message : String(error));
      });
    return () => {
      cancelled = true;
    };
  }, [data, layout, theme]);

  useEffect(() => {
    const div = element.current;
    return () => {
      if (div && plotly.current) plotly.current.purge(div);
    };
  }, []);

  return (
    <div className={className ? `chart ${className}` : 'chart'}>
      <div ref={element} className="chart-canvas" role="figure" aria-label={label} />
      {failure && (
        <p className="error-text" role="alert">
          The chart could not be drawn: {failure}
        </p>
      )}
    </div>
  );
}
