import { useCallback, useId, useMemo } from 'react';
import {
  analysisMetricKey,
  analysisMetricShort,
  lowerIsBetter,
  type AnalysisMetric,
} from '../../../common/grid/analysis-value';
import {
  constraintsFromRestyle,
  describeConstraint,
  type ParcoordsConstraints,
  type ParcoordsData,
} from '../../../common/grid/parcoords';
import type { PlotColors } from '../charts/plot-theme';
import { PlotlyChart } from '../charts/PlotlyChart';
import { svgToPng } from '../compare/exports';
import { ExportActions } from '../common/ExportActions';
import { fileStem, parcoordsSvg } from './grid-exports';
import { parcoordsLayout, parcoordsTraces } from './parcoords-chart-data';

interface GridParcoordsProps {
  gridName: string;
  data: ParcoordsData;
  /** Runs inside the brush, of all drawn. */
  shown: number;
  colourBy: AnalysisMetric;
  /** Metrics that may get an axis, and those that have one. */
  available: readonly AnalysisMetric[];
  chosen: readonly AnalysisMetric[];
  onChosenChange: (metrics: AnalysisMetric[]) => void;
  constraints: ParcoordsConstraints;
  onConstraintsChange: (constraints: ParcoordsConstraints) => void;
}

/**
 * One line per run across every grid axis and the chosen metrics. Brushing an axis (dragging along it)
 * filters the results table to the runs inside; the brush survives live updates because it is state here
 * and handed back to Plotly on every draw.
 */
export function GridParcoords(props: GridParcoordsProps) {
  const {
    gridName,
    data,
    shown,
    colourBy,
    available,
    chosen,
    onChosenChange,
    constraints,
    onConstraintsChange,
  } = props;
  const id = useId();
  const lower = lowerIsBetter(colourBy);
  const traces = useCallback(
    (colors: PlotColors) => parcoordsTraces(data, constraints, lower, colors),
    [data, constraints, lower],
  );
  const layout = useMemo(() => parcoordsLayout(), []);
  const events = useMemo(
    () => ({
      plotly_restyle: (payload: unknown) => {
        const update = Array.isArray(payload) ? payload[0] : payload;
        const changes = constraintsFromRestyle(update);
        if (changes.length === 0) return;
        const next: Record<string, ReadonlyArray<readonly [number, number]>> = { ...constraints };
        for (const { dimension, ranges } of changes) {
          const key = data.dimensions[dimension]?.key;
          if (!key) continue;
          if (ranges.length === 0) delete next[key];
          else next[key] = ranges;
        }
        onConstraintsChange(next);
      },
    }),
    [constraints, data, onConstraintsChange],
  );
  const brushed = data.dimensions.filter((d) => (constraints[d.key]?.length ?? 0) > 0);
  const stem = fileStem(gridName);

  return (
    <section className="panel parcoords-panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Parallel coordinates</h2>
      <fieldset className="parcoords-metrics">
        <legend>Metric axes</legend>
        {available.map((m) => {
          const key = analysisMetricKey(m);
          const on = chosen.some((c) => analysisMetricKey(c) === key);
          return (
            <label key={key} className="inline-check">
              <input
                type="checkbox"
                checked={on}
                data-testid={`parcoords-metric-${key}`}
                onChange={(e) =>
                  onChosenChange(
                    e.target.checked
                      ? available.filter(
                          (a) => a === m || chosen.some((c) => analysisMetricKey(c) === analysisMetricKey(a)),
                        )
                      : chosen.filter((c) => analysisMetricKey(c) !== key),
                  )
                }
              />
              {analysisMetricShort(m)}
            </label>
          );
        })}
      </fieldset>
      <div
        className="parcoords-chart"
        data-testid="parcoords"
        data-lines={data.lines.length}
        data-dimensions={data.dimensions.map((d) => d.key).join(' ')}
      >
        <PlotlyChart
          data={traces}
          layout={layout}
          events={events}
          afterPaint
          label={`Parallel coordinates of ${data.lines.length} runs, coloured by ${analysisMetricShort(colourBy)}`}
        />
      </div>
      <p className="hint" data-testid="parcoords-note">
        One line per completed run, coloured by {analysisMetricShort(colourBy)} ({lower ? 'lower' : 'higher'}{' '}
        is better). Drag along an axis to filter the results table.
        {data.notDrawn > 0 &&
          ` ${data.notDrawn} run${data.notDrawn === 1 ? ' has' : 's have'} no result yet (unfinished or failed) and ${data.notDrawn === 1 ? 'is' : 'are'} not drawn.`}
      </p>
      {brushed.length > 0 && (
        <p className="brush-note" data-testid="brush-note">
          Showing {shown} of {data.lines.length} runs:{' '}
          {brushed.map((d) => describeConstraint(d, constraints[d.key])).join('; ')}.{' '}
          <button
            type="button"
            className="link-button"
            onClick={() => onConstraintsChange({})}
            data-testid="clear-brush"
          >
            Clear
          </button>
        </p>
      )}
      <ExportActions
        label="Export the parallel coordinates"
        disabled={data.lines.length === 0}
        items={[
          {
            label: 'Parallel coordinates SVG',
            testId: 'export-parcoords-svg',
            fileName: `${stem}-parallel-coordinates.svg`,
            mimeType: 'image/svg+xml',
            make: () => parcoordsSvg(gridName, data, constraints, colourBy),
          },
          {
            label: 'Parallel coordinates PNG',
            testId: 'export-parcoords-png',
            fileName: `${stem}-parallel-coordinates.png`,
            mimeType: 'image/png',
            make: () => svgToPng(parcoordsSvg(gridName, data, constraints, colourBy)),
          },
        ]}
      />
    </section>
  );
}
