import { METRIC_LABELS } from '../../../common/compare/comparison';
import { DASHES } from '../../../common/plot/series-style';
import type { MetricName } from '../../../common/types';

export interface LegendRun {
  id: string;
  label: string;
  /** The run's line style in the chart (that of its first metric). */
  color: string;
  dash: string;
  /** Charted metrics this run has no value of (a run without a validation split has no validation loss). */
  missing: MetricName[];
  /** Why, when it is known: "no validation split". */
  missingReason?: string;
}

interface ChartLegendProps {
  runs: readonly LegendRun[];
  metrics: readonly MetricName[];
  hidden: ReadonlySet<string>;
  onToggle: (runId: string) => void;
}

/**
 * The chart's legend as HTML: readable at any number of runs, and each entry is a toggle button that hides
 * or shows that run's curves (keyboard-usable, unlike Plotly's own legend). A run with nothing to show for
 * a charted metric says so, instead of sitting in the legend as if one of the curves were its.
 */
export function ChartLegend({ runs, metrics, hidden, onToggle }: ChartLegendProps) {
  return (
    <div className="chart-legend">
      <ul className="legend-runs" aria-label="Runs (press to hide or show)">
        {runs.map((run) => {
          const nothing = run.missing.length > 0 && run.missing.length === metrics.length;
          return (
            <li key={run.id}>
              <button
                type="button"
                className={nothing ? 'legend-item legend-item-empty' : 'legend-item'}
                aria-pressed={!hidden.has(run.id)}
                onClick={() => onToggle(run.id)}
                data-testid="legend-item"
                data-run-id={run.id}
                data-empty={nothing ? 'true' : undefined}
              >
                <RunSwatch run={run} metrics={metrics} />
                {run.label}
                {run.missing.length > 0 && (
                  <span className="legend-note" data-testid="legend-missing">
                    {nothing ? 'nothing to show: ' : ''}
                    no {run.missing.map((m) => METRIC_LABELS[m]).join(' or ')}
                    {run.missingReason ? ` (${run.missingReason})` : ''}
                  </span>
                )}
              </button>
            </li>
          );
        })}
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

/** The run's line: its colour and dash, as in the chart and the export. */
export function LineSwatch({ color, dash }: { color: string; dash: string }) {
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

/** The run's line, or an empty box where it draws nothing at all (so no colour suggests a curve). */
export function RunSwatch({ run, metrics }: { run: LegendRun; metrics: readonly MetricName[] }) {
  const nothing = run.missing.length > 0 && run.missing.length === metrics.length;
  return nothing ? <EmptySwatch /> : <LineSwatch color={run.color} dash={run.dash} />;
}

/** No line at all: the run draws nothing. */
function EmptySwatch() {
  return (
    <svg className="legend-swatch" width="28" height="10" aria-hidden="true">
      <rect x="1" y="1" width="26" height="8" fill="none" stroke="currentColor" strokeDasharray="2 2" />
    </svg>
  );
}
