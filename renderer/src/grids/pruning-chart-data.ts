import type { Data, Layout } from 'plotly.js-dist-min';
import { describeCell } from '../../../common/grid/expand';
import type { GridPruneReplay, PruningSpec } from '../../../common/grid/pruning';
import type { GridDetail } from '../../../common/grid/types';
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

/** Each cell as a bar to the epoch it reaches, survivors in the accent colour, the rungs as dotted lines. */
export function rungBarTraces(grid: GridDetail, replay: GridPruneReplay, colors: PlotColors): Data[] {
  const cells = trainedPerCell(grid, replay);
  const bar = (survived: boolean): Data => {
    const shown = cells.filter((c) => c.survived === survived);
    return {
      type: 'bar',
      orientation: 'h',
      name: survived ? `trained to ${replay.fullEpochs} epochs` : 'pruned at a rung (or ended before it)',
      y: shown.map((c) => `cell ${c.index}`),
      x: shown.map((c) => c.epochs),
      marker: { color: survived ? lineColor(PALETTE[0], colors) : colors.muted },
      hovertemplate: '%{y}: %{x} epochs<extra></extra>',
    };
  };
  return [bar(false), bar(true)];
}

export function rungBarLayout(grid: GridDetail, replay: GridPruneReplay): Partial<Layout> {
  const rungs = [...new Set(replay.rungs.map((r) => r.epoch))];
  return {
    height: Math.max(220, 60 + 18 * grid.results.length),
    margin: { l: 70, r: 20, t: 30, b: 45 },
    barmode: 'overlay',
    xaxis: { title: { text: 'epochs trained' }, range: [0, replay.fullEpochs], zeroline: false },
    yaxis: {
      automargin: true,
      categoryorder: 'array',
      categoryarray: grid.results.map((c) => `cell ${c.index}`).reverse(),
    },
    legend: { orientation: 'h', x: 0, y: 1.08 },
    shapes: rungs.map((epoch) => ({
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

/** Every setting replayed so far: the share of epochs saved against the test accuracy it cost. */
export function tradeoffTraces(replays: readonly GridPruneReplay[], colors: PlotColors): Data[] {
  const shown = replays.filter((r) => r.regret.testAcc !== null);
  return [
    {
      type: 'scatter',
      mode: 'text+markers',
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

export function tradeoffLayout(): Partial<Layout> {
  return {
    height: 300,
    margin: { l: 70, r: 30, t: 20, b: 50 },
    xaxis: { title: { text: 'epochs saved' }, tickformat: '.0%', range: [0, 1] },
    yaxis: {
      title: { text: 'test accuracy lost (full − pruned winner)' },
      tickformat: '.1%',
      zeroline: true,
    },
    showlegend: false,
  };
}
