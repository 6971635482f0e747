import { modelOnlyConfigSchema, runConfigSchema, type ModelConfig } from '../../../common/config/run-config';
import { UserInputError } from '../../../common/errors';
import { describeModel } from '../../../common/model/summary';
import { listDatasets, loadDataset } from '../../datasets/catalog';
import { prepareTrainingData } from '../../datasets/prepare';
import { selectBackend } from '../../engine/backend/select-backend';
import { gradientCheck } from '../../engine/gradcheck/gradcheck';
import { preflightRun } from '../../services/run-preflight';
import { loadConfigFile } from '../config-file';
import { openContext, type GlobalOptions } from '../context';
import { printJson, printTable } from '../output';

interface JsonOption extends GlobalOptions {
  json?: boolean;
}

function declaredShape(model: ModelConfig): { input?: number[]; output?: number } {
  if (model.kind === 'mlp')
    return { input: model.inputSize ? [model.inputSize] : undefined, output: model.outputSize };
  return { input: model.inputShape, output: model.outputSize };
}

/** `workbench summary CONFIG`: layers and parameter counts, without training. */
export function summaryCommand(spec: string, options: JsonOption): number {
  const { file, config } = loadConfigFile(spec, modelOnlyConfigSchema);
  let { input, output } = declaredShape(config.model);
  if (input === undefined || output === undefined) {
    if (!config.dataset) {
      throw new UserInputError(
        `${file}: model: give inputSize and outputSize (or a dataset) so the model's shape is known`,
      );
    }
    const { store, cacheDir } = openContext(options);
    const dataset = listDatasets(store, { cacheDir }).find((d) => d.id === config.dataset?.id);
    store.close();
    if (!dataset) throw new UserInputError(`${file}: dataset.id: unknown dataset "${config.dataset.id}"`);
    input ??= dataset.shape;
    output ??= dataset.classes;
  }
  const summary = describeModel(config.model, input, output);
  if (options.json) {
    printJson(summary);
    return 0;
  }
  printTable(
    ['layer', 'kind', 'output shape', 'parameters'],
    summary.layers.map((l) => [
      l.name,
      l.kind,
      `[${l.outputShape.join(', ')}]`,
      l.params.toLocaleString('en'),
    ]),
  );
  process.stdout.write(`Total learnable parameters: ${summary.totalParams.toLocaleString('en')}\n`);
  return 0;
}

/** `workbench gradcheck CONFIG`: analytic vs. finite-difference gradients on a few training examples. */
export async function gradcheckCommand(
  spec: string,
  options: JsonOption & { examples?: number },
): Promise<number> {
  const { config } = loadConfigFile(spec, runConfigSchema);
  const ctx = openContext(options);
  try {
    preflightRun(config, ctx.store, ctx.cacheDir);
    const backend = await selectBackend(config.backend);
    const loaded = loadDataset(config.dataset.id, ctx.store, { cacheDir: ctx.cacheDir });
    const data = prepareTrainingData(loaded, config.dataset);
    const result = gradientCheck(config, data, { examples: options.examples ?? 8 });
    if (options.json) {
      printJson({ backend: backend.chosen, ...result });
      return 0;
    }
    printTable(
      ['tensor', 'shape', 'entries checked', 'max relative error', 'max absolute error', 'skipped at kinks'],
      result.tensors.map((t) => [
        t.name,
        `[${t.shape.join(', ')}]`,
        t.checked,
        t.maxRelativeError.toExponential(2),
        t.maxAbsoluteError.toExponential(2),
        t.skippedAtKinks,
      ]),
    );
    process.stdout.write(
      `Largest relative error: ${result.maxRelativeError.toExponential(2)} (backend ${backend.chosen}; ` +
        `central differences on ${options.examples ?? 8} training examples, dropout off)\n`,
    );
    return 0;
  } finally {
    ctx.store.close();
  }
}
