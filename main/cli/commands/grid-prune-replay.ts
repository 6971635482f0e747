import { UserInputError } from '../../../common/errors';
import { describeCell } from '../../../common/grid/expand';
import type { GridPruneReplay, PruningReplay } from '../../../common/grid/pruning';
import { METRIC_TEXT } from '../../../common/stopping/monitor';
import { replayGridPruning, replayRunsPruning } from '../../services/grid-prune-replay';
import type { RunStore } from '../../store/run-store';
import type { GlobalOptions } from '../context';
import { openContext } from '../context';
import { refusalAsInput } from '../service-refusal';
import { fmt, pct, printJson, printTable } from '../output';

export interface PruneReplayOptions extends GlobalOptions {
  pruning?: string;
  /** Replay on these runs (the cells, in this order) instead of a grid. */
  runs?: string[];
  json?: boolean;
}

/**
 * `workbench grid prune-replay GRID_ID --pruning '<json>' [--json]`: what successive halving or Hyperband
 * would have done on a finished grid, from its logged epochs; with `--runs A B …` instead of a grid id, on
 * those runs. Reads only. Returns the exit code.
 */
export function gridPruneReplayCommand(id: string | null, options: PruneReplayOptions): number {
  if (options.pruning === undefined) {
    throw new UserInputError(
      `grid prune-replay: expected --pruning '<json>', e.g. '{"kind": "successive-halving", "monitor": "valLoss", ` +
        `"minEpochs": 2, "reductionFactor": 3}'`,
    );
  }
  const { store } = openContext(options);
  try {
    if (id === null) return runsReplay(store, options.runs ?? [], options);
    const grid = store.grids.findGrid(id);
    if (!grid) throw new UserInputError(`${id}: no grid with this id (see \`workbench grids\`)`);
    const replay: GridPruneReplay = refusalAsInput(() => replayGridPruning(store, grid.id, options.pruning));
    if (options.json) {
      printJson(replay);
      return 0;
    }
    const cells = store.grids.cells(grid.id);
    const name = (index: number | null) => {
      if (index === null) return '—';
      const cell = cells.find((c) => c.index === index);
      return cell ? `${index} (${describeCell(grid.axes, cell.values)})` : String(index);
    };
    const { pruning } = replay;
    process.stdout.write(
      `Grid ${grid.id}  ${grid.name}\n` +
        `pruning  ${pruning.kind}, r = ${pruning.minEpochs}, η = ${pruning.reductionFactor}, ` +
        `monitor ${METRIC_TEXT[pruning.monitor]} at the rung's epoch; R = ${replay.fullEpochs} epochs\n`,
    );
    printRungs(replay);
    printOutcome(replay, name);
    return 0;
  } finally {
    store.close();
  }
}

function runsReplay(store: RunStore, ids: string[], options: PruneReplayOptions): number {
  const replay = refusalAsInput(() => replayRunsPruning(store, ids, options.pruning));
  if (options.json) {
    printJson(replay);
    return 0;
  }
  const name = (index: number | null) => {
    if (index === null) return '—';
    const run = store.getRun(replay.runIds[index]);
    return `${index} (${run?.name ?? replay.runIds[index]}, ${replay.runIds[index].slice(0, 8)})`;
  };
  const { pruning } = replay;
  process.stdout.write(
    `${replay.runIds.length} runs as cells 0–${replay.runIds.length - 1}, in the order given\n` +
      `pruning  ${pruning.kind}, r = ${pruning.minEpochs}, η = ${pruning.reductionFactor}, ` +
      `monitor ${METRIC_TEXT[pruning.monitor]} at the rung's epoch; R = ${replay.fullEpochs} epochs\n`,
  );
  printRungs(replay);
  printOutcome(replay, name);
  return 0;
}

function printRungs(replay: PruningReplay): void {
  printTable(
    ['bracket', 'rung epoch', 'kept', 'pruned', 'ended before', 'rank ρ (rung vs final best)'],
    replay.rungs.map((r, i) => [
      String(r.bracket),
      String(r.epoch),
      r.kept.join(' ') || '—',
      r.pruned.join(' ') || '—',
      r.endedBefore.join(' ') || '—',
      replay.rankCorrelation[i].rho === null ? '—' : fmt(replay.rankCorrelation[i].rho!),
    ]),
  );
}

function printOutcome(replay: PruningReplay, name: (index: number | null) => string): void {
  const regret = replay.regret;
  process.stdout.write(
    `epochs   ${replay.epochsTrained} trained of the full grid's ${replay.epochsFull} (saves ${pct(replay.saved)})\n` +
      `winner   ${name(replay.winner)}; the full grid's: ${name(replay.fullWinner)}` +
      `${replay.winner === replay.fullWinner ? ' (the same cell)' : ''}\n` +
      `regret   test accuracy ${regret.testAcc === null ? '—' : pct(regret.testAcc)}, validation loss ` +
      `${regret.valLoss === null ? '—' : fmt(regret.valLoss)} (the full winner's best against the pruned winner's; ` +
      `> 0: pruning lost that much)\n`,
  );
}
