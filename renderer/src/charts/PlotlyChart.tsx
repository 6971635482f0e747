import type { Config, Data, Layout } from 'plotly.js-dist-min';
import { useEffect, useRef, useState } from 'react';
import { useTheme } from '../common/theme';
import { canDrawCharts, loadPlotly, type PlotlyApi } from './plotly-loader';
import { readPlotColors, themedLayout, type PlotColors } from './plot-theme';

const CONFIG: Partial<Config> = { responsive: true, displaylogo: false };

interface PlotlyChartProps {
  /** Traces; receives the theme colours so lines can adapt to the background. */
  data: (colors: PlotColors) => Data[];
  layout: Partial<Layout>;
  /** Accessible name of the chart; the numbers are also in a table next to every chart. */
  label: string;
  className?: string;
  /** Milliseconds Plotly.react took, after every draw. */
  onDrawn?: (ms: number) => void;
}

/**
 * A Plotly chart in a div this component owns: Plotly.react updates it in place on every data change (no
 * re-creation, so zoom and hover survive live updates), and it is purged on unmount.
 */
export function PlotlyChart({ data, layout, label, className, onDrawn }: PlotlyChartProps) {
  const element = useRef<HTMLDivElement>(null);
  const plotly = useRef<PlotlyApi | null>(null);
  const { theme } = useTheme();
  const [failure, setFailure] = useState<string | null>(null);
  const latestOnDrawn = useRef(onDrawn);
  useEffect(() => {
    latestOnDrawn.current = onDrawn;
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
