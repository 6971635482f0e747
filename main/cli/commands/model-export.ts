import { parseEpochChoice } from '../../../common/checkpoints/types';
import { UserInputError } from '../../../common/errors';
import { APP_VERSION } from '../../build-info';
import { checkExportTarget, writeModelExport } from '../../services/models/export-files';
import { parseExportFormat, readModelExport } from '../../services/models/export-model';
import { openContext, type GlobalOptions } from '../context';
import { printJson } from '../output';

export interface ModelExportOptions extends GlobalOptions {
  epoch?: string;
  format?: string;
  out?: string;
  json?: boolean;
}

/** `workbench model export RUN_ID [--epoch best|last|N] --format npz|tfjs --out PATH`. */
export function modelExportCommand(runId: string, options: ModelExportOptions): number {
  if (!options.format) throw new UserInputError('model export: --format npz|tfjs is required');
  if (!options.out) throw new UserInputError('model export: --out PATH is required');
  const format = parseExportFormat(options.format);
  const epoch = options.epoch === undefined ? undefined : parseEpochChoice(options.epoch);
  if (epoch === null) {
    throw new UserInputError(`--epoch: expected best, last or an epoch ≥ 1, got "${options.epoch}"`);
  }
  // Before the store and the dataset are read: a bad --out is known at once.
  checkExportTarget(options.out, format);
  const { store, cacheDir } = openContext(options);
  try {
    const model = readModelExport(store, runId, { epoch, cacheDir });
    const written = writeModelExport(model, format, options.out, APP_VERSION);
    if (options.json) {
      printJson({
        runId: model.runId,
        epoch: model.epoch,
        checkpoint: model.kinds,
        format,
        path: written.path,
        files: written.files,
        bytes: written.bytes,
      });
      return 0;
    }
    const kinds = model.kinds.length > 0 ? ` (${model.kinds.join(', ')})` : '';
    process.stdout.write(
      `${written.path}: run ${model.runId.slice(0, 8)} "${model.runName}" at epoch ${model.epoch}${kinds} as ` +
        `${format === 'npz' ? '.npz' : 'a tfjs LayersModel folder'}, ${written.bytes.toLocaleString('en')} bytes; ` +
        `inputs are normalised as (x.reshape(n, -1) - mean) * scale (${model.normalization.method})\n`,
    );
    return 0;
  } finally {
    store.close();
  }
}
