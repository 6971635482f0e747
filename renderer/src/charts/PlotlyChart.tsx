import type { Config, Data, Layout } from 'plotly.js-dist-min';
import { useEffect, useRef, useState } from 'react';
import { useTheme } from '../common/theme';
import { canDrawCharts, loadPlotly, type PlotlyApi } from './plotly-loader';
import { readPlotColors, themedLayout, type PlotColors } from './plot-theme';
import { useSeen } from './use-seen';

/**
 * An offline research tool never offers to send data anywhere, and offers one way to export a figure:
 * - Plotly 4 adds a "Share chart…" button (upload to Plotly Cloud, at `plotlyServerURL`) unless told not
 *   to: switched off, removed by name, and its destination emptied so nothing could be posted even if a
 *   later Plotly brought the button back another way.
 * - Its camera button ("Download plot as a PNG") would be a second PNG export beside the publication
 *   figure's Export PNG, of the screen styling and without the legend: removed, as is "Download as JSON".
 * Plotly's other network features (map tiles, topojson for geo traces) belong to trace types the workbench
 * never draws; the CSP (connect-src 'self') refuses them in any case.
 */
export const PLOTLY_CONFIG: Partial<Config> = {
  responsive: true,
  displaylogo: false,
  showSendToCloud: false,
  plotlyServerURL: '',
  modeBarButtonsToRemove: [
    'sendChartToCloud',
    'toImage',
    'downloadJson',
    'lasso2d',
    'select2d',
  ] as NonNullable<Config['modeBarButtonsToRemove']>,
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
  /**
   * Draw first after the view around it has been painted: for a WebGL chart, whose contexts take long to
   * create where the GPU is missing or slow, so the rest of the view is not held up behind it.
   */
  afterPaint?: boolean;
  /** Plotly events by name (e.g. `plotly_restyle`, which a parcoords brush raises); the latest handlers are called. */
  events?: Readonly<Record<string, (data: unknown) => void>>;
}

/** What Plotly adds to the div it draws in: an event emitter. */
interface PlotlyElement extends HTMLDivElement {
  on?: (name: string, handler: (data: unknown) => void) => void;
}

/**
 * A Plotly chart in a div this component owns: Plotly.react updates it in place on every data change (no
 * re-creation, so zoom and hover survive live updates), and it is purged on unmount. It first draws when it
 * comes near the viewport, so a chart further down a long view costs nothing until it is scrolled to.
 */
export function PlotlyChart({
  data,
  layout,
  label,
  className,
  onDrawn,
  events,
  afterPaint = false,
}: PlotlyChartProps) {
  const element = useRef<HTMLDivElement>(null);
  const plotly = useRef<PlotlyApi | null>(null);
  const { theme } = useTheme();
  const [failure, setFailure] = useState<string | null>(null);
  const seen = useSeen(element);
  const near = seen === 'near';
  // How long the last draw took, on the element too: tests and `npm run bench:ui` read when a chart has drawn.
  const [drawMs, setDrawMs] = useState<number | null>(null);
  const latestOnDrawn = useRef(onDrawn);
  const latestEvents = useRef(events);
  const boundEvents = useRef(new Set<string>());
  useEffect(() => {
    latestOnDrawn.current = onDrawn;
    latestEvents.current = events;
  });

  useEffect(() => {
    const div = element.current;
    if (!div || !canDrawCharts() || !near) return;
    let cancelled = false;
    loadPlotly()
      .then(async (api) => {
        if (afterPaint && !plotly.current) await afterTheRest();
        if (cancelled) return;
        plotly.current = api;
        const colors = readPlotColors(div);
        const started = performance.now();
        await api.react(div, data(colors), themedLayout(layout, colors), PLOTLY_CONFIG);
        // Plotly makes the div an event emitter on its first draw; each event is bound once per div.
        const emitter = div as PlotlyElement;
        for (const name of Object.keys(latestEvents.current ?? {})) {
          if (boundEvents.current.has(name) || !emitter.on) continue;
          boundEvents.current.add(name);
          emitter.on(name, (payload) => latestEvents.current?.[name]?.(payload));
        }
        if (cancelled) return;
        const ms = performance.now() - started;
        setDrawMs(ms);
        latestOnDrawn.current?.(ms);
      })
      .catch((error: unknown) => {
        if (!cancelled) setFailure(error instanceof Error ? error.message : String(error));
      });
    return () => {
      cancelled = true;
    };
  }, [data, layout, theme, near, afterPaint]);

  useEffect(() => {
    const div = element.current;
    return () => {
      if (div && plotly.current) plotly.current.purge(div);
    };
  }, []);

  return (
    <div
      className={className ? `chart ${className}` : 'chart'}
      data-draw-ms={drawMs === null ? undefined : drawMs.toFixed(1)}
      data-waiting={seen === 'far' ? 'off-screen' : undefined}
    >
      <div ref={element} className="chart-canvas" role="figure" aria-label={label} />
      {failure && (
        <p className="error-text" role="alert">
          The chart could not be drawn: {failure}
        </p>
      )}
    </div>
  );
}

/**
 * Resolves once the browser is idle: the view around the chart rendered, its other charts drawn and painted.
 * Not later than a second from now, in case something keeps the browser busy.
 */
function afterTheRest(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 1000 });
    else requestAnimationFrame(() => setTimeout(resolve, 0));
  });
}
