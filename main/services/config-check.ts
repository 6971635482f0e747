import type { ConfigCheck, ConfigIssue } from '../../common/api/contract';
import { configIssueFromMessage, parseRunConfigIssues } from '../../common/config/config-issues';
import type { RunConfig } from '../../common/config/run-config';
import { UserInputError } from '../../common/errors';
import { describeModel } from '../../common/model/summary';
import type { BackendCandidate, BackendName, DatasetInfo } from '../../common/types';
import type { ImportedDatasetStore } from '../datasets/catalog';
import { preflightRun } from '../services/run-preflight';
import { ApiInputError } from './errors';

/**
 * Everything a run is checked against before it is queued, in the order a user fixes things: the config's
 * own fields, then the dataset it names, the backend it asks for, and whether the model fits the data.
 */

export interface ConfigCheckContext {
  datasets: ImportedDatasetStore;
  cacheDir: string;
  /** Backends a run may ask for here, best first. */
  availableBackends: readonly BackendName[];
  /** The backend chain as this process found it, to say why one is missing. */
  candidates: readonly BackendCandidate[];
}

export type ValidConfig = Extract<ConfigCheck, { ok: true }>;

/** A raw config (from a form, a file, a request): issues per field, never a throw for a bad config. */
export function checkRunConfig(raw: unknown, ctx: ConfigCheckContext): ConfigCheck {
  const parsed = parseRunConfigIssues(raw);
  if (!parsed.ok) return parsed;
  return checkResolvedConfig(parsed.config, ctx);
}

/** A config that already went through the schema (a stored one, for a re-run). */
export function checkResolvedConfig(config: RunConfig, ctx: ConfigCheckContext): ConfigCheck {
  const data = checkDataset(config, ctx);
  const backendIssue = checkBackend(config.backend, ctx);
  const issues = [...('issue' in data ? [data.issue] : []), ...(backendIssue ? [backendIssue] : [])];
  if (!('dataset' in data) || issues.length > 0) return { ok: false, issues };
  const { dataset } = data;
  try {
    const model = describeModel(config.model, dataset.shape, dataset.classes, {
      dropoutKeep: config.regularization.dropout?.keep,
    });
    return { ok: true, config, dataset, model };
  } catch (error) {
    // The shapes do not fit, e.g. a CNN whose pooling leaves nothing of a small image.
    return { ok: false, issues: [{ path: 'model', message: (error as Error).message }] };
  }
}

/** As checkRunConfig, but a bad config throws ApiInputError with the issues (the dispatcher's invalid-input). */
export function requireValidConfig(raw: unknown, ctx: ConfigCheckContext): ValidConfig {
  const check = checkRunConfig(raw, ctx);
  if (!check.ok) throw new ApiInputError(check.issues);
  return check;
}

/** The dataset the config names, or why it cannot train on it. */
function checkDataset(
  config: RunConfig,
  ctx: ConfigCheckContext,
): { dataset: DatasetInfo } | { issue: ConfigIssue } {
  try {
    return { dataset: preflightRun(config, ctx.datasets, ctx.cacheDir) };
  } catch (error) {
    // Preflight messages start with the field they are about ("dataset.split: …").
    if (error instanceof UserInputError) return { issue: configIssueFromMessage(error.message) };
    throw error;
  }
}

function checkBackend(wanted: RunConfig['backend'], ctx: ConfigCheckContext): ConfigIssue | undefined {
  if (wanted === 'auto' || ctx.availableBackends.includes(wanted)) return undefined;
  const reason = ctx.candidates.find((c) => c.name === wanted)?.reason;
  return {
    path: 'backend',
    message:
      `"${wanted}" is not available here${reason ? ` (${reason})` : ''}: ` +
      `use "auto" or one of ${ctx.availableBackends.join(', ')}`,
  };
}
