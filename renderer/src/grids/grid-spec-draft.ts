import type { ConfigIssue } from '../../../common/api/contract';
import type { PruningKind } from '../../../common/grid/pruning';

/**
 * The grid spec being edited, as plain JSON (what the JSON view shows and grids.check receives), and the
 * edits the form makes to it. Every edit returns a new object, so React and the debounced check see it.
 */
export type SpecDraft = Record<string, unknown>;
export type AxisDraft = Record<string, unknown>;

/** The fields grids sweep most, with values to start from when one is added. */
export const COMMON_AXES: ReadonlyArray<{ path: string; label: string; start: AxisDraft }> = [
  { path: 'regularization.l2', label: 'L2 λ (regularization.l2)', start: { values: [0.01, 0.1, 0.5] } },
  {
    path: 'regularization.dropout.keep',
    label: 'Dropout keep p (regularization.dropout.keep)',
    start: { values: [0.5, 0.75, 0.9] },
  },
  {
    path: 'training.learningRate',
    label: 'Learning rate (training.learningRate)',
    start: { range: { min: 0.0001, max: 0.01, count: 3, scale: 'log' } },
  },
  {
    path: 'training.optimizer',
    label: 'Optimizer (training.optimizer)',
    start: { values: ['sgd', 'momentum', 'adam'] },
  },
  { path: 'training.batchSize', label: 'Batch size (training.batchSize)', start: { values: [32, 100] } },
  { path: 'training.momentum', label: 'Momentum (training.momentum)', start: { values: [0.5, 0.9, 0.99] } },
  { path: 'training.epochs', label: 'Epochs (training.epochs)', start: { values: [5, 10] } },
  { path: 'model.hiddenUnits', label: 'Hidden units (model.hiddenUnits)', start: { values: [[100], [500]] } },
  { path: 'seed', label: 'Seed (seed)', start: { values: [1, 2, 3] } },
];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function specAxes(spec: SpecDraft): AxisDraft[] {
  return Array.isArray(spec.axes) ? spec.axes.map((a) => (isObject(a) ? a : {})) : [];
}

export function withAxes(spec: SpecDraft, axes: AxisDraft[]): SpecDraft {
  return { ...spec, axes };
}

export function setAxis(spec: SpecDraft, index: number, axis: AxisDraft): SpecDraft {
  return withAxes(
    spec,
    specAxes(spec).map((a, i) => (i === index ? axis : a)),
  );
}

/** A new axis over the first common field no axis uses yet. */
export function addAxis(spec: SpecDraft): SpecDraft {
  const used = new Set(specAxes(spec).map((a) => a.path));
  const next = COMMON_AXES.find((c) => !used.has(c.path)) ?? { path: '', start: { values: [] } };
  return withAxes(spec, [...specAxes(spec), { path: next.path, ...structuredClone(next.start) }]);
}

export function removeAxis(spec: SpecDraft, index: number): SpecDraft {
  return withAxes(
    spec,
    specAxes(spec).filter((_, i) => i !== index),
  );
}

/** Changes the field an axis sweeps; a common field brings its starting values along when the axis has none. */
export function setAxisPath(axis: AxisDraft, path: string): AxisDraft {
  const common = COMMON_AXES.find((c) => c.path === path);
  const empty = axisMode(axis) === 'values' && (!Array.isArray(axis.values) || axis.values.length === 0);
  const { label: _label, ...rest } = axis;
  return common && (empty || axis.path !== path)
    ? { path, ...structuredClone(common.start) }
    : { ...rest, path };
}

export function axisMode(axis: AxisDraft): 'values' | 'range' {
  return axis.range !== undefined ? 'range' : 'values';
}

/** List ⇄ range, carrying over what fits: a list's smallest and largest numbers become the range's ends. */
export function switchAxisMode(axis: AxisDraft, mode: 'values' | 'range'): AxisDraft {
  if (axisMode(axis) === mode) return axis;
  const { values, range, ...rest } = axis;
  if (mode === 'range') {
    const numbers = (Array.isArray(values) ? values : []).filter((v): v is number => typeof v === 'number');
    const min = numbers.length > 0 ? Math.min(...numbers) : 0.001;
    const max = numbers.length > 0 ? Math.max(...numbers) : 0.1;
    const log = min > 0 && max / min >= 100;
    return {
      ...rest,
      range: { min, max, count: Math.max(2, numbers.length || 3), scale: log ? 'log' : 'linear' },
    };
  }
  const r = isObject(range) ? range : {};
  return { ...rest, values: [r.min, r.max].filter((v) => typeof v === 'number') };
}

export function axisRange(axis: AxisDraft): Record<string, unknown> {
  return isObject(axis.range) ? axis.range : {};
}

export interface PlacedIssues {
  byAxis: ConfigIssue[][];
  name: ConfigIssue[];
  base: ConfigIssue[];
  override: ConfigIssue[];
  repeats: ConfigIssue[];
  /** `cells.N`: a cell whose config fails the run checks (the message names its axis values). */
  cells: ConfigIssue[];
  /** `pruning` and `pruning.<field>`: shown next to the Pruning fields (PruningFieldset). */
  pruning: ConfigIssue[];
  general: ConfigIssue[];
}

/** The config field a bad cell's message names: `cell 2 (lr=fast, hidden=4): training.learningRate: expected …`. */
const CELL_FIELD = /\): ([A-Za-z][\w.]*): /;

/**
 * Every issue goes next to the control it is about; what has no control is listed above the form. A bad
 * cell is listed with the grid and also under the axis whose field it names, since that is what to fix.
 */
export function placeIssues(issues: readonly ConfigIssue[], axisPaths: readonly string[]): PlacedIssues {
  const axisCount = axisPaths.length;
  const placed: PlacedIssues = {
    byAxis: Array.from({ length: axisCount }, () => []),
    name: [],
    base: [],
    override: [],
    repeats: [],
    cells: [],
    pruning: [],
    general: [],
  };
  for (const issue of issues) {
    const [head, second] = issue.path.split('.');
    const axis = head === 'axes' ? Number(second) : NaN;
    if (Number.isInteger(axis) && axis >= 0 && axis < axisCount) placed.byAxis[axis].push(issue);
    else if (head === 'name') placed.name.push(issue);
    else if (head === 'base') placed.base.push(issue);
    else if (head === 'override') placed.override.push(issue);
    else if (head === 'repeats' || head === 'order' || head === 'sample') placed.repeats.push(issue);
    else if (head === 'pruning') placed.pruning.push(issue);
    else if (head === 'cells') {
      placed.cells.push(issue);
      const field = CELL_FIELD.exec(issue.message)?.[1];
      const owner = field === undefined ? -1 : axisPaths.indexOf(field);
      if (owner >= 0) placed.byAxis[owner].push(issue);
    } else placed.general.push(issue);
  }
  return placed;
}

/** What a new grid's pruning starts from: η = 3 (Li et al.'s default), the first rung after one epoch. */
export const PRUNING_START = { monitor: 'valLoss', minEpochs: 1, reductionFactor: 3 } as const;

/** The spec's pruning as edited (any shape the JSON gives it), or null without one. */
export function specPruning(spec: SpecDraft): Record<string, unknown> | null {
  return isObject(spec.pruning) ? spec.pruning : null;
}

/**
 * Turns pruning off (`none`: the field goes) or picks its kind, keeping what was set for the other kind
 * and starting a new one from PRUNING_START.
 */
export function setPruningKind(spec: SpecDraft, kind: PruningKind | 'none'): SpecDraft {
  const next = { ...spec };
  if (kind === 'none') {
    delete next.pruning;
    return next;
  }
  next.pruning = { ...PRUNING_START, ...(specPruning(spec) ?? {}), kind };
  return next;
}

/** One field of the pruning, as typed (a text the check will name stays text); absent when emptied. */
export function setPruningField(
  spec: SpecDraft,
  field: 'monitor' | 'minEpochs' | 'reductionFactor',
  value: unknown,
): SpecDraft {
  const pruning = { ...(specPruning(spec) ?? {}) };
  if (value === undefined) delete pruning[field];
  else pruning[field] = value;
  return { ...spec, pruning };
}

/**
 * The pruning issues by the field they name: `pruning.minEpochs` next to r, `pruning.reductionFactor` next to
 * η, `pruning.monitor` next to the monitor; the rest (`pruning`, `pruning.kind`, anything else) by the kind.
 */
export function placePruningIssues(issues: readonly ConfigIssue[]): {
  kind: ConfigIssue[];
  monitor: ConfigIssue[];
  minEpochs: ConfigIssue[];
  reductionFactor: ConfigIssue[];
} {
  const placed = {
    kind: [] as ConfigIssue[],
    monitor: [] as ConfigIssue[],
    minEpochs: [] as ConfigIssue[],
    reductionFactor: [] as ConfigIssue[],
  };
  for (const issue of issues) {
    const field = issue.path.split('.')[1];
    if (field === 'monitor' || field === 'minEpochs' || field === 'reductionFactor')
      placed[field].push(issue);
    else placed.kind.push(issue);
  }
  return placed;
}
