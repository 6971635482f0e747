import { useCallback, useId, useMemo, useState } from 'react';
import { describeHeatmapCell, gridHeatmap, markText, type OtherAxis } from '../../../common/grid/heatmap';
import { axisLevels, axisTitle, levelKey } from '../../../common/grid/levels';
import type { GridDetail } from '../../../common/grid/types';
import type { PlotColors } from '../charts/plot-theme';
import { PlotlyChart } from '../charts/PlotlyChart';
import { svgToPng } from '../compare/exports';
import { ExportActions } from '../common/ExportActions';
import { fileStem, heatmapSvg } from './grid-exports';
import { heatmapLayout, heatmapTraces, type HeatmapTitles } from './heatmap-chart-data';
import type { HeatmapColour, HeatmapMeasure } from './heatmap-measure';

const MEAN = '@mean';

/** The heatmap's "Colour by" choice: the analysed metric or an early-stopping quantity. */
export interface HeatmapColourChoice {
  value: HeatmapColour;
  options: ReadonlyArray<{ value: HeatmapColour; label: string; disabled?: boolean }>;
  onChange: (value: HeatmapColour) => void;
  /** Why the values are not there yet (epochs still loading) or could not be read. */
  note?: string | null;
}

/**
 * A measure over any two axes; every other axis averaged or held at a value the user picks, repeats
 * always averaged. The same matrix goes to the screen, the table under it and the SVG / PNG export.
 */
export function GridHeatmap({
  grid,
  measure,
  colour,
}: {
  grid: GridDetail;
  measure: HeatmapMeasure;
  colour?: HeatmapColourChoice;
}) {
  const id = useId();
  const axes = grid.axes;
  const [x, setX] = useState(axes[axes.length > 1 ? 1 : 0].path);
  const [y, setY] = useState<string | null>(axes.length > 1 ? axes[0].path : null);
  const [others, setOthers] = useState<Record<string, OtherAxis>>({});

  const matrix = useMemo(
    () =>
      gridHeatmap(
        axes,
        grid.results.map((r) => ({
          values: r.values,
          status: r.status,
          value: measure.value(r),
          runId: r.runId,
          prunedAt: r.pruning?.prunedAt ?? null,
        })),
        { x, y, others },
      ),
    [axes, grid.results, measure, x, y, others],
  );
  const titles: HeatmapTitles = useMemo(
    () => ({
      x: axisTitle(matrix.x.axis),
      y: matrix.y ? axisTitle(matrix.y.axis) : '',
      value: measure.short,
    }),
    [matrix, measure],
  );
  const lower = measure.lowerIsBetter;
  const traces = useCallback(
    (colors: PlotColors) => heatmapTraces(matrix, measure.format, titles, lower, colors),
    [matrix, measure, titles, lower],
  );
  const layout = useMemo(() => heatmapLayout(matrix, titles, lower), [matrix, titles, lower]);

  const chooseX = (path: string) => {
    if (path === y) setY(x);
    setX(path);
  };
  const chooseY = (path: string) => {
    if (path === x) setX(y ?? axes.find((a) => a.path !== path)!.path);
    setY(path === '' ? null : path);
  };
  const stem = fileStem(grid.name);
  const rest = axes.filter((a) => a.path !== x && a.path !== y);

  return (
    <section className="panel heatmap-panel" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>Heatmap</h2>
      <div className="heatmap-controls">
        {colour && (
          <label className="field-inline">
            Colour by
            <select
              value={colour.value}
              onChange={(e) => colour.onChange(e.target.value as HeatmapColour)}
              data-testid="heatmap-colour"
            >
              {colour.options.map((o) => (
                <option key={o.value} value={o.value} disabled={o.disabled}>
                  {o.label}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="field-inline">
          Columns
          <select value={x} onChange={(e) => chooseX(e.target.value)} data-testid="heatmap-x">
            {axes.map((a) => (
              <option key={a.path} value={a.path}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
        <label className="field-inline">
          Rows
          <select value={y ?? ''} onChange={(e) => chooseY(e.target.value)} data-testid="heatmap-y">
            <option value="">none (one row)</option>
            {axes.map((a) => (
              <option key={a.path} value={a.path}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
        {rest.map((axis) => {
          const rule = others[axis.path];
          const levels = axisLevels(axis);
          return (
            <label className="field-inline" key={axis.path}>
              {axis.label}
              <select
                value={rule?.kind === 'fixed' ? levelKey(rule.value) : MEAN}
                data-testid="heatmap-other"
                data-path={axis.path}
                onChange={(e) => {
                  const value = e.target.value;
                  setOthers((current) => ({
                    ...current,
                    [axis.path]:
                      value === MEAN
                        ? { kind: 'mean' }
                        : { kind: 'fixed', value: levels.values[levels.indexOf(JSON.parse(value))] },
                  }));
                }}
              >
                <option value={MEAN}>mean over all</option>
                {levels.values.map((v, i) => (
                  <option key={levelKey(v)} value={levelKey(v)}>
                    = {levels.labels[i]}
                  </option>
                ))}
              </select>
            </label>
          );
        })}
      </div>
      {colour?.note && (
        <p className="muted" role="status" data-testid="heatmap-note">
          {colour.note}
        </p>
      )}
      <div
        className="heatmap-chart"
        data-testid="heatmap"
        data-x={x}
        data-y={y ?? ''}
        data-colour={colour?.value ?? 'analysed'}
      >
        <PlotlyChart
          data={traces}
          layout={layout}
          label={`Heatmap of ${measure.short} over ${titles.x}${matrix.y ? ` and ${titles.y}` : ''}`}
        />
      </div>
      <p className="hint" data-testid="heatmap-caption">
        {[
          `${measure.description}, ${lower ? 'lower' : 'higher'} is better; outlined: best`,
          ...matrix.reductions,
          grid.repeats > 1 ? `mean over ${grid.repeats} seeds` : null,
          'hatched: failed or diverged; …: still to run; —: not in the grid; *: mean over fewer runs',
          matrix.rows.some((row) => row.some((c) => (c.outcomes.pruned ?? 0) > 0))
            ? 'pruned @r, dotted: ended by the rung at epoch r, its best over those r epochs left uncoloured (hover for it)'
            : null,
        ]
          .filter(Boolean)
          .join('. ')}
        .
      </p>
      <ExportActions
        label="Export the heatmap"
        disabled={matrix.range === null}
        items={[
          {
            label: 'Heatmap SVG',
            testId: 'export-heatmap-svg',
            fileName: `${stem}-heatmap.svg`,
            mimeType: 'image/svg+xml',
            make: () => heatmapSvg(grid.name, matrix, measure),
          },
          {
            label: 'Heatmap PNG',
            testId: 'export-heatmap-png',
            fileName: `${stem}-heatmap.png`,
            mimeType: 'image/png',
            make: () => svgToPng(heatmapSvg(grid.name, matrix, measure)),
          },
        ]}
      />
      <details className="heatmap-table">
        <summary>The heatmap as a table</summary>
        <table className="data-table compact" data-testid="heatmap-table">
          <thead>
            <tr>
              <th scope="col">
                {matrix.y ? `${matrix.y.axis.label} \\ ${matrix.x.axis.label}` : matrix.x.axis.label}
              </th>
              {matrix.x.labels.map((l) => (
                <th key={l} scope="col" className="num">
                  {l}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {matrix.rows
              .map((row, j) => (
                <tr key={j}>
                  <th scope="row">{matrix.y?.labels[j] ?? ''}</th>
                  {row.map((cell, i) => (
                    <td key={i} className="num" title={describeHeatmapCell(cell)} data-mark={cell.mark}>
                      {cell.value !== null
                        ? measure.format(cell.value) + (cell.mark === 'partial' ? '*' : '')
                        : markText(cell)}
                    </td>
                  ))}
                </tr>
              ))
              .reverse()}
          </tbody>
        </table>
      </details>
    </section>
  );
}
