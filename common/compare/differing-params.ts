import { flattenParams } from '../config/flatten-params';
import type { RunConfig } from '../config/run-config';

/** What the comparison needs to know about a run. */
export interface CompareRun {
  id: string;
  name: string;
  config: RunConfig;
  startedAt?: string | null;
  /** A fork's parent run and epoch. */
  parent?: { runId: string; epoch: number } | null;
}

/** One hyperparameter that is not the same in every compared run. */
export interface DifferingParam {
  /** The flattened config key, e.g. `regularization.l2`. */
  key: string;
  /** Short, readable name, e.g. "λ (L2)". */
  label: string;
  /** By run id; ABSENT_VALUE where a run's config does not have the field (e.g. no dropout). */
  values: Record<string, string>;
}

/** Shown for a field one run has and another lacks (an optional field such as dropout). */
export const ABSENT_VALUE = '–';

/** Descriptive fields: they differ between runs by design and say nothing about the training. */
const IGNORED_ROOTS = new Set(['name', 'description', 'experiment', 'tags']);

/**
 * Stored only as other spellings of `regularization.dropout.keep` (rate = 1 − keep; which form the user
 * wrote): listing them would say the same difference three times.
 */
const REDUNDANT_KEYS = new Set(['regularization.dropout.rate', 'regularization.dropout.convention']);

/** Display names, in the order differences are listed: what people vary most often first. */
const PARAMS: ReadonlyArray<readonly [key: string, label: string, short: string]> = [
  ['regularization.l2', 'λ (L2)', 'λ'],
  ['regularization.dropout.keep', 'dropout keep p', 'keep p'],
  ['training.learningRate', 'lr', 'lr'],
  ['model.hiddenUnits', 'hidden units', 'hidden'],
  ['training.optimizer', 'optimizer', 'opt'],
  ['training.batchSize', 'batch size', 'batch'],
  ['seed', 'seed', 'seed'],
  ['training.momentum', 'momentum', 'momentum'],
  ['training.beta1', 'β1', 'β1'],
  ['training.beta2', 'β2', 'β2'],
  ['training.epsilon', 'ε', 'ε'],
  ['training.epochs', 'epochs', 'epochs'],
  ['training.lrSchedule.kind', 'lr schedule', 'schedule'],
  ['training.lrSchedule.factor', 'lr decay factor', 'decay'],
  ['training.lrSchedule.everyEpochs', 'lr decay every (epochs)', 'decay every'],
  ['training.lossReduction', 'loss reduction', 'reduction'],
  ['training.shuffle', 'shuffle', 'shuffle'],
  ['model.kind', 'model', 'model'],
  ['model.activation', 'activation', 'act'],
  ['model.init', 'init', 'init'],
  ['model.init.kind', 'init kind', 'init'],
  ['model.init.mean', 'init mean', 'init μ'],
  ['model.init.std', 'init std', 'init σ'],
  ['model.filters', 'filters', 'filters'],
  ['model.kernelSize', 'kernel size', 'kernel'],
  ['model.stride', 'stride', 'stride'],
  ['model.padding', 'padding', 'padding'],
  ['model.poolSize', 'pool size', 'pool'],
  ['model.denseUnits', 'dense units', 'dense'],
  ['model.batchNorm', 'batch norm', 'BN'],
  ['model.inputSize', 'input size', 'input'],
  ['model.inputShape', 'input shape', 'input'],
  ['model.outputSize', 'output size', 'output'],
  ['regularization.l2Convention', 'L2 convention', 'L2 conv'],
  ['regularization.l2Covers', 'L2 covers', 'L2 covers'],
  ['dataset.id', 'dataset', 'data'],
  ['dataset.split.train', 'train examples', 'train'],
  ['dataset.split.validation', 'validation examples', 'val'],
  ['dataset.split.test', 'test examples', 'test'],
  ['dataset.shuffleSeed', 'shuffle seed', 'shuffle seed'],
  ['dataset.normalization', 'normalization', 'norm'],
  ['backend', 'backend', 'backend'],
];
const PARAM_INFO = new Map(PARAMS.map(([key, label, short], rank) => [key, { label, short, rank }]));

/** Differences listed in a legend label before the rest are left to the table of differing params. */
const LEGEND_PARAMS = 3;

/**
 * Flattened config keys whose values are not the same in every run, most commonly varied first. Arrays
 * compare whole (`model.hiddenUnits` = "[1000]" vs "[500]"); their per-element keys are left out.
 */
export function differingParams(runs: readonly CompareRun[]): DifferingParam[] {
  const perRun = runs.map((run) => {
    const params = new Map<string, string>();
    for (const p of flattenParams(run.config)) params.set(p.key, p.text);
    return { id: run.id, params };
  });
  for (const key of mixedKeys(perRun.map((r) => r.params))) {
    for (const { params } of perRun) collapseInto(params, key);
  }
  const allKeys = new Set(perRun.flatMap(({ params }) => [...params.keys()]));
  const differing: DifferingParam[] = [];
  for (const key of allKeys) {
    if (IGNORED_ROOTS.has(key.split('.')[0]) || REDUNDANT_KEYS.has(key) || isArrayElement(key, allKeys))
      continue;
    const values: Record<string, string> = {};
    for (const { id, params } of perRun) values[id] = params.get(key) ?? ABSENT_VALUE;
    if (new Set(Object.values(values)).size > 1) differing.push({ key, label: labelOf(key), values });
  }
  return differing.sort((a, b) => rankOf(a.key) - rankOf(b.key) || a.key.localeCompare(b.key));
}

/**
 * Keys that are a value in one run and an object in another: `model.init` is "xavier" in one config and
 * {kind: "normal", mean: 0, std: 0.1} in the next. Listed field by field they would read as two settings
 * both called "init" (`model.init` and `model.init.kind`); they are one setting, compared whole.
 */
function mixedKeys(runs: ReadonlyArray<ReadonlyMap<string, string>>): string[] {
  const leaves = new Set(runs.flatMap((params) => [...params.keys()]));
  const parents = new Set<string>();
  for (const key of leaves) {
    const parts = key.split('.');
    for (let i = 1; i < parts.length; i += 1) parents.add(parts.slice(0, i).join('.'));
  }
  return [...parents].filter((key) => leaves.has(key));
}

/** Replaces the fields below `key` with one value: "normal (mean 0, std 0.1)". */
function collapseInto(params: Map<string, string>, key: string): void {
  const prefix = `${key}.`;
  const fields = [...params].filter(
    ([k]) => k.startsWith(prefix) && !isArrayElement(k, new Set(params.keys())),
  );
  if (fields.length === 0) return;
  for (const [k] of fields) params.delete(k);
  if (params.has(key)) return;
  const named = new Map(fields.map(([k, v]) => [k.slice(prefix.length), v]));
  const kind = named.get('kind');
  named.delete('kind');
  const rest = [...named].map(([k, v]) => `${k} ${v}`).join(', ');
  params.set(key, kind === undefined ? rest : rest === '' ? kind : `${kind} (${rest})`);
}

/**
 * flattenParams gives a key of its own to leaves and to whole arrays, and lists array elements below the
 * array's key by index (`model.hiddenUnits.0`); the whole array already carries their difference. The
 * index check matters: `model.init` is a leaf in one run ("xavier") and an object in another.
 */
function isArrayElement(key: string, allKeys: ReadonlySet<string>): boolean {
  const parts = key.split('.');
  for (let i = 1; i < parts.length; i += 1) {
    if (/^\d+$/.test(parts[i]) && allKeys.has(parts.slice(0, i).join('.'))) return true;
  }
  return false;
}

function labelOf(key: string): string {
  return PARAM_INFO.get(key)?.label ?? key;
}

function shortLabelOf(key: string): string {
  return PARAM_INFO.get(key)?.short ?? key.split('.').at(-1) ?? key;
}

function rankOf(key: string): number {
  return PARAM_INFO.get(key)?.rank ?? PARAMS.length;
}

/**
 * One unique legend label per run (by run id): the run name, then the hyperparameters that tell the runs
 * apart, e.g. `E5 CNN L2 0.1 · λ=0.1, keep p=–` → `E5 CNN L2 0.1 · λ=0.1`. Fields a run lacks are left out
 * of its label. Where labels still clash (same name, the distinguishing params beyond the first few, or
 * identical configs) more params are added, and then the short run id.
 */
export function legendLabels(runs: readonly CompareRun[]): Record<string, string> {
  const unique = [...new Map(runs.map((run) => [run.id, run])).values()];
  const diffs = differingParams(unique);
  const base: Record<string, string> = {};
  for (const run of unique) base[run.id] = withParams(run, diffs.slice(0, LEGEND_PARAMS));
  for (const group of clashes(unique, base)) {
    // What the label already shows, then whatever else tells this group apart.
    const shown = diffs.slice(0, LEGEND_PARAMS);
    const more = differingParams(group).filter((d) => !shown.some((s) => s.key === d.key));
    for (const run of group) base[run.id] = withParams(run, [...shown, ...more]);
  }
  const labels = { ...base };
  for (const group of clashes(unique, labels)) {
    for (const run of group) labels[run.id] = `${base[run.id]} [${run.id.slice(0, 8)}]`;
  }
  // Ids that share their first 8 characters: only the whole id tells them apart.
  for (const group of clashes(unique, labels)) {
    for (const run of group) labels[run.id] = `${base[run.id]} [${run.id}]`;
  }
  return labels;
}

function withParams(run: CompareRun, diffs: readonly DifferingParam[]): string {
  // A grid cell's name already says its axis values (`E5 L2 · λ=0.1`): they are not said twice.
  const named = new Set(run.name.split(/\s*[·,]\s*/));
  const parts = diffs
    .filter((d) => d.values[run.id] !== ABSENT_VALUE)
    .map((d) => `${shortLabelOf(d.key)}=${d.values[run.id]}`)
    .filter((part) => !named.has(part));
  return parts.length > 0 ? `${run.name} · ${parts.join(', ')}` : run.name;
}

/** Groups of two or more runs that share a label. */
function clashes(runs: readonly CompareRun[], labels: Record<string, string>): CompareRun[][] {
  const byLabel = new Map<string, CompareRun[]>();
  for (const run of runs) byLabel.set(labels[run.id], [...(byLabel.get(labels[run.id]) ?? []), run]);
  return [...byLabel.values()].filter((group) => group.length > 1);
}
