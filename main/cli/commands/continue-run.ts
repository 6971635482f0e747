import { parseSetting, withSetting } from '../../../common/checkpoints/fork';
import { toInputConfig } from '../../../common/config/input-config';
import type { EpochChoice } from '../../../common/checkpoints/types';
import { UserInputError } from '../../../common/errors';
import { APP_VERSION, trainingWorkerFile } from '../../build-info';
import { defaultCacheDir } from '../../app-paths';
import { NotFoundError } from '../../services/errors';
import { forkRun, resumeRun } from '../../services/run-continuation';
import { openRunServices, type RunServices } from '../../services/run-services';
import { resolveDbPath, type GlobalOptions } from '../context';
import { printJson } from '../output';
import { isServiceRefusal } from '../service-refusal';
import { watchRun } from './watch-run';

export interface ResumeOptions extends GlobalOptions {
  epochs?: number;
  json?: boolean;
}

export interface ForkOptions extends GlobalOptions {
  epoch?: EpochChoice;
  set?: string[];
  epochs?: number;
  name?: string;
  json?: boolean;
}

async function openServices(options: GlobalOptions): Promise<RunServices> {
  return openRunServices({
    dbPath: resolveDbPath(options),
    cacheDir: defaultCacheDir(),
    workerFile: trainingWorkerFile(),
    appVersion: APP_VERSION,
    maxWorkers: 1,
  });
}

/** The services' refusals are the user's to fix: one line, exit 1, nothing changed. */
async function refusedAsInput<T>(services: RunServices, body: () => T): Promise<T> {
  try {
    return body();
  } catch (error) {
    await services.close(0);
    if (isServiceRefusal(error)) throw new UserInputError(error.message);
    throw error;
  }
}

/** `workbench resume RUN_ID [--epochs M]`: the same run goes on from its last checkpoint. */
export async function resumeCommand(runId: string, options: ResumeOptions): Promise<number> {
  const services = await openServices(options);
  const resumed = await refusedAsInput(services, () =>
    resumeRun({ store: services.store, queue: services.queue, checks: services.checks }, runId, {
      epochs: options.epochs,
    }),
  );
  const run = services.store.getRun(resumed.runId)!;
  if (options.json)
    printJson({ runId: resumed.runId, resumedFrom: resumed.fromEpoch, epochs: resumed.epochs });
  return watchRun(services, resumed.runId, resumed.done, {
    json: options.json,
    name: run.name,
    epochs: resumed.epochs,
    fromEpoch: resumed.fromEpoch,
    startNote:
      resumed.fromEpoch === 0
        ? 'no epoch was logged before: training from the start'
        : `resumed from the checkpoint of epoch ${resumed.fromEpoch}: epochs ${resumed.fromEpoch + 1}–${resumed.epochs} follow`,
  });
}

/**
 * `workbench fork RUN_ID [--epoch best|last|N] [--set PATH=VALUE]… [--epochs M] [--name NAME]`: a new run
 * from that checkpoint with the parent's config changed as given.
 */
export async function forkCommand(runId: string, options: ForkOptions): Promise<number> {
  const services = await openServices(options);
  const forked = await refusedAsInput(services, () => {
    const parent = services.store.getRun(runId);
    if (!parent) throw new NotFoundError(`${runId}: no run with this id (see \`workbench runs\`)`);
    const choice = options.epoch ?? 'last';
    const epoch = services.store.checkpoints.resolveEpoch(parent.id, choice);
    let config: Record<string, unknown> = {
      ...toInputConfig(parent.config),
      name: options.name ?? `${parent.name} fork@${epoch}`,
    };
    if (options.epochs !== undefined) config = withSetting(config, 'training.epochs', options.epochs);
    for (const text of options.set ?? []) {
      const { path, value } = parseSetting(text);
      config = withSetting(config, path, value);
    }
    return forkRun(
      { store: services.store, queue: services.queue, checks: services.checks },
      parent.id,
      epoch,
      config,
    );
  });
  const run = services.store.getRun(forked.runId)!;
  const { epoch } = forked.parent;
  if (options.json)
    printJson({ runId: forked.runId, parent: forked.parent, optimizerState: forked.optimizerState });
  return watchRun(services, forked.runId, forked.done, {
    json: options.json,
    name: run.name,
    epochs: run.config.training.epochs,
    fromEpoch: epoch,
    startNote:
      `forked from run ${forked.parent.runId.slice(0, 8)} at epoch ${epoch}` +
      (forked.optimizerState
        ? ', optimizer state included'
        : ': that epoch kept the weights only, the optimizer starts fresh'),
  });
}
