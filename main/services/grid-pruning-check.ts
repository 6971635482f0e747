import type { ConfigIssue } from '../../common/api/contract';
import type { RunConfig } from '../../common/config/run-config';
import { policyOf } from '../../common/checkpoints/policy';
import { pruningIssues, type PruningSpec } from '../../common/grid/pruning';
import { METRIC_TEXT } from '../../common/stopping/monitor';
import type { GridPruning } from '../store/grid-pruning';

/**
 * Whether a grid's cells can train under its live pruning, each problem one line naming the field: one
 * number of full epochs for every cell (R), rungs below it, at least η cells, the split the monitor reads,
 * and a last checkpoint to promote a cell from.
 */
export function checkGridPruning(
  spec: PruningSpec,
  configs: readonly RunConfig[],
  sampled: boolean,
): { pruning: GridPruning } | { issues: ConfigIssue[] } {
  const epochs = [...new Set(configs.map((c) => c.training.epochs))].sort((a, b) => a - b);
  if (epochs.length !== 1) {
    return {
      issues: [
        {
          path: 'pruning',
          message:
            `the cells train for ${epochs.join(', ')} epochs: pruning needs one number of full epochs ` +
            `(training.epochs the same in every cell, not an axis)`,
        },
      ],
    };
  }
  const [fullEpochs] = epochs;
  const issues: ConfigIssue[] = pruningIssues(spec, fullEpochs, configs.length).map((line) => {
    const [path, ...rest] = line.split(': ');
    const message = rest.join(': ');
    return {
      path,
      message: sampled && path === 'pruning.reductionFactor' ? `${message} (a sampled grid)` : message,
    };
  });
  const split = spec.monitor.startsWith('val')
    ? 'validation'
    : spec.monitor.startsWith('test')
      ? 'test'
      : null;
  const without = split ? configs.find((c) => c.dataset.split[split] === 0) : undefined;
  if (split && without) {
    issues.push({
      path: 'pruning.monitor',
      message:
        `${spec.monitor} (${METRIC_TEXT[spec.monitor]}) needs a ${split} split, and dataset.split.${split} ` +
        `is 0 in cell "${String(without.name)}": give the split or monitor ${split === 'validation' ? 'trainLoss' : 'valLoss'}`,
    });
  }
  const keepsNothing = configs.find((c) => policyOf(c) === 'none');
  if (keepsNothing) {
    issues.push({
      path: 'checkpoints',
      message:
        `a promoted cell goes on from its last checkpoint, and checkpoints "none" keeps none: ` +
        `use "last" or "best-and-last" (the default) with pruning`,
    });
  }
  return issues.length > 0 ? { issues } : { pruning: { spec, fullEpochs } };
}
