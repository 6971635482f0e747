import { evaluateStopping } from '../stopping/evaluate';
import type { StoppingRule } from '../stopping/rule-schema';
import { bestRow, winnerOf, type PruningCell } from './pruning';

/**
 * An early-stopping rule replayed on a whole finished grid, in the terms of the pruning replay, so that both
 * sit on one chart of epochs saved against regret: each cell stops where the rule stops it on its logged
 * epochs (common/stopping, the function live training uses), and the grid's winner is then the best cell by
 * the rule's monitor over the epochs it would have trained, set against the full grid's winner.
 */
export interface GridStoppingReplay {
  rule: StoppingRule;
  epochsTrained: number;
  epochsFull: number;
  /** 1 − epochsTrained / epochsFull. */
  saved: number;
  /** Cells the rule stops before their last logged epoch. */
  stopped: number;
  winner: number | null;
  fullWinner: number | null;
  /** As the pruning replay's: full winner against stopped winner, each at its best epoch by the monitor. */
  regret: { testAcc: number | null; valLoss: number | null };
}

export function replayStoppingOnGrid(rule: StoppingRule, cells: readonly PruningCell[]): GridStoppingReplay {
  let stopped = 0;
  const trained = cells.map((cell) => {
    const decision = evaluateStopping(cell.epochs, rule);
    if (decision.outcome !== 'stopped' || decision.stopEpoch === null) return cell;
    const last = cell.epochs.at(-1)?.epoch ?? 0;
    if (decision.stopEpoch < last) stopped += 1;
    return { index: cell.index, epochs: cell.epochs.filter((e) => e.epoch <= decision.stopEpoch!) };
  });
  const epochsFull = cells.reduce((n, c) => n + c.epochs.length, 0);
  const epochsTrained = trained.reduce((n, c) => n + c.epochs.length, 0);
  const winner = winnerOf(trained, rule.monitor);
  const full = winnerOf(cells, rule.monitor);
  const diff = (a: number | null | undefined, b: number | null | undefined) =>
    typeof a === 'number' && typeof b === 'number' ? a - b : null;
  // The winners' rows at their best epoch: with the rule's restore, the epoch the run would keep.
  const winnerRow = winner
    ? bestRow(trained.find((c) => c.index === winner.index)!.epochs, rule.monitor)
    : null;
  return {
    rule,
    epochsTrained,
    epochsFull,
    saved: epochsFull === 0 ? 0 : 1 - epochsTrained / epochsFull,
    stopped,
    winner: winner?.index ?? null,
    fullWinner: full?.index ?? null,
    regret: {
      testAcc: diff(full?.row.testAcc, winnerRow?.testAcc),
      valLoss: diff(winnerRow?.valLoss, full?.row.valLoss),
    },
  };
}
