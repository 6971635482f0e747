import type { ConfigIssue } from '../../../common/api/contract';
import { changedPaths, sameTensors, tensorChangingPaths } from '../../../common/checkpoints/fork';
import type { ModelConfig } from '../../../common/config/run-config';
import { describeModel } from '../../../common/model/summary';
import type { DatasetInfo } from '../../../common/types';
import type { CheckpointInfo, EpochChoice } from '../../../common/checkpoints/types';

/** What New run knows in fork mode: the parent, its config as the editor takes it, and the fork epoch. */
export interface ForkSource {
  parentId: string;
  parentName: string;
  /** The parent's stored config, as the editor takes it: the form starts on it. */
  parentConfig: Record<string, unknown>;
  /** The kept checkpoint the fork continues from. */
  checkpoint: CheckpointInfo;
  /** The parent's model, as stored: a fork keeps its tensors, so a dataset must give this model the same. */
  parentModel: ModelConfig;
}

/** The kept checkpoint `choice` names, or a sentence naming the epochs that are kept. */
export function resolveForkEpoch(
  checkpoints: readonly CheckpointInfo[],
  choice: EpochChoice,
): CheckpointInfo | string {
  const found =
    typeof choice === 'number'
      ? checkpoints.find((c) => c.epoch === choice)
      : checkpoints.find((c) => c.kinds.includes(choice));
  if (found) return found;
  const kept = checkpoints.map((c) => c.epoch).join(', ');
  return `${typeof choice === 'number' ? `Epoch ${choice}` : `A ${choice} epoch`} has no kept checkpoint to fork from (${kept === '' ? 'this run keeps none' : `kept: ${kept}`}).`;
}

/**
 * The problems of a fork's config the service would refuse, found as it is typed: a change to a field that
 * decides the model's tensors (named), a dataset whose input shape or class count gives the parent's model
 * other tensors (`datasets`: those New run lists), and fewer epochs in all than the fork point.
 */
export function forkIssues(
  source: ForkSource,
  draft: Record<string, unknown>,
  datasets: readonly Pick<DatasetInfo, 'id' | 'shape' | 'classes'>[] = [],
): ConfigIssue[] {
  const changed = changedPaths(source.parentConfig, draft);
  const issues: ConfigIssue[] = tensorChangingPaths(changed).map((path) => ({
    path,
    message: `a fork keeps the model it starts from: ${path} cannot change (start a new run for another architecture)`,
  }));
  const datasetOf = (config: Record<string, unknown>) => {
    const id = (config.dataset as { id?: unknown } | undefined)?.id;
    return datasets.find((d) => d.id === id);
  };
  const before = datasetOf(source.parentConfig);
  const after = datasetOf(draft);
  const parentDataset = before?.id;
  if (
    issues.length === 0 &&
    before &&
    after &&
    before.id !== after.id &&
    !sameModelOn(source.parentModel, before, after)
  ) {
    issues.push({
      path: 'dataset.id',
      message: `a fork keeps the model it starts from: this dataset's input shape or class count gives it other tensors than "${String(parentDataset)}" did`,
    });
  }
  const epochs = (draft.training as { epochs?: unknown } | undefined)?.epochs;
  const at = source.checkpoint.epoch;
  if (typeof epochs === 'number' && epochs <= at) {
    issues.push({
      path: 'training.epochs',
      message: `expected more than ${at}: a fork from epoch ${at} counts its epochs with the parent's`,
    });
  }
  return issues;
}

/** The settings the fork changes, as the banner lists them: `training.learningRate`. */
export function forkChanges(source: ForkSource, draft: Record<string, unknown>): string[] {
  return changedPaths(source.parentConfig, draft).filter((p) => p !== 'name');
}

/** Whether the model has the same tensors on both datasets (a model that does not fit one has not). */
function sameModelOn(
  model: ModelConfig,
  a: Pick<DatasetInfo, 'shape' | 'classes'>,
  b: Pick<DatasetInfo, 'shape' | 'classes'>,
): boolean {
  try {
    return sameTensors(describeModel(model, a.shape, a.classes), describeModel(model, b.shape, b.classes));
  } catch {
    return false;
  }
}
