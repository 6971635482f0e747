import type { Annotation, Data, Layout, Shape } from 'plotly.js-dist-min';
import {
  describeHeatmapCell,
  markText,
  type HeatmapCell,
  type HeatmapMatrix,
} from '../../../common/grid/heatmap';
import { plotlyColourscale } from '../../../common/plot/grid-colour-scale';
import { bestCell } from '../../../common/plot/grid-heatmap-svg';
import { levelTicks } from '../../../common/plot/ticks';
import type { PlotColors } from '../charts/plot-theme';

/**
 * Plotly traces for the heatmap, drawn as the SVG export draws it: levels at positions 0…n−1 labelled
 * with their real values (a log axis reads 1e-4, 0.001, 0.01; never "0"), viridis with a titled colour
 * bar, the value written in each cell, failed and diverged cells hatched and named, the best outlined. In a
 * pruned grid a cell whose runs a rung ended reads "pruned @r" inside a dotted outline, uncoloured: its best
 * is over r epochs, and colouring it beside cells trained to the end would compare unlike numbers.
 */

export interface HeatmapTitles {
  x: string;
  y: string;
  value: string;
}

export function heatmapTraces(
  matrix: HeatmapMatrix,
  format: (value: number) => string,
  titles: HeatmapTitles,
  lowerIsBetter: boolean,
  colors: PlotColors,
): Data[] {
  const xs = matrix.x.labels.map((_, i) => i);
  const ys = matrix.rows.map((_, j) => j);
  const yLabels = matrix.y?.labels ?? [''];
  const label = (i: number, j: number) =>
    [`${titles.x} = ${matrix.x.labels[i]}`, ...(matrix.y ? [`${titles.y} = ${yLabels[j]}`] : [])].join(
      '<br>',
    );
  const heat: Data = {
    type: 'heatmap',
    x: xs,
    y: ys,
    z: matrix.rows.map((row) => row.map((c) => c.value)),
    zmin: matrix.range?.min,
    zmax: matrix.range?.max,
    colorscale: plotlyColourscale(),
    colorbar: {
      title: { text: `${titles.value}<br>(${lowerIsBetter ? 'lower' : 'higher'} is better)`, side: 'right' },
      outlinewidth: 0,
    },
    text: matrix.rows.map((row) =>
      row.map((c) => (c.value === null ? '' : format(c.value) + (c.mark === 'partial' ? '*' : ''))),
    ),
    // Values in the cells while the cells are large enough to read them (as many as get a label of their
    // own); beyond that the hover and the table below the chart give them.
    texttemplate: matrix.x.labels.length <= MAX_X_TICKS && matrix.rows.length <= MAX_Y_TICKS ? '%{text}' : '',
    customdata: matrix.rows.map((row, j) =>
      row.map(
        (c, i) =>
          `${label(i, j)}<br>${c.value === null ? markText(c) : format(c.value)} · ${describeHeatmapCell(c)}${prunedHover(c, format)}`,
      ),
    ),
    hovertemplate: '%{customdata}<extra></extra>',
    hoverongaps: true,
    xgap: 1,
    ygap: 1,
  };
  const hatch = hatchLines(matrix);
  return hatch.x.length === 0
    ? [heat]
    : [
        heat,
        {
          type: 'scatter',
          mode: 'lines',
          x: hatch.x,
          y: hatch.y,
          line: { color: colors.muted, width: 1 },
          hoverinfo: 'skip',
          showlegend: false,
          connectgaps: false,
        },
      ];
}

/** The pruned runs' own value for the hover: what they reached before their rung, named as such. */
function prunedHover(cell: HeatmapCell, format: (value: number) => string): string {
  if (cell.prunedValue === null) return '';
  const runs = cell.outcomes.pruned ?? 0;
  return `<br>pruned run${runs === 1 ? '' : 's'} before the rung: ${format(cell.prunedValue)}`;
}

/** Diagonal hatching over failed and diverged cells, as one line trace (null breaks between strokes). */
function hatchLines(matrix: HeatmapMatrix): { x: (number | null)[]; y: (number | null)[] } {
  const x: (number | null)[] = [];
  const y: (number | null)[] = [];
  matrix.rows.forEach((row, j) =>
    row.forEach((cell, i) => {
      if (cell.mark !== 'failed' && cell.mark !== 'diverged') return;
      // Strokes parallel to the diagonal, clipped to the cell [i ± 0.5] × [j ± 0.5].
      for (const t of [-0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75]) {
        const x0 = i - 0.5 + Math.max(0, t);
        const y0 = j - 0.5 + Math.max(0, -t);
        const length = 1 - Math.abs(t);
        x.push(x0, x0 + length, null);
        y.push(y0, y0 + length, null);
      }
    }),
  );
  return { x, y };
}

/**
 * Marks and the best-cell outline use colours that read on both themes and on every viridis colour (the
 * layout does not know the theme; traces do).
 */
const MARK_FILL = 'rgba(128,128,128,0.16)';
const MARK_TEXT_COLOUR = '#8a8f98';
const PRUNED_OUTLINE = '#8a8f98';
const BEST_OUTLINE = '#e8402a';

export function heatmapLayout(
  matrix: HeatmapMatrix,
  titles: HeatmapTitles,
  lowerIsBetter: boolean,
): Partial<Layout> {
  const nx = matrix.x.labels.length;
  const ny = matrix.rows.length;
  const annotations: Partial<Annotation>[] = [];
  const shapes: Partial<Shape>[] = [];
  matrix.rows.forEach((row, j) =>
    row.forEach((cell, i) => {
      if (cell.value !== null) return;
      const failed = cell.mark === 'failed' || cell.mark === 'diverged';
      if (cell.mark === 'pruned') {
        shapes.push({
          type: 'rect',
          x0: i - 0.44,
          x1: i + 0.44,
          y0: j - 0.44,
          y1: j + 0.44,
          line: { color: PRUNED_OUTLINE, width: 1.5, dash: 'dot' },
          fillcolor: 'rgba(0,0,0,0)',
        });
      }
      shapes.push({
        type: 'rect',
        layer: 'below',
        x0: i - 0.5,
        x1: i + 0.5,
        y0: j - 0.5,
        y1: j + 0.5,
        line: { width: 0 },
        fillcolor: cell.mark === 'absent' ? 'rgba(0,0,0,0)' : MARK_FILL,
      });
      annotations.push({
        x: i,
        y: j,
        text: failed ? `<b>${markText(cell)}</b>` : markText(cell),
        showarrow: false,
        font: { color: failed ? '#000000' : MARK_TEXT_COLOUR, size: 12 },
        bgcolor: failed ? 'rgba(255,255,255,0.75)' : undefined,
      });
    }),
  );
  const best = bestCell(matrix, lowerIsBetter);
  if (best) {
    shapes.push({
      type: 'rect',
      x0: best.i - 0.47,
      x1: best.i + 0.47,
      y0: best.j - 0.47,
      y1: best.j + 0.47,
      line: { color: BEST_OUTLINE, width: 3 },
      fillcolor: 'rgba(0,0,0,0)',
    });
  }
  return {
    margin: { l: 72, r: 16, t: 24, b: 56 },
    showlegend: false,
    xaxis: {
      title: { text: titles.x },
      tickmode: 'array',
      ...levelTicks(matrix.x.labels, MAX_X_TICKS),
      range: [-0.5, nx - 0.5],
      showgrid: false,
      zeroline: false,
    },
    yaxis: {
      title: { text: matrix.y ? titles.y : '' },
      tickmode: 'array',
      ...levelTicks(matrix.y?.labels ?? [''], MAX_Y_TICKS),
      range: [-0.5, ny - 0.5],
      showgrid: false,
      zeroline: false,
    },
    annotations,
    shapes,
  };
}

/** Labelled levels an axis shows at most: beyond them the labels would overlap (50 learning rates, say). */
const MAX_X_TICKS = 12;
const MAX_Y_TICKS = 20;
