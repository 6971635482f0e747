import type { Data, Layout } from 'plotly.js-dist-min';
import { LAYER_PERCENTILES, type RunLayerStats } from '../../../common/layers/layer-stats';
import { epochTicks, lineColor, PALETTE, plotlyDash, type PlotColors } from '../charts/plot-theme';

type LayerRow = RunLayerStats['layers'][number];

/** Percentile pairs drawn as bands, outermost first (TensorBoard's distributions: min–max, ±1.5σ, ±1σ, ±0.5σ). */
const BANDS: readonly [number, number][] = [
  [0, 8],
  [1, 7],
  [2, 6],
  [3, 5],
];
const MEDIAN = LAYER_PERCENTILES.indexOf(50);

/** One layer's kernel distribution over epochs: nested percentile bands and the median. */
export function distributionTraces(layer: LayerRow, colors: PlotColors): Data[] {
  const x = layer.epochs.map((e) => e.epoch);
  const at = (i: number) => layer.epochs.map((e) => e.percentiles[i]);
  const colour = lineColor(PALETTE[0], colors);
  const traces: Data[] = BANDS.flatMap(([lo, hi], band) => [
    {
      type: 'scatter' as const,
      mode: 'lines' as const,
      x,
      y: at(lo),
      line: { width: 0, color: colour },
      showlegend: false,
      hoverinfo: 'skip' as const,
    },
    {
      type: 'scatter' as const,
      mode: 'lines' as const,
      x,
      y: at(hi),
      fill: 'tonexty' as const,
      fillcolor: `rgba(0, 114, 178, ${0.12 + 0.12 * band})`,
      line: { width: 0, color: colour },
      name: `${LAYER_PERCENTILES[lo]}–${LAYER_PERCENTILES[hi]} %`,
      hovertemplate: `p${LAYER_PERCENTILES[lo]}–p${LAYER_PERCENTILES[hi]}: %{y:.3g}<extra></extra>`,
    },
  ]);
  traces.push({
    type: 'scatter',
    mode: 'lines',
    x,
    y: at(MEDIAN),
    name: 'median',
    line: { color: colour, width: 2 },
    hovertemplate: 'median %{y:.3g}<extra></extra>',
  });
  return traces;
}

export function distributionLayout(layer: LayerRow): Partial<Layout> {
  return {
    title: { text: `${layer.name} weights over epochs (percentiles)`, x: 0.02, xanchor: 'left' },
    xaxis: { title: { text: 'epoch' }, ...epochTicks(layer.epochs.at(-1)?.epoch ?? 1) },
    yaxis: { title: { text: 'weight' } },
    hovermode: 'x unified',
  };
}

/** ‖W‖ (solid) and ‖∇W‖ of the last batch (dotted) of every layer, one colour per layer. */
export function normTraces(layers: readonly LayerRow[], colors: PlotColors): Data[] {
  return layers.flatMap((layer, i) => {
    const color = lineColor(PALETTE[i % PALETTE.length], colors);
    const x = layer.epochs.map((e) => e.epoch);
    return [
      {
        type: 'scatter' as const,
        mode: 'lines' as const,
        name: `${layer.name} ‖W‖`,
        x,
        y: layer.epochs.map((e) => e.weightNorm),
        line: { color, width: 2 },
      },
      {
        type: 'scatter' as const,
        mode: 'lines' as const,
        name: `${layer.name} ‖∇W‖`,
        x,
        y: layer.epochs.map((e) => e.gradNorm),
        line: { color, width: 1.5, dash: plotlyDash('2 3') },
      },
    ];
  });
}

/** ‖W_e − W_{e−1}‖ / ‖W_{e−1}‖ of every layer. */
export function updateRatioTraces(layers: readonly LayerRow[], colors: PlotColors): Data[] {
  return layers.map((layer, i) => ({
    type: 'scatter' as const,
    mode: 'lines+markers' as const,
    name: layer.name,
    x: layer.epochs.map((e) => e.epoch),
    y: layer.epochs.map((e) => e.updateRatio),
    line: { color: lineColor(PALETTE[i % PALETTE.length], colors), width: 2 },
    marker: { size: 4 },
  }));
}

/** The dead (or saturated) share of each layer followed by an activation. */
export function deadTraces(layers: readonly LayerRow[], colors: PlotColors): Data[] {
  return layers.flatMap((layer, i) =>
    layer.activation === null
      ? []
      : [
          {
            type: 'scatter' as const,
            mode: 'lines+markers' as const,
            name: `${layer.name} (${layer.activation})`,
            x: layer.epochs.map((e) => e.epoch),
            y: layer.epochs.map((e) => e.deadFraction),
            line: { color: lineColor(PALETTE[i % PALETTE.length], colors), width: 2 },
            marker: { size: 4 },
          },
        ],
  );
}

export function logLayout(title: string, yTitle: string, maxEpoch: number): Partial<Layout> {
  return {
    title: { text: title, x: 0.02, xanchor: 'left' },
    xaxis: { title: { text: 'epoch' }, ...epochTicks(maxEpoch) },
    yaxis: { title: { text: yTitle }, type: 'log', exponentformat: 'power' },
    hovermode: 'x unified',
  };
}

export function deadLayout(maxEpoch: number, probeExamples: number): Partial<Layout> {
  return {
    title: { text: `Dead or saturated units (on ${probeExamples} probe examples)`, x: 0.02, xanchor: 'left' },
    xaxis: { title: { text: 'epoch' }, ...epochTicks(maxEpoch) },
    yaxis: { title: { text: 'share of units' }, tickformat: '.0%', range: [0, 1] },
    hovermode: 'x unified',
  };
}

/** Every number of every layer and epoch as CSV (the histogram's counts as one column each). */
export function layerStatsCsv(stats: RunLayerStats): string {
  const bins = stats.layers[0]?.epochs[0]?.histogram.counts.length ?? 0;
  const head = [
    'layer',
    'kind',
    'params',
    'activation',
    'epoch',
    'weight_norm',
    'grad_norm',
    'update_ratio',
    'dead_fraction',
    ...LAYER_PERCENTILES.map((p) => `p${p}`),
    'hist_low',
    'hist_high',
    'below',
    'above',
    ...Array.from({ length: bins }, (_, i) => `bin_${i}`),
  ];
  const cell = (v: number | string | null) =>
    v === null || (typeof v === 'number' && Number.isNaN(v)) ? '' : String(v);
  const rows = stats.layers.flatMap((layer) =>
    layer.epochs.map((e) =>
      [
        layer.name,
        layer.kind,
        layer.params,
        layer.activation ?? '',
        e.epoch,
        e.weightNorm,
        e.gradNorm,
        e.updateRatio,
        e.deadFraction,
        ...e.percentiles,
        e.histogram.edges[0],
        e.histogram.edges.at(-1) ?? null,
        e.histogram.below,
        e.histogram.above,
        ...e.histogram.counts,
      ]
        .map(cell)
        .join(','),
    ),
  );
  return [head.join(','), ...rows].join('\n') + '\n';
}
