import type { ConfigIssue } from '../../common/api/contract';
import {
  configIssuesFromZodError,
  formatConfigIssues,
  parseRunConfigIssues,
} from '../../common/config/config-issues';
import type { RunConfig } from '../../common/config/run-config';
import { UserInputError } from '../../common/errors';
import { describeCell, expandGrid, toInputConfig } from '../../common/grid/expand';
import { gridSpecSchema, type GridSpec } from '../../common/grid/spec';
import type { GridCheck } from '../../common/grid/types';
import type { RunStore } from '../store/run-store';
import type { NewGrid } from '../store/grids';
import { checkResolvedConfig, type ConfigCheckContext } from './config-check';
import { checkGridPruning } from './grid-pruning-check';
import { plannedPruning } from '../../common/grid/pruning';
import { findPresetFile, listPresetNames, readJsonFile } from './presets';

/**
 * From a grid spec as a user wrote it to the cells that will train: the spec's own fields, the base it
 * names, the expansion, and then every cell through the same full check a single run gets (schema,
 * dataset, split, backend, model shapes). Nothing is stored here; a grid with any bad cell is refused
 * with the cell named by its axis values.
 */

export interface GridPlanContext {
  checks: ConfigCheckContext;
  store: RunStore;
  /** Training workers, for the duration estimate. */
  workers: number;
}

export type GridPlan =
  { check: Extract<GridCheck, { ok: true }>; grid: NewGrid } | { check: Extract<GridCheck, { ok: false }> };

/** How many bad cells a refusal lists: enough to see the pattern. */
const BAD_CELLS_SHOWN = 10;
const PREVIEW_CELLS = 50;

export function planGrid(raw: unknown, ctx: GridPlanContext): GridPlan {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return refuse([{ path: '', message: 'expected a JSON object with name, base and axes' }]);
  }
  const parsed = gridSpecSchema.safeParse(raw);
  if (!parsed.success) return refuse(configIssuesFromZodError(parsed.error, raw));
  const spec = parsed.data;

  const base = resolveBase(spec, ctx.store);
  if ('issue' in base) return refuse([base.issue]);

  let expansion;
  try {
    expansion = expandGrid(spec, base.config);
  } catch (error) {
    if (error instanceof UserInputError) {
      const path = error.message.startsWith('sample.') ? 'sample.count' : 'axes';
      return refuse([{ path, message: error.message.replace(/^sample\.count: /, '') }]);
    }
    throw error;
  }

  // Cells differ in a few fields; the dataset and model checks (splitting tens of thousands of examples)
  // depend only on these, so each distinct combination is checked once.
  const sharedChecks = new Map<string, ReturnType<typeof checkResolvedConfig>>();
  const issues: ConfigIssue[] = [];
  let badCells = 0;
  const cells: NewGrid['cells'] = [];
  for (const cell of expansion.cells) {
    const where = `cell ${cell.index} (${describeCell(expansion.axes, cell.values)})`;
    const schema = parseRunConfigIssues(cell.config);
    let cellIssues: ConfigIssue[] = [];
    let config: RunConfig | undefined;
    if (!schema.ok) cellIssues = schema.issues;
    else {
      const key = checkKey(schema.config);
      let check = sharedChecks.get(key);
      if (!check) sharedChecks.set(key, (check = checkResolvedConfig(schema.config, ctx.checks)));
      if (check.ok) {
        config = schema.config;
        cells.push({ ...cell, config, datasetFingerprint: check.dataset.fingerprint });
      } else cellIssues = check.issues;
    }
    if (cellIssues.length > 0) {
      badCells += 1;
      if (badCells <= BAD_CELLS_SHOWN) {
        issues.push({ path: `cells.${cell.index}`, message: `${where}: ${formatConfigIssues(cellIssues)}` });
      }
    }
  }
  if (badCells > 0) {
    if (badCells > BAD_CELLS_SHOWN) {
      issues.push({ path: 'cells', message: `and ${badCells - BAD_CELLS_SHOWN} more cells with problems` });
    }
    return refuse(issues);
  }

  const configs = cells.map((c) => c.config);
  const pruned = spec.pruning ? checkGridPruning(spec.pruning, configs, spec.sample !== undefined) : null;
  if (pruned && 'issues' in pruned) return refuse(pruned.issues);
  const plan = pruned ? plannedPruning(pruned.pruning.spec, pruned.pruning.fullEpochs, configs.length) : null;
  const estimate = estimateDuration(configs, ctx);
  return {
    check: {
      ok: true,
      name: spec.name,
      axes: expansion.axes,
      cells: cells.length,
      preview: expansion.cells.slice(0, PREVIEW_CELLS).map((c) => ({
        index: c.index,
        values: c.values,
        name: String(c.config.name),
      })),
      estimate:
        estimate && plan
          ? {
              ...estimate,
              totalSeconds: (estimate.totalSeconds * plan.epochsPlanned) / plan.epochsFull,
              basis: `${estimate.basis}; the ${plan.epochsPlanned} of ${plan.epochsFull} epochs the pruning plans`,
            }
          : estimate,
      pruning: plan,
    },
    grid: { name: spec.name, spec: raw, axes: expansion.axes, cells, pruning: pruned?.pruning },
  };
}

function refuse(issues: ConfigIssue[]): GridPlan {
  return { check: { ok: false, issues } };
}

function checkKey(config: RunConfig): string {
  return JSON.stringify([
    config.dataset,
    config.model,
    config.backend,
    config.regularization.dropout ?? null,
  ]);
}

/** The base as a config in input form: a preset, an earlier run, or the config given inline. */
function resolveBase(
  spec: GridSpec,
  store: RunStore,
): { config: Record<string, unknown> } | { issue: ConfigIssue } {
  if (typeof spec.base !== 'string') return { config: spec.base };
  try {
    const preset = findPresetFile(spec.base);
    if (preset) {
      const config = readJsonFile(preset);
      if (config === null || typeof config !== 'object' || Array.isArray(config)) {
        return { issue: { path: 'base', message: `preset ${spec.base} is not a JSON object` } };
      }
      return { config: config as Record<string, unknown> };
    }
    const run = store.getRun(spec.base);
    if (run) return { config: toInputConfig(run.config) };
  } catch (error) {
    if (error instanceof UserInputError) return { issue: { path: 'base', message: error.message } };
    throw error;
  }
  return {
    issue: {
      path: 'base',
      message: `"${spec.base}" is neither a preset (${listPresetNames().join(', ')}) nor the id of a run in this store`,
    },
  };
}

/**
 * Seconds per epoch from earlier runs on this machine with the same data, split and model: the honest basis
 * for an estimate. Null when none ran yet (a guess from FLOPs would be off by the backend's speed).
 */
function estimateDuration(
  configs: RunConfig[],
  ctx: GridPlanContext,
): Extract<GridCheck, { ok: true }>['estimate'] {
  const epochSeconds = ctx.store.meanEpochSeconds();
  const byShape = new Map<string, { seconds: number; runs: number }>();
  for (const run of ctx.store.listRunTable()) {
    const mean = epochSeconds.get(run.id);
    if (!mean || run.status !== 'completed') continue;
    const key = shapeKey(run.config);
    const entry = byShape.get(key) ?? { seconds: 0, runs: 0 };
    entry.seconds += mean;
    entry.runs += 1;
    byShape.set(key, entry);
  }
  let total = 0;
  let basisRuns = 0;
  let perEpoch = 0;
  for (const config of configs) {
    const entry = byShape.get(shapeKey(config));
    if (!entry) return null;
    const seconds = entry.seconds / entry.runs;
    total += seconds * config.training.epochs;
    perEpoch += seconds;
    basisRuns = Math.max(basisRuns, entry.runs);
  }
  if (configs.length === 0) return null;
  const workers = Math.max(1, Math.min(ctx.workers, configs.length));
  return {
    secondsPerEpoch: perEpoch / configs.length,
    totalSeconds: total / workers,
    workers,
    basis: `mean epoch time of earlier completed runs with the same data, split and model (${basisRuns} run${
      basisRuns === 1 ? '' : 's'
    }), ${workers} worker${workers === 1 ? '' : 's'} at once`,
  };
}

function shapeKey(config: RunConfig): string {
  return JSON.stringify([config.dataset, config.model, config.training.batchSize]);
}
