import {
  parsePruning,
  replayPruning,
  type GridPruneReplay,
  type PruningReplay,
  type PruningSpec,
} from '../../common/grid/pruning';
import { UserInputError } from '../../common/errors';
import type { RunStore } from '../store/run-store';
import { ApiInputError, ConflictError, NotFoundError } from './errors';

/**
 * What a pruning setting would have done on a finished grid: the grid's logged epochs handed to the pure
 * replay (common/grid/pruning.ts). Refused, with one line and nothing stored: a grid still training (its
 * curves are not all there), cells planned for different numbers of epochs (there is no one R), a setting the
 * grid cannot run.
 */
export function replayGridPruning(store: RunStore, gridId: string, rawPruning: unknown): GridPruneReplay {
  const grid = store.grids.getGrid(gridId);
  if (!grid) throw new NotFoundError(`no grid with id ${gridId}`);
  const cells = store.grids.cells(grid.id);
  // Interrupted cells are unfinished too: `grid resume` trains them on, and their curves are cut short.
  const unfinished = cells.filter((c) => ['pending', 'queued', 'running', 'interrupted'].includes(c.status));
  if (unfinished.length > 0) {
    throw new ConflictError(
      `grid ${grid.id.slice(0, 8)} has ${unfinished.length} cell${unfinished.length === 1 ? '' : 's'} still to ` +
        `train: a replay needs every epoch of a finished grid`,
    );
  }
  const planned = new Set(cells.map((c) => c.epochsPlanned));
  if (planned.size !== 1) {
    throw new ConflictError(
      `grid ${grid.id.slice(0, 8)}: its cells are planned for ${[...planned].sort((a, b) => a - b).join(', ')} ` +
        `epochs; pruning needs one number of full epochs (training.epochs the same in every cell)`,
    );
  }
  const [fullEpochs] = planned;
  const epochs = store.grids.cellEpochs(grid.id);
  const replay = replayAsInput(rawPruning, (pruning) =>
    replayPruning(
      pruning,
      cells.map((c) => ({ index: c.index, epochs: c.runId ? (epochs.get(c.runId) ?? []) : [] })),
      fullEpochs,
    ),
  );
  return { gridId: grid.id, ...replay };
}

/**
 * The same replay on any set of runs trained alike (not a grid): the runs are the cells, indexed in the order
 * given. Refused: an unknown run, one still training or interrupted, runs planned for different epochs.
 */
export function replayRunsPruning(
  store: RunStore,
  runIds: readonly string[],
  rawPruning: unknown,
): PruningReplay & { runIds: string[] } {
  const runs = runIds.map((id) => {
    const run = store.getRun(id);
    if (!run) throw new NotFoundError(`--runs: no run with id ${id}`);
    return run;
  });
  const unfinished = runs.filter((r) => ['queued', 'running', 'interrupted', 'paused'].includes(r.status));
  if (unfinished.length > 0) {
    throw new ConflictError(
      `--runs: run ${unfinished[0].id.slice(0, 8)} is ${unfinished[0].status}: a replay needs every epoch of ` +
        `finished runs`,
    );
  }
  const planned = new Set(runs.map((r) => r.config.training.epochs));
  if (planned.size !== 1) {
    throw new ConflictError(
      `--runs: the runs are planned for ${[...planned].sort((a, b) => a - b).join(', ')} epochs; pruning ` +
        `needs one number of full epochs (training.epochs the same in every run)`,
    );
  }
  const [fullEpochs] = planned;
  const replay = replayAsInput(rawPruning, (pruning) =>
    replayPruning(
      pruning,
      runs.map((r, index) => ({ index, epochs: store.getEpochs(r.id) })),
      fullEpochs,
    ),
  );
  return { runIds: runs.map((r) => r.id), ...replay };
}

/** Parses the setting and replays it; a setting the cells cannot run is the API's invalid input. */
function replayAsInput(rawPruning: unknown, run: (pruning: PruningSpec) => PruningReplay): PruningReplay {
  try {
    return run(parsePruning(rawPruning));
  } catch (error) {
    if (error instanceof UserInputError) {
      const path = /^(pruning(?:\.\w+)?)/.exec(error.message)?.[1] ?? 'pruning';
      const message = error.message.slice(error.message.startsWith(`${path}: `) ? path.length + 2 : 0);
      throw new ApiInputError([{ path, message }], error.message);
    }
    throw error;
  }
}
