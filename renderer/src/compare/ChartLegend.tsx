import { METRIC_LABELS } from '../../../common/compare/comparison';
import { DASHES } from '../../../common/plot/series-style';
import type { MetricName } from '../../../common/types';

export interface LegendRun {
  id: string;
  label: string;
  /** The run's line style in the chart (that of its first metric). */
  color: string;
  dash: string;
}

interface ChartLegendProps {
  runs: readonly LegendRun[];
  metrics: readonly MetricName[];
  hidden: ReadonlySet<string>;
  onToggle: (runId: string) => void;
}

/**
 * The chart's legend as HTML: readable at any number of runs, and each entry is a toggle button that hides
 * or shows that run's curves (keyboard-usable, unlike Plotly's own legend).
 */
export function ChartLegend({ runs, metrics, hidden, onToggle }: ChartLegendProps) {
  return (
    <div className="chart-legend">
      <ul className="legend-runs" aria-label="Runs (press to hide or show)">
        {runs.map((run) => (
          <li key={run.id}>
            <button
              type="button"
              className="legend-item"
              aria-pressed={!hidden.has(run.id)}
              onClick={() => onToggle(run.id)}
              data-testid="legend-item"
            >
              <LineSwatch color={run.color} dash={run.dash} />
              {run.label}
            </button>
          </li>
        ))}
      </ul>
      {metrics.length > 1 && (
        <ul className="legend-metrics" aria-label="Line styles">
          {metrics.map((metric, i) => (
            <li key={metric}>
              <LineSwatch color="currentColor" dash={DASHES[i % DASHES.length]} />
              {METRIC_LABELS[metric]}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function LineSwatch({ color, dash }: { color: string; dash: string }) {
  // The palette's black would vanish on the dark background: it takes the text colour instead.
  const stroke = color === '#000000' ? 'currentColor' : color;
  return (
    <svg className="legend-swatch" width="28" height="10" aria-hidden="true">
      <line
        x1="0"
        y1="5"
        x2="28"
        y2="5"
        stroke={stroke}
        strokeWidth="3"
        strokeDasharray={dash || undefined}
      />
    </svg>
  );
}
