import type { Data, Layout } from 'plotly.js-dist-min';
import { describeCell } from '../../../common/grid/expand';
import type { GridPruneReplay, PruningSpec } from '../../../common/grid/pruning';
import type { GridStoppingReplay } from '../../../common/grid/stopping-replay';
import type { GridDetail } from '../../../common/grid/types';
import { ruleLabel, ruleSpec } from '../../../common/stopping/rule-text';
import { lineColor, PALETTE, type PlotColors } from '../charts/plot-theme';

/** A setting in words: "successive halving, r = 2, η = 3". */
export function pruningLabel(spec: PruningSpec): string {
  const kind = spec.kind === 'successive-halving' ? 'successive halving' : 'Hyperband';
  return `${kind}, r = ${spec.minEpochs}, η = ${spec.reductionFactor}`;
}

/** "SH r2 η3", "HB r1 η2": a setting where there is little room. */
export function shortLabel(spec: PruningSpec): string {
  return `${spec.kind === 'successive-halving' ? 'SH' : 'HB'} r${spec.minEpochs} η${spec.reductionFactor}`;
}

/** Per cell, in index order: the epochs it trains under the replayed pruning, and whether it reached R. */
export function trainedPerCell(
  grid: GridDetail,
  replay: GridPruneReplay,
): { index: number; epochs: number; survived: boolean }[] {
  const prunedAt = new Map<number, number>();
  for (const rung of replay.rungs) for (const index of rung.pruned) prunedAt.set(index, rung.epoch);
  return grid.results.map((cell) => {
    const at = prunedAt.get(cell.index);
    return {
      index: cell.index,
      epochs: at ?? cell.epochs,
      survived: at === undefined && cell.epochs >= replay.fullEpochs,
    };
  });
}

export function cellLabel(grid: GridDetail, index: number | null): string {
  if (index === null) return '—';
  const cell = grid.results.find((c) => c.index === index);
  return cell ? `cell ${index} (${describeCell(grid.axes, cell.values)})` : `cell ${index}`;
}

/** One cell as a bar of a rung chart: to the epoch it reaches (a replay) or has logged (a live grid). */
export interface RungBar {
  index: number;
  /** Its name as elsewhere (cellLabel), for the hover. */
  label: string;
  epochs: number;
  /** Still in (or trained to the end), pruned at a rung, or ended otherwise (failed, diverged, stopped). */
  kind: 'survivor' | 'pruned' | 'ended';
  /** A live cell's next epoch to reach (a rung, or the full epochs), drawn faintly past its bar; else null. */
  target: number | null;
}

/** What each kind of bar is called in the legend; a kind without a name is not drawn. */
export type RungBarNames = Partial<Record<RungBar['kind'], string>>;

/** The bars of a replay: each cell to the rung that would prune it, or as far as it logged. */
export function replayBars(grid: GridDetail, replay: GridPruneReplay): RungBar[] {
  return trainedPerCell(grid, replay).map((c) => ({
    index: c.index,
    label: cellLabel(grid, c.index),
    epochs: c.epochs,
    kind: c.survived ? 'survivor' : 'pruned',
    target: null,
  }));
}

/**
 * Each cell as a bar to its epoch, survivors in the accent colour, pruned ones muted, those that ended
 * otherwise in a second muted tone; a live cell's way to its next target as a faint bar behind.
 */
export function rungBarChart(bars: readonly RungBar[], names: RungBarNames, colors: PlotColors): Data[] {
  const colour: Record<RungBar['kind'], string> = {
    survivor: lineColor(PALETTE[0], colors),
    pruned: colors.muted,
    ended: lineColor(PALETTE[1], colors),
  };
  const ahead = bars.filter((b) => b.target !== null && b.target > b.epochs);
  const traces: Data[] = [];
  if (ahead.length > 0) {
    traces.push({
      type: 'bar',
      orientation: 'h',
      name: 'training to its next rung (or the end)',
      y: ahead.map((b) => `cell ${b.index}`),
      x: ahead.map((b) => b.target),
      customdata: ahead.map((b) => b.label),
      marker: { color: colour.survivor, opacity: 0.2 },
      hovertemplate: '%{customdata}: trains to epoch %{x}<extra></extra>',
    });
  }
  for (const kind of ['pruned', 'ended', 'survivor'] as const) {
    const name = names[kind];
    if (name === undefined) continue;
    const shown = bars.filter((b) => b.kind === kind);
    traces.push({
      type: 'bar',
      orientation: 'h',
      name,
      y: shown.map((b) => `cell ${b.index}`),
      x: shown.map((b) => b.epochs),
      customdata: shown.map((b) => b.label),
      marker: { color: colour[kind] },
      hovertemplate: '%{customdata}: %{x} epochs<extra></extra>',
    });
  }
  return traces;
}

/** The cells top to bottom in index order, the epoch axis to the full epochs, each rung a dotted line. */
export function rungChartLayout(
  bars: readonly RungBar[],
  fullEpochs: number,
  rungs: readonly number[],
): Partial<Layout> {
  return {
    height: Math.max(220, 60 + 18 * bars.length),
    margin: { l: 70, r: 20, t: 30, b: 45 },
    barmode: 'overlay',
    xaxis: { title: { text: 'epochs trained' }, range: [0, fullEpochs], zeroline: false },
    yaxis: {
      automargin: true,
      categoryorder: 'array',
      categoryarray: bars.map((b) => `cell ${b.index}`).reverse(),
    },
    legend: { orientation: 'h', x: 0, y: 1.08 },
    shapes: [...new Set(rungs)].map((epoch) => ({
      type: 'line',
      xref: 'x',
      yref: 'paper',
      x0: epoch,
      x1: epoch,
      y0: 0,
      y1: 1,
      line: { dash: 'dot', width: 1 },
    })),
  };
}

/** A replay's cells as bars to the epoch each would reach, survivors in the accent colour. */
export function rungBarTraces(grid: GridDetail, replay: GridPruneReplay, colors: PlotColors): Data[] {
  return rungBarChart(
    replayBars(grid, replay),
    {
      pruned: 'pruned at a rung (or ended before it)',
      survivor: `trained to ${replay.fullEpochs} epochs`,
    },
    colors,
  );
}

export function rungBarLayout(grid: GridDetail, replay: GridPruneReplay): Partial<Layout> {
  return rungChartLayout(
    replayBars(grid, replay),
    replay.fullEpochs,
    replay.rungs.map((r) => r.epoch),
  );
}

/**
 * Every setting replayed so far: the share of epochs saved against the test accuracy it cost; early-stopping
 * rules replayed on the same grid as a second series, so that the two ways of saving epochs compare.
 */
export function tradeoffTraces(
  replays: readonly GridPruneReplay[],
  colors: PlotColors,
  stopping: readonly GridStoppingReplay[] = [],
): Data[] {
  const shown = replays.filter((r) => r.regret.testAcc !== null);
  const rules = stopping.filter((r) => r.regret.testAcc !== null);
  const stoppingTrace: Data[] =
    rules.length === 0
      ? []
      : [
          {
            type: 'scatter',
            mode: 'text+markers',
            name: 'early stopping',
            x: rules.map((r) => r.saved),
            y: rules.map((r) => r.regret.testAcc),
            text: rules.map((r) => ruleSpec(r.rule)),
            customdata: rules.map((r) => ruleLabel(r.rule)),
            textposition: 'middle left',
            textfont: { size: 10 },
            marker: { size: 9, symbol: 'diamond', color: lineColor(PALETTE[3], colors) },
            hovertemplate: '%{customdata}: saves %{x:.0%}, costs %{y:.2%} test accuracy<extra></extra>',
          },
        ];
  return [
    ...stoppingTrace,
    {
      type: 'scatter',
      mode: 'text+markers',
      name: 'pruning',
      x: shown.map((r) => r.saved),
      y: shown.map((r) => r.regret.testAcc),
      // Short labels beside the points (the table below names each setting in full; hover does too).
      text: shown.map((r) => shortLabel(r.pruning)),
      customdata: shown.map((r) => pruningLabel(r.pruning)),
      textposition: 'middle right',
      textfont: { size: 10 },
      marker: { size: 9, color: lineColor(PALETTE[1], colors) },
      hovertemplate: '%{customdata}: saves %{x:.0%}, costs %{y:.2%} test accuracy<extra></extra>',
    },
  ];
}

export function tradeoffLayout(withStopping = false): Partial<Layout> {
  return {
    height: 300,
    margin: { l: 70, r: 30, t: 20, b: 50 },
    xaxis: { title: { text: 'epochs saved' }, tickformat: '.0%', range: [0, 1] },
    yaxis: {
      title: { text: 'test accuracy lost (full − pruned winner)' },
      tickformat: '.1%',
      zeroline: true,
    },
    showlegend: withStopping,
    legend: { orientation: 'h', y: 1.12 },
  };
}
