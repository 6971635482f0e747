import type { EpochChoice } from '../../../common/checkpoints/types';
import { UserInputError } from '../../../common/errors';
import { describeSplit } from '../../../common/model-eval/evaluation';
import type { EvaluationSplit, ModelEvaluation } from '../../../common/model-eval/types';
import { selectBackend } from '../../engine/backend/select-backend';
import { evaluateKeptModel } from '../../services/models/evaluate-model';
import { openContext, type GlobalOptions } from '../context';
import { fmt, pct, printJson, printTable } from '../output';

export interface EvaluateOptions extends GlobalOptions {
  epoch?: EpochChoice;
  split?: string;
  dataset?: string;
  json?: boolean;
}

const SPLITS: readonly EvaluationSplit[] = ['train', 'validation', 'test'];

/** How many mistakes the text output lists. */
const MISTAKES_SHOWN = 10;

function parseSplit(text: string | undefined): EvaluationSplit | undefined {
  if (text === undefined) return undefined;
  const split = SPLITS.find((s) => s === text);
  if (!split) throw new UserInputError(`--split ${text}: expected train, validation or test`);
  return split;
}

/**
 * `workbench evaluate RUN_ID [--epoch best|last|N] [--split train|validation|test] [--dataset ID]`: what a kept
 * model gets right and wrong: loss, accuracy, the confusion matrix, precision / recall / F1 per class and
 * its most confident mistakes.
 */
export async function evaluateCommand(runId: string, options: EvaluateOptions): Promise<number> {
  const split = parseSplit(options.split);
  const { store, cacheDir } = openContext(options);
  try {
    const backend = await selectBackend('auto');
    const evaluation = evaluateKeptModel(store, cacheDir, runId, {
      epoch: options.epoch,
      split,
      datasetId: options.dataset,
    });
    if (options.json) {
      printJson(evaluation);
      return 0;
    }
    const run = store.getRun(evaluation.runId);
    const kinds =
      store.checkpoints.list(evaluation.runId).find((c) => c.epoch === evaluation.epoch)?.kinds ?? [];
    process.stdout.write(
      `Run ${evaluation.runId.slice(0, 8)} (${run?.name ?? '?'}), epoch ${evaluation.epoch}` +
        `${kinds.length > 0 ? ` (${kinds.join(', ')})` : ''}, on the ${describeSplit(evaluation.split)}: ` +
        `${evaluation.examples} examples, on ${backend.chosen}\n`,
    );
    printText(evaluation);
    return 0;
  } finally {
    store.close();
  }
}

function printText(evaluation: ModelEvaluation): void {
  const { classes, confusion, perClass, mistakes, examples } = evaluation;
  const correct = confusion.reduce((sum, row, i) => sum + row[i], 0);
  process.stdout.write(
    `loss ${fmt(evaluation.loss)}  accuracy ${pct(evaluation.accuracy)} (${correct} of ${examples} right)\n\n`,
  );
  process.stdout.write('Confusion matrix (rows: true class, columns: predicted)\n');
  printTable(
    ['true \\ predicted', ...classes],
    confusion.map((row, i) => [classes[i], ...row]),
  );
  process.stdout.write('\nPer class\n');
  printTable(
    ['class', 'precision', 'recall', 'F1', 'support'],
    perClass.map((m) => [m.class, pct(m.precision), pct(m.recall), fmt(m.f1, 3), m.support]),
  );
  if (mistakes.length === 0) {
    process.stdout.write('\nNo mistakes.\n');
    return;
  }
  const shown = mistakes.slice(0, MISTAKES_SHOWN);
  process.stdout.write(
    `\nMost confident mistakes (${shown.length} of ${mistakes.length}; index: position in the ${describeSplit(evaluation.split)})\n`,
  );
  printTable(
    ['index', 'true', 'predicted', 'confidence'],
    shown.map((m) => [m.index, classes[m.label], classes[m.predicted], pct(m.confidence)]),
  );
}
