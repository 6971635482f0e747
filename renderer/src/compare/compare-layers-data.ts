import type { Data, Layout } from 'plotly.js-dist-min';
import { csvField } from '../../../common/compare/comparison';
import { legendLabels, type CompareRun } from '../../../common/compare/differing-params';
import type { LayerEpochStats, RunLayerStats } from '../../../common/layers/layer-stats';
import {
  comparisonFigure,
  type ComparisonFigure,
  type SvgPlotOptions,
  type SvgSeries,
} from '../../../common/plot/comparison-svg';
import { seriesStyles, type LineStyle } from '../../../common/plot/series-style';
import { fixedAxis } from '../charts/figure-axes';
import { lineColor, plotlyDash, type PlotColors } from '../charts/plot-theme';
import { EXPORT_SIZE } from './compare-chart-data';

/**
 * One layer of several runs side by side (Compare's "Layers" section): the layers each run logged
 * (common/layers/layer-stats.ts), matched across runs by name or by position, and one number of the chosen
 * layer (update ratio, kernel norm or gradient norm) per run and epoch, on a log axis. The chart on screen
 * and the SVG export are laid out from the same figure, as the comparison chart's are.
 */

type LayerRow = RunLayerStats['layers'][number];

export type LayerMetric = 'updateRatio' | 'weightNorm' | 'gradNorm';

export const LAYER_METRICS: readonly LayerMetric[] = ['updateRatio', 'weightNorm', 'gradNorm'];

export const LAYER_METRIC_TEXT: Record<
  LayerMetric,
  { option: string; title: string; axis: string; csv: string; file: string }
> = {
  updateRatio: {
    option: 'update ratio',
    title: 'update ratio ‖W_e − W_e−1‖ / ‖W_e−1‖',
    axis: 'update ratio',
    csv: 'update_ratio',
    file: 'update-ratio',
  },
  weightNorm: {
    option: 'kernel norm ‖W‖',
    title: 'kernel norm ‖W‖',
    axis: '‖W‖',
    csv: 'weight_norm',
    file: 'weight-norm',
  },
  gradNorm: {
    option: 'gradient norm ‖∇W‖ (last batch)',
    title: 'last-batch gradient norm ‖∇W‖',
    axis: '‖∇W‖',
    csv: 'grad_norm',
    file: 'grad-norm',
  },
};

export function isLayerMetric(value: string): value is LayerMetric {
  return (LAYER_METRICS as readonly string[]).includes(value);
}

/** Layers of different runs are the same layer when they have the same name, or sit at the same position. */
export type LayerMatch = 'name' | 'position';

/**
 * What `runs.layers` answered for one compared run, and at how many logged epochs it was asked (a live run
 * is asked again when it logs another).
 */
export type RunLayersLoad = { at: number; stats: RunLayerStats } | { at: number; error: string };

/** One entry of the layer picker. */
export interface LayerChoice {
  /** The layer's name (match by name), or its 0-based index among the layers with weights (by position). */
  key: string;
  label: string;
  /** Runs with layer statistics that have this layer, out of `of`. */
  runs: number;
  of: number;
}

function layersOf(load: RunLayersLoad | undefined): LayerRow[] {
  return load && 'stats' in load ? load.stats.layers : [];
}

/** The runs that logged layer statistics, in the order compared. */
function withStats(
  runs: readonly CompareRun[],
  loads: ReadonlyMap<string, RunLayersLoad>,
): { run: CompareRun; layers: LayerRow[] }[] {
  return runs.flatMap((run) => {
    const layers = layersOf(loads.get(run.id));
    return layers.length > 0 ? [{ run, layers }] : [];
  });
}

/** Whether every run with layer statistics has the same layer names in the same order (matching by name is then all there is). */
export function sameLayerNames(
  runs: readonly CompareRun[],
  loads: ReadonlyMap<string, RunLayersLoad>,
): boolean {
  const named = withStats(runs, loads).map((r) => r.layers.map((l) => l.name).join('\n'));
  return named.every((names) => names === named[0]);
}

/**
 * The picker's layers: by name, every name some run has, those all runs have first (in the first run's
 * order); by position, every position some run has. Each says in how many of the runs it is, so a layer only
 * some runs have is visibly so.
 */
export function layerChoices(
  runs: readonly CompareRun[],
  loads: ReadonlyMap<string, RunLayersLoad>,
  match: LayerMatch,
): LayerChoice[] {
  const having = withStats(runs, loads);
  const of = having.length;
  if (match === 'position') {
    const deepest = Math.max(0, ...having.map((r) => r.layers.length));
    return Array.from({ length: deepest }, (_, i) => {
      const at = having.flatMap((r) => (r.layers[i] ? [r.layers[i].name] : []));
      const names = [...new Set(at)];
      return { key: String(i), label: `layer ${i + 1} (${names.join(' / ')})`, runs: at.length, of };
    });
  }
  const counts = new Map<string, number>();
  for (const r of having) for (const l of r.layers) counts.set(l.name, (counts.get(l.name) ?? 0) + 1);
  const choices = [...counts].map(([name, n]) => ({ key: name, label: name, runs: n, of }));
  return [...choices.filter((c) => c.runs === of), ...choices.filter((c) => c.runs < of)];
}

/** How to match when nothing was picked: by name while some name is common to every run, else by position. */
export function defaultMatch(
  runs: readonly CompareRun[],
  loads: ReadonlyMap<string, RunLayersLoad>,
): LayerMatch {
  const choices = layerChoices(runs, loads, 'name');
  return choices.length === 0 || choices[0].runs === choices[0].of ? 'name' : 'position';
}

export function choiceLabel(choice: LayerChoice): string {
  return choice.runs === choice.of
    ? choice.label
    : `${choice.label} — in ${choice.runs} of ${choice.of} runs`;
}

/** The chosen layer in words, for titles and file names: "dense_1", "layer 2 (dense_2 / conv2d_2)". */
export function layerTitle(choices: readonly LayerChoice[], key: string, match: LayerMatch): string {
  const choice = choices.find((c) => c.key === key);
  if (choice) return choice.label;
  return match === 'position' ? `layer ${Number(key) + 1}` : key;
}

/** A compared run with nothing of the chosen layer and metric to draw, and why. */
export interface MissingRun {
  runId: string;
  label: string;
  reason: string;
}

export interface LayerComparison {
  /** One per compared run, in the order compared (empty where it has nothing): styles stay with the run. */
  series: SvgSeries[];
  styles: LineStyle[];
  /** Each run's matched layer, or null. */
  layers: (LayerRow | null)[];
  missing: MissingRun[];
  title: string;
  figure: { options: SvgPlotOptions; layout: ComparisonFigure };
}

function valueOf(e: LayerEpochStats, metric: LayerMetric): number | null {
  const v = e[metric];
  return v === null || !Number.isFinite(v) ? null : v;
}

/** Why a run has no layer statistics at all. */
function noStatsReason(run: CompareRun, load: RunLayersLoad | undefined): string {
  if (!load) return 'not loaded yet';
  if ('error' in load) return `its layer statistics could not be loaded (${load.error})`;
  if (run.config.layerStats === false) return 'trained with "layerStats": false';
  if (load.at === 0) return 'no epoch logged yet';
  return 'no layer statistics (trained before the workbench kept them)';
}

/**
 * The chosen layer of every compared run as series (x: epoch, y: the metric), their line styles (each
 * run's colour as in the other Compare charts: by its place in the comparison), and the runs that have
 * nothing of it to draw on a log axis, each with its reason.
 */
export function compareLayers(
  runs: readonly CompareRun[],
  loads: ReadonlyMap<string, RunLayersLoad>,
  match: LayerMatch,
  key: string,
  metric: LayerMetric,
): LayerComparison {
  const labels = legendLabels(runs);
  const choices = layerChoices(runs, loads, match);
  const title = `${layerTitle(choices, key, match)}: ${LAYER_METRIC_TEXT[metric].title}`;
  const missing: MissingRun[] = [];
  const layers: (LayerRow | null)[] = [];
  const series: SvgSeries[] = runs.map((run) => {
    const label = labels[run.id];
    const all = layersOf(loads.get(run.id));
    const layer =
      match === 'position' ? (all[Number(key)] ?? null) : (all.find((l) => l.name === key) ?? null);
    layers.push(layer);
    if (all.length === 0)
      missing.push({ runId: run.id, label, reason: noStatsReason(run, loads.get(run.id)) });
    else if (!layer) {
      missing.push({
        runId: run.id,
        label,
        reason:
          match === 'position'
            ? `has ${all.length} layer${all.length === 1 ? '' : 's'} with weights`
            : `has no layer ${key} (its layers: ${all.map((l) => l.name).join(', ')})`,
      });
    }
    const epochs = layer?.epochs ?? [];
    const y = epochs.map((e) => valueOf(e, metric));
    if (layer && !y.some((v) => v !== null && v > 0)) {
      missing.push({
        runId: run.id,
        label,
        reason: `no ${LAYER_METRIC_TEXT[metric].option} above 0 to draw on a log axis`,
      });
    }
    return { runId: run.id, metric, label, x: epochs.map((e) => e.epoch), y, raw: y };
  });
  const options: SvgPlotOptions = {
    title,
    xTitle: 'epoch',
    yTitle: LAYER_METRIC_TEXT[metric].axis,
    yScale: 'log',
    width: EXPORT_SIZE.width,
    height: EXPORT_SIZE.height,
  };
  return {
    series,
    styles: seriesStyles(series),
    layers,
    missing,
    title,
    figure: { options, layout: comparisonFigure(series, options) },
  };
}

/** Plotly hover templates treat `%{…}` and HTML specially; run names are user text. */
function escapeHover(text: string): string {
  return text.replace(/[<>&%]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** One line per run with something to draw, in the run's colour and dash. */
export function compareLayerTraces(comparison: LayerComparison, colors: PlotColors): Data[] {
  const { series, styles, figure } = comparison;
  return series.flatMap((s, i) =>
    figure.layout.drawable[i]
      ? [
          {
            type: 'scatter' as const,
            mode: 'lines+markers' as const,
            name: s.label,
            x: s.x,
            y: s.y,
            line: { color: lineColor(styles[i].color, colors), dash: plotlyDash(styles[i].dash), width: 2 },
            marker: { size: 4 },
            hovertemplate: `%{y:.3g}<extra>${escapeHover(s.label)}</extra>`,
          },
        ]
      : [],
  );
}

/** The layout: the figure's ranges, ticks and labels, log y, as the exported SVG draws them. */
export function compareLayerLayout(comparison: LayerComparison): Partial<Layout> {
  const { layout: figure, options } = comparison.figure;
  const panel = figure.panels[0];
  return {
    title: { text: comparison.title, x: 0.02, xanchor: 'left' },
    showlegend: false,
    hovermode: 'closest',
    xaxis: { ...fixedAxis(figure.x, 'linear'), title: { text: options.xTitle } },
    yaxis: { ...fixedAxis(panel.y, 'log'), title: { text: options.yTitle }, zeroline: false },
    ...(panel.hasData
      ? {}
      : {
          annotations: [
            {
              text: 'nothing to draw',
              xref: 'paper',
              yref: 'paper',
              x: 0.5,
              y: 0.5,
              showarrow: false,
              font: { size: 13 },
            },
          ],
        }),
  } as Partial<Layout>;
}

/**
 * The plotted numbers: one row per run and epoch of the chosen layer (runs without it have none), RFC 4180
 * with CRLF as the comparison's CSV; numbers in JavaScript's shortest round-trip form, empty = not logged.
 */
export function compareLayersCsv(
  runs: readonly CompareRun[],
  comparison: LayerComparison,
  metric: LayerMetric,
): string {
  const header = ['run_id', 'run_name', 'label', 'layer', 'kind', 'epoch', LAYER_METRIC_TEXT[metric].csv];
  const lines = [header.map(csvField).join(',')];
  runs.forEach((run, i) => {
    const layer = comparison.layers[i];
    if (!layer) return;
    const s = comparison.series[i];
    layer.epochs.forEach((e, j) => {
      lines.push(
        [run.id, run.name, s.label, layer.name, layer.kind, e.epoch, s.y[j]].map(csvField).join(','),
      );
    });
  });
  return lines.map((line) => line + '\r\n').join('');
}
