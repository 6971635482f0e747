import type { Data, Layout } from 'plotly.js-dist-min';
import type { ParcoordsConstraints, ParcoordsData, ParcoordsDimension } from '../../../common/grid/parcoords';
import { plotlyColourscale } from '../../../common/plot/grid-colour-scale';
import type { PlotColors } from '../charts/plot-theme';

/**
 * The Plotly `parcoords` trace for a grid: each dimension with its range and ticks (log axes in log10
 * labelled with real values, categorical axes by position labelled with their values), lines coloured by
 * the metric with a titled colour bar, and the current brush passed back in so that live updates keep it.
 */
export function parcoordsTraces(
  data: ParcoordsData,
  constraints: ParcoordsConstraints,
  lowerIsBetter: boolean,
  colors: PlotColors,
): Data[] {
  const colour = data.colour;
  const min = colour.length > 0 ? Math.min(...colour) : 0;
  const max = colour.length > 0 ? Math.max(...colour) : 1;
  return [
    {
      type: 'parcoords',
      labelfont: { color: colors.fg, size: 13 },
      tickfont: { color: colors.fg, size: 11 },
      rangefont: { color: colors.muted, size: 10 },
      line: {
        color: colour,
        colorscale: plotlyColourscale(),
        cmin: min,
        cmax: max > min ? max : min + 1e-9,
        showscale: true,
        colorbar: {
          title: {
            text: `${data.colourTitle}<br>(${lowerIsBetter ? 'lower' : 'higher'} is better)`,
            side: 'right',
          },
          outlinewidth: 0,
        },
      },
      dimensions: data.dimensions.map((d) => {
        const ranges = constraints[d.key];
        return {
          label: d.kind === 'log' ? `${d.label} (log)` : d.label,
          values: d.values,
          range: d.range,
          ...(d.tickvals ? { tickvals: d.tickvals, ticktext: d.ticktext } : {}),
          ...(d.kind === 'metric' ? { tickformat: metricTickFormat(d) } : {}),
          ...(ranges && ranges.length > 0
            ? { constraintrange: ranges.length === 1 ? [...ranges[0]] : ranges.map((r) => [...r]) }
            : {}),
        };
      }),
    } as Data,
  ];
}

/**
 * Accuracies read as percentages, as in the table, with a decimal when the runs lie within a few points
 * (whole percents would label several ticks alike); losses to 3 significant digits.
 */
export function metricTickFormat(d: ParcoordsDimension): string {
  if (!d.key.endsWith('Acc')) return '.3~g';
  return d.range[1] - d.range[0] < 0.05 ? '.1%' : '.0%';
}

export function parcoordsLayout(): Partial<Layout> {
  // Room above for the axis labels, below for the range numbers, right for the colour bar and its title.
  return { margin: { l: 64, r: 150, t: 56, b: 32 } };
}
