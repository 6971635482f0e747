import type { Data, Layout } from 'plotly.js-dist-min';
import { describeConfusionCell, type ConfusionFigure } from '../../../common/model-eval/confusion-figure';
import { plotlyDivergingColourscale } from '../../../common/plot/diverging-colour-scale';
import { plotlyColourscale } from '../../../common/plot/grid-colour-scale';

/**
 * Plotly traces for a confusion matrix, drawn as its SVG export draws it: true classes down the side (the
 * first at the top), predicted classes along the bottom, class names on both axes, viridis for one model or
 * the diverging scale around 0 for B − A, the value in each cell while the cells are large enough to read.
 */

/** Beyond this many classes the values leave the cells: the hover and the table give them. */
const MAX_TEXT_CLASSES = 20;

export function confusionTraces(figure: ConfusionFigure, options: { showScale?: boolean } = {}): Data[] {
  const n = figure.classes.length;
  const indices = figure.classes.map((_, i) => i);
  return [
    {
      type: 'heatmap',
      x: indices,
      y: indices,
      z: figure.values,
      zmin: figure.range.min,
      zmax: figure.range.max,
      ...(figure.scale === 'diverging' ? { zmid: 0 } : {}),
      colorscale: figure.scale === 'diverging' ? plotlyDivergingColourscale() : plotlyColourscale(),
      showscale: options.showScale ?? true,
      colorbar: { title: { text: figure.valueTitle, side: 'right' }, outlinewidth: 0, thickness: 14 },
      text: figure.text,
      texttemplate: n <= MAX_TEXT_CLASSES ? '%{text}' : '',
      customdata: figure.values.map((row, i) => row.map((_, j) => describeConfusionCell(figure, i, j))),
      hovertemplate: '%{customdata}<extra></extra>',
      xgap: 1,
      ygap: 1,
    } as Data,
  ];
}

export function confusionLayout(figure: ConfusionFigure): Partial<Layout> {
  const n = figure.classes.length;
  const indices = figure.classes.map((_, i) => i);
  const axis = {
    tickmode: 'array' as const,
    tickvals: indices,
    ticktext: figure.classes,
    showgrid: false,
    zeroline: false,
    range: [-0.5, n - 0.5] as [number, number],
  };
  return {
    margin: { l: 56, r: 16, t: 24, b: 56 },
    xaxis: { ...axis, title: { text: 'predicted class' }, constrain: 'domain' },
    // The first class at the top, as a confusion matrix is written; square cells.
    yaxis: {
      ...axis,
      range: [n - 0.5, -0.5] as [number, number],
      title: { text: 'true class' },
      scaleanchor: 'x',
      scaleratio: 1,
      constrain: 'domain',
    },
  };
}
