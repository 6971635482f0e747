import { changedPaths, sameTensors, tensorChangingPaths } from '../../common/checkpoints/fork';
import type { EpochChoice, RunParent } from '../../common/checkpoints/types';
import { formatConfigIssues } from '../../common/config/config-issues';
import { parseRunConfigIssues } from '../../common/config/config-issues';
import type { RunConfig } from '../../common/config/run-config';
import type { RunDetail } from '../../common/run-types';
import { describeKept } from '../store/checkpoints';
import type { RunStore } from '../store/run-store';
import { checkResolvedConfig, type ConfigCheckContext } from './config-check';
import { ApiInputError, ConflictError, NotFoundError } from './errors';
import type { RunQueue } from './run-queue';
import type { TrainingTaskResult } from './worker/messages';

/**
 * Resume and fork: the checks that come before either, so that a refused one changes nothing, then the
 * queue. Resume continues a stopped run in place from its last checkpoint; a fork is a new run that starts
 * from another run's checkpoint with a changed config. The worker reads the checkpoint when the run starts
 * (worker/training-start.ts).
 */

export interface ContinuationContext {
  store: RunStore;
  queue: RunQueue;
  checks: ConfigCheckContext;
}

export interface Continued {
  runId: string;
  done: Promise<TrainingTaskResult>;
}

function findRun(store: RunStore, runIdOrPrefix: string): RunDetail {
  const run = store.getRun(runIdOrPrefix);
  if (!run) throw new NotFoundError(`no run with id ${runIdOrPrefix}`);
  return run;
}

const short = (id: string) => id.slice(0, 8);

/** The dataset must be the one the run trained on: a changed file would not continue the same curves. */
function requireSameDataset(run: RunDetail, config: RunConfig, ctx: ContinuationContext, what: string) {
  const check = checkResolvedConfig(config, ctx.checks);
  if (!check.ok) {
    throw new ApiInputError(
      check.issues,
      `run ${short(run.id)} cannot ${what}: ${formatConfigIssues(check.issues)}`,
    );
  }
  if (check.dataset.fingerprint !== run.datasetFingerprint) {
    throw new ConflictError(
      `run ${short(run.id)} cannot ${what}: dataset "${run.datasetId}" has changed since it trained on it ` +
        `(fingerprint ${run.datasetFingerprint.slice(0, 12)} then, ${check.dataset.fingerprint.slice(0, 12)} now)`,
    );
  }
  return check;
}

/**
 * Continues a stopped run from its last checkpoint in the same run, to `epochs` in all (default: its
 * planned epochs; required, and larger, for a completed run). Refused: a run queued or running (here or in
 * another process), a diverged one, a completed one without more epochs, one without a checkpoint of its
 * last epoch, one whose dataset changed.
 */
export function resumeRun(
  ctx: ContinuationContext,
  runIdOrPrefix: string,
  options: { epochs?: number } = {},
): Continued & { fromEpoch: number; epochs: number } {
  const run = findRun(ctx.store, runIdOrPrefix);
  const id = short(run.id);
  if (run.status === 'queued' || run.status === 'running') {
    const where = run.ownerPid === null ? '' : ` by pid ${run.ownerPid} on ${run.ownerHost}`;
    throw new ConflictError(`run ${id} is ${run.status}${where}: it is training already, nothing to resume`);
  }
  if (run.status === 'paused') {
    throw new ConflictError(
      `run ${id} is paused at its grid's rung, waiting for the rung's decision: its grid takes it up again ` +
        `if it is promoted (\`workbench grid resume ${run.gridId?.slice(0, 8) ?? 'GRID'}\`); fork it to train it on now`,
    );
  }
  if (run.status === 'pruned') {
    throw new ConflictError(
      `run ${id} was pruned at a rung of its grid: resuming it would train past the decision the grid ` +
        `made; fork it from its last epoch to train it on as a run of its own`,
    );
  }
  if (run.status === 'diverged') {
    throw new ConflictError(
      `run ${id} diverged (${run.error ?? 'non-finite loss'}): resuming would diverge again; ` +
        `fork it from an earlier epoch with a lower learning rate instead`,
    );
  }
  const fromEpoch = lastLoggedEpoch(ctx.store, run.id);
  const planned = run.config.training.epochs;
  const epochs = options.epochs ?? planned;
  if (run.status === 'completed' && options.epochs === undefined) {
    throw new ConflictError(
      `run ${id} completed its ${fromEpoch} epochs: give --epochs M (more than ${fromEpoch}) to extend it`,
    );
  }
  if (epochs < fromEpoch || (run.status === 'completed' && epochs === fromEpoch)) {
    throw new ApiInputError(
      [{ path: 'epochs', message: `expected more than the ${fromEpoch} epochs run ${id} has logged` }],
      `--epochs ${epochs}: run ${id} has logged ${fromEpoch} epochs already; give more to train on`,
    );
  }
  if (fromEpoch > 0) {
    const last = ctx.store.checkpoints.list(run.id).find((c) => c.epoch === fromEpoch);
    if (!last?.trainingState) {
      const kept = ctx.store.checkpoints.list(run.id);
      throw new ConflictError(
        `run ${id} keeps no training state of its last epoch ${fromEpoch} to go on from ` +
          `(kept: ${describeKept(kept)}); re-run it, or fork it from a kept epoch`,
      );
    }
  }
  const config: RunConfig = { ...run.config, training: { ...run.config.training, epochs } };
  requireSameDataset(run, config, ctx, 'be resumed');
  // Read once now, hashes checked: a damaged checkpoint is refused here, before the run is queued again.
  if (fromEpoch > 0) readChecked(ctx.store, run.id, fromEpoch);
  const queued = ctx.queue.resume(run.id, { config, fromEpoch });
  return { ...queued, fromEpoch, epochs };
}

/**
 * A new run from `runIdOrPrefix`'s checkpoint at `epoch`, trained with `rawConfig` (the parent's with the
 * fork's changes) from the epoch after it to its training.epochs. Refused, naming the field: a change that
 * alters the model's tensors, too few epochs, a config that does not check, a dataset of another shape.
 */
export function forkRun(
  ctx: ContinuationContext,
  runIdOrPrefix: string,
  choice: EpochChoice,
  rawConfig: unknown,
): Continued & { parent: RunParent; optimizerState: boolean } {
  const parent = findRun(ctx.store, runIdOrPrefix);
  let epoch: number;
  try {
    epoch = ctx.store.checkpoints.resolveEpoch(parent.id, choice);
  } catch (error) {
    throw new ConflictError((error as Error).message);
  }
  const parsed = parseRunConfigIssues(rawConfig);
  if (!parsed.ok) throw new ApiInputError(parsed.issues);
  const config = parsed.config;
  const refused = tensorChangingPaths(changedPaths(parent.config, config));
  if (refused.length > 0) {
    throw new ApiInputError(
      refused.map((path) => ({ path, message: 'a fork keeps the model it starts from' })),
      `a fork cannot change ${refused.join(', ')}: it continues from run ${short(parent.id)}'s tensors; ` +
        `start a new run for another architecture`,
    );
  }
  if (config.training.epochs <= epoch) {
    throw new ApiInputError(
      [{ path: 'training.epochs', message: `expected more than the fork epoch ${epoch}` }],
      `training.epochs ${config.training.epochs}: a fork from epoch ${epoch} counts its epochs with the parent's; ` +
        `give more than ${epoch}`,
    );
  }
  const check = checkResolvedConfig(config, ctx.checks);
  if (!check.ok) throw new ApiInputError(check.issues);
  const before = checkResolvedConfig(parent.config, ctx.checks);
  if (before.ok && !sameTensors(before.model, check.model)) {
    throw new ApiInputError(
      [{ path: 'dataset.id', message: 'the dataset gives the model other tensors' }],
      `dataset "${config.dataset.id}" has another shape or class count than "${parent.config.dataset.id}" ` +
        `(${before.dataset.shape.join('×')}, ${before.dataset.classes} classes there; ` +
        `${check.dataset.shape.join('×')}, ${check.dataset.classes} classes here): a fork keeps its parent's model`,
    );
  }
  const kept = readChecked(ctx.store, parent.id, epoch);
  const at: RunParent = { runId: parent.id, epoch };
  const queued = ctx.queue.submit(config, check.dataset.fingerprint, at);
  return { ...queued, parent: at, optimizerState: kept.trainingState };
}

/** The checkpoint's info after reading it with its hashes checked; a damaged one is a conflict, one line. */
function readChecked(store: RunStore, runId: string, epoch: number) {
  try {
    return store.checkpoints.read(runId, epoch, { optimizer: true }).info;
  } catch (error) {
    throw new ConflictError((error as Error).message);
  }
}

function lastLoggedEpoch(store: RunStore, runId: string): number {
  const summaries = store.getRun(runId)?.summaries ?? [];
  return summaries.reduce((n, s) => Math.max(n, s.lastEpoch), 0);
}
