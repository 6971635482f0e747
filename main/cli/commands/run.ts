import { formatConfigIssues } from '../../../common/config/config-issues';
import { runConfigSchema } from '../../../common/config/run-config';
import { UserInputError } from '../../../common/errors';
import { APP_VERSION, trainingWorkerFile } from '../../build-info';
import { defaultCacheDir } from '../../app-paths';
import { checkResolvedConfig } from '../../services/config-check';
import { openRunServices } from '../../services/run-services';
import { loadConfigFile, type ConfigOverrides } from '../config-file';
import { resolveDbPath, type GlobalOptions } from '../context';
import { watchRun } from './watch-run';

export interface RunOptions extends GlobalOptions, ConfigOverrides {
  json?: boolean;
  workers?: number;
}

/** `workbench run CONFIG`: trains one run in a worker thread and shows its progress. Returns the exit code. */
export async function runCommand(spec: string, options: RunOptions): Promise<number> {
  const { file, config } = loadConfigFile(spec, runConfigSchema, options);
  const services = await openRunServices({
    dbPath: resolveDbPath(options),
    cacheDir: defaultCacheDir(),
    workerFile: trainingWorkerFile(),
    appVersion: APP_VERSION,
    maxWorkers: options.workers ?? 1,
  });
  // The same full check as runs.start: the dataset, the split, the backend the config asks for, the shapes.
  const check = checkResolvedConfig(config, services.checks);
  if (!check.ok) {
    await services.close(0);
    throw new UserInputError(`${file}: ${formatConfigIssues(check.issues)}`);
  }
  const { runId, done } = services.queue.submit(config, check.dataset.fingerprint);
  return watchRun(services, runId, done, {
    json: options.json,
    name: config.name,
    epochs: config.training.epochs,
  });
}
