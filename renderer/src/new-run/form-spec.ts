import type { ConfigIssue } from '../../../common/api/contract';
import { ACTIVATIONS, NORMALIZATIONS, OPTIMIZERS } from '../../../common/config/run-config';
import { getPath } from './config-path';

/** How a field is edited; composite kinds edit a small object or union at their path. */
export type ControlKind =
  | 'text'
  | 'integer'
  | 'number'
  | 'select'
  | 'checkbox'
  | 'int-list'
  | 'optional-int-list'
  | 'tags'
  | 'batch-size'
  | 'split-test'
  | 'init'
  | 'dropout'
  | 'lr-schedule';

/** Choices that depend on the backend: the datasets it knows and the compute backends that load. */
export interface FormOptionsContext {
  datasetIds: readonly { id: string; label: string }[];
  backends: readonly string[];
}

export interface SelectOption {
  value: string;
  label: string;
}

export interface FieldSpec {
  path: string;
  label: string;
  control: ControlKind;
  hint?: string;
  options?: (context: FormOptionsContext) => readonly SelectOption[];
  /** Fields that apply only to some configs (CNN fields, Adam's betas, …). */
  visible?: (draft: unknown) => boolean;
}

export interface SectionSpec {
  title: string;
  fields: readonly FieldSpec[];
}

const plain = (values: readonly string[]) => () => values.map((value) => ({ value, label: value }));
const modelIs = (kind: string) => (draft: unknown) => getPath(draft, 'model.kind') === kind;
const optimizerIn =
  (...names: string[]) =>
  (draft: unknown) =>
    names.includes(String(getPath(draft, 'training.optimizer')));

/**
 * The structured form: every field of the run config schema (common/config/run-config.ts). The JSON
 * editor beside it covers anything a future schema adds before the form catches up.
 */
export const FORM_SECTIONS: readonly SectionSpec[] = [
  {
    title: 'Run',
    fields: [
      { path: 'name', label: 'Name', control: 'text' },
      { path: 'experiment', label: 'Experiment', control: 'text', hint: 'groups related runs' },
      { path: 'description', label: 'Description', control: 'text' },
      { path: 'tags', label: 'Tags', control: 'tags', hint: 'comma-separated' },
      { path: 'seed', label: 'Seed', control: 'integer', hint: 'weights, dropout and batch order' },
      {
        path: 'backend',
        label: 'Backend',
        control: 'select',
        options: (context) => [
          { value: 'auto', label: 'auto (best available)' },
          ...context.backends.map((b) => ({ value: b, label: b })),
        ],
      },
    ],
  },
  {
    title: 'Dataset',
    fields: [
      {
        path: 'dataset.id',
        label: 'Dataset',
        control: 'select',
        options: (context) => context.datasetIds.map(({ id, label }) => ({ value: id, label })),
      },
      {
        path: 'dataset.split.train',
        label: 'Train',
        control: 'number',
        hint: 'count, or a fraction in [0, 1]',
      },
      { path: 'dataset.split.validation', label: 'Validation', control: 'number', hint: 'count or fraction' },
      { path: 'dataset.split.test', label: 'Test', control: 'split-test' },
      { path: 'dataset.shuffleSeed', label: 'Split shuffle seed', control: 'integer' },
      {
        path: 'dataset.normalization',
        label: 'Normalization',
        control: 'select',
        options: plain(NORMALIZATIONS),
        hint: 'statistics from the training split only',
      },
    ],
  },
  {
    title: 'Model',
    fields: [
      {
        path: 'model.kind',
        label: 'Model kind',
        control: 'select',
        options: () => [
          { value: 'mlp', label: 'MLP (dense layers)' },
          { value: 'cnn', label: 'CNN (conv → pool → dense)' },
        ],
      },
      {
        path: 'model.hiddenUnits',
        label: 'Hidden units',
        control: 'int-list',
        hint: 'one size per hidden layer, e.g. 1000, 500; empty = softmax regression',
        visible: modelIs('mlp'),
      },
      { path: 'model.filters', label: 'Filters', control: 'integer', visible: modelIs('cnn') },
      { path: 'model.kernelSize', label: 'Kernel size', control: 'integer', visible: modelIs('cnn') },
      { path: 'model.stride', label: 'Stride', control: 'integer', visible: modelIs('cnn') },
      {
        path: 'model.padding',
        label: 'Padding',
        control: 'select',
        options: plain(['same', 'valid']),
        visible: modelIs('cnn'),
      },
      {
        path: 'model.poolSize',
        label: 'Pool size',
        control: 'integer',
        hint: '1 = no pooling',
        visible: modelIs('cnn'),
      },
      {
        path: 'model.denseUnits',
        label: 'Dense units',
        control: 'int-list',
        hint: 'hidden dense layers after the convolution',
        visible: modelIs('cnn'),
      },
      { path: 'model.batchNorm', label: 'Batch norm', control: 'checkbox', visible: modelIs('cnn') },
      { path: 'model.activation', label: 'Activation', control: 'select', options: plain(ACTIVATIONS) },
      { path: 'model.init', label: 'Weight init', control: 'init' },
      {
        path: 'model.inputSize',
        label: 'Input size',
        control: 'integer',
        hint: 'default: from the dataset',
        visible: modelIs('mlp'),
      },
      {
        path: 'model.inputShape',
        label: 'Input shape',
        control: 'optional-int-list',
        hint: 'height, width, channels; default: from the dataset',
        visible: modelIs('cnn'),
      },
      { path: 'model.outputSize', label: 'Output size', control: 'integer', hint: 'default: the classes' },
    ],
  },
  {
    title: 'Training',
    fields: [
      { path: 'training.optimizer', label: 'Optimizer', control: 'select', options: plain(OPTIMIZERS) },
      { path: 'training.learningRate', label: 'Learning rate', control: 'number' },
      {
        path: 'training.momentum',
        label: 'Momentum',
        control: 'number',
        visible: optimizerIn('momentum', 'nesterov'),
      },
      { path: 'training.beta1', label: 'β1', control: 'number', visible: optimizerIn('adam') },
      { path: 'training.beta2', label: 'β2', control: 'number', visible: optimizerIn('adam') },
      { path: 'training.epsilon', label: 'ε', control: 'number', visible: optimizerIn('adam') },
      { path: 'training.batchSize', label: 'Batch size', control: 'batch-size' },
      { path: 'training.epochs', label: 'Epochs', control: 'integer' },
      {
        path: 'training.lossReduction',
        label: 'Loss reduction',
        control: 'select',
        options: plain(['mean', 'sum']),
        hint: 'how batch losses are combined for the gradient',
      },
      { path: 'training.lrSchedule', label: 'Learning-rate schedule', control: 'lr-schedule' },
      { path: 'training.shuffle', label: 'Shuffle every epoch', control: 'checkbox' },
    ],
  },
  {
    title: 'Regularization',
    fields: [
      { path: 'regularization.l2', label: 'L2 λ', control: 'number' },
      {
        path: 'regularization.l2Convention',
        label: 'L2 convention',
        control: 'select',
        options: () => [
          { value: 'half', label: 'half: λ·Σ‖W‖²/2 (TF l2_loss)' },
          { value: 'full', label: 'full: λ·Σ‖W‖²' },
        ],
      },
      {
        path: 'regularization.l2Covers',
        label: 'L2 covers',
        control: 'select',
        options: plain(['weights', 'weights-and-biases']),
      },
      { path: 'regularization.dropout', label: 'Dropout', control: 'dropout' },
    ],
  },
];

export function visibleFields(draft: unknown): FieldSpec[] {
  return FORM_SECTIONS.flatMap((section) => section.fields).filter((f) => !f.visible || f.visible(draft));
}

/**
 * Which form field shows an issue: the field at its path, or the one whose value contains it
 * (`model.hiddenUnits.1` belongs to Hidden units, `model.init.std` to Weight init). The rest (the config
 * as a whole, fields the form does not show) are listed above the form.
 */
export function fieldForIssue(issuePath: string, fields: readonly FieldSpec[]): string | null {
  let best: string | null = null;
  for (const { path } of fields) {
    if (issuePath === path || issuePath.startsWith(`${path}.`)) {
      if (best === null || path.length > best.length) best = path;
    }
  }
  return best;
}

/** Issues grouped by form field, plus the ones no visible field shows. */
export function assignIssues(
  issues: readonly ConfigIssue[],
  fields: readonly FieldSpec[],
): { byField: Map<string, ConfigIssue[]>; general: ConfigIssue[] } {
  const byField = new Map<string, ConfigIssue[]>();
  const general: ConfigIssue[] = [];
  for (const issue of issues) {
    const field = fieldForIssue(issue.path, fields);
    if (field === null) general.push(issue);
    else byField.set(field, [...(byField.get(field) ?? []), issue]);
  }
  return { byField, general };
}

/** A new model of `kind`, keeping the settings both kinds share (the CNN's own fields take defaults). */
export function switchModelKind(model: unknown, kind: string): Record<string, unknown> {
  const previous = typeof model === 'object' && model !== null ? (model as Record<string, unknown>) : {};
  const shared: Record<string, unknown> = {};
  for (const key of ['activation', 'init', 'outputSize']) {
    if (previous[key] !== undefined) shared[key] = previous[key];
  }
  return kind === 'mlp' ? { kind, hiddenUnits: [100], ...shared } : { kind, ...shared };
}
