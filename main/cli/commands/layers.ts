import { UserInputError } from '../../../common/errors';
import { inactiveMeaning, type RunLayerStats } from '../../../common/layers/layer-stats';
import { openContext, type GlobalOptions } from '../context';
import { printJson, printTable } from '../output';

export interface LayersOptions extends GlobalOptions {
  json?: boolean;
}

const num = (v: number | null) => (v === null || Number.isNaN(v) ? '–' : v.toPrecision(4));
const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(1)} %`);

/** `workbench layers RUN_ID`: the run's per-layer statistics, epoch by epoch. */
export function layersCommand(runId: string, options: LayersOptions): number {
  const { store } = openContext(options);
  try {
    const run = store.getRun(runId);
    if (!run) throw new UserInputError(`${runId}: no run with this id (see \`workbench runs\`)`);
    const stats: RunLayerStats = store.layerStats(run.id);
    if (options.json) {
      printJson(stats);
      return 0;
    }
    if (stats.layers.length === 0) {
      process.stdout.write(
        `run ${run.id.slice(0, 8)} (${run.name}) logged no layer statistics` +
          (run.config.layerStats === false ? ' (its config has "layerStats": false)' : '') +
          '\n',
      );
      return 0;
    }
    for (const layer of stats.layers) {
      const dead = layer.activation
        ? `dead: ${layer.activation} units ${inactiveMeaning(layer.activation)} on all ${layer.probeExamples} probe examples`
        : 'no activation follows (output layer)';
      process.stdout.write(
        `\n${layer.name} (${layer.kind}, ${layer.params.toLocaleString('en-US')} params; ${dead})\n`,
      );
      printTable(
        ['epoch', '‖W‖', '‖∇W‖ last batch', 'update ratio', 'median w', 'dead'],
        // Points inside epochs (`training.evaluateEvery`) between the epoch ends, by their step.
        [...layer.epochs, ...(layer.points ?? [])]
          .sort((a, b) => a.epoch - b.epoch)
          .map((e) => [
            e.step === undefined ? e.epoch : `${e.epoch.toFixed(2)} (step ${e.step})`,
            num(e.weightNorm),
            num(e.gradNorm),
            num(e.updateRatio),
            num(e.percentiles[4]),
            pct(e.deadFraction),
          ]),
      );
    }
    if (stats.layers.some((l) => (l.points?.length ?? 0) > 0)) {
      process.stdout.write(
        '\nRows with a step are evaluation points inside epochs: their update ratio is from the evaluation ' +
          "before them (point or epoch end), an epoch's from the epoch before it.\n",
      );
    }
    return 0;
  } finally {
    store.close();
  }
}
