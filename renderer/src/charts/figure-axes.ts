import type { LayoutAxis } from 'plotly.js-dist-min';
import type { FigureAxis } from '../../../common/plot/comparison-svg';

/**
 * A Plotly axis pinned to a figure's range, ticks and tick labels, as the exported SVG figure draws them.
 * Left to itself Plotly picks its own: a range of −1 to 6 with nothing to show, "13% 13% 13%" on a narrow
 * accuracy range, bare "2 … 9" on a log axis, and a range that differs from the export's.
 */
export function fixedAxis(axis: FigureAxis, scale: 'linear' | 'log'): Partial<LayoutAxis> {
  const log = scale === 'log';
  return {
    type: scale,
    autorange: false,
    // Log axes take their range in decades.
    range: log ? axis.domain.map(Math.log10) : [...axis.domain],
    tickmode: 'array',
    tickvals: axis.ticks,
    ticktext: axis.labels,
    ...(axis.minor.length > 0
      ? { minor: { tickmode: 'array', tickvals: axis.minor, ticklen: 3, showgrid: false } }
      : {}),
  } as Partial<LayoutAxis>;
}
