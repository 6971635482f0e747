import type { RunTableRow } from '../../../common/api/contract';

/** `grid:e5`, `grid:"E5 small"`, `l2>0.05`, or any other word. */
const TOKEN = /grid:"[^"]*"?|\S+/g;

/** `hidden=2000`, `l2>0.05`, `lr<=1e-4`, `optimizer!=adam`, `status:run`. */
const CONDITION = /^([^=<>!:]+)(>=|<=|!=|=|>|<|:)(.*)$/;

type Operator = '>=' | '<=' | '!=' | '=' | '>' | '<' | ':';

/** A setting or field the filter can compare, read off a row as text. */
type Field = (row: RunTableRow) => string | readonly string[] | null | undefined;

const hyper =
  (key: string): Field =>
  (row) =>
    row.hyper[key];

/**
 * What `key` in `key=value` may be: every key hyperparameter of the table (by its column name, its short
 * name, or its config path), and the run's own fields. Keys are matched without case, `_` or spaces.
 */
const FIELDS: ReadonlyMap<string, Field> = new Map(
  Object.entries({
    hidden: hyper('hidden'),
    hiddenunits: hyper('hidden'),
    conv: hyper('conv'),
    dense: hyper('dense'),
    denseunits: hyper('dense'),
    activation: hyper('activation'),
    act: hyper('activation'),
    optimizer: hyper('optimizer'),
    opt: hyper('optimizer'),
    lr: hyper('lr'),
    learningrate: hyper('lr'),
    momentum: hyper('momentum'),
    batch: hyper('batch'),
    batchsize: hyper('batch'),
    l2: hyper('l2'),
    λ: hyper('l2'),
    lambda: hyper('l2'),
    keep: hyper('keep'),
    keepp: hyper('keep'),
    dropout: hyper('keep'),
    epochs: hyper('epochs'),
    seed: hyper('seed'),
    status: (row) => row.status,
    dataset: (row) => row.datasetId,
    name: (row) => row.name,
    experiment: (row) => row.experiment,
    model: (row) => row.modelKind,
    tag: (row) => row.tags,
    tags: (row) => row.tags,
    valacc: (row) => numberText(row.bestValAcc),
    bestvalacc: (row) => numberText(row.bestValAcc),
    testacc: (row) => numberText(row.lastTestAcc),
    // `parent:ID` (any prefix of the id): the runs forked from that run.
    parent: (row) => row.parent?.runId,
  } satisfies Record<string, Field>),
);

/** Config paths name the same settings: `training.learningRate`, `regularization.l2`, `model.hiddenUnits`. */
function fieldKey(key: string): string {
  return (key.split('.').at(-1) ?? key).toLowerCase().replace(/[\s_-]/g, '');
}

/** The keys the filter knows, for the hint under a filter that names an unknown one. */
export const FILTER_KEYS = [
  'hidden',
  'optimizer',
  'lr',
  'batch',
  'l2',
  'keep',
  'momentum',
  'epochs',
  'seed',
  'status',
  'dataset',
  'tag',
  'valAcc',
  'testAcc',
  'parent',
];

interface Condition {
  field: Field;
  operator: Operator;
  value: string;
}

type Term =
  | { kind: 'text'; word: string }
  | { kind: 'grid'; wanted: string }
  | { kind: 'condition'; condition: Condition }
  | { kind: 'unknown'; key: string };

function parseTerm(word: string): Term {
  if (word.startsWith('grid:'))
    return { kind: 'grid', wanted: word.slice('grid:'.length).replace(/^"|"$/g, '') };
  const match = CONDITION.exec(word);
  if (!match || match[3] === '') return { kind: 'text', word };
  const [, key, operator, value] = match;
  const field = FIELDS.get(fieldKey(key));
  if (field) return { kind: 'condition', condition: { field, operator: operator as Operator, value } };
  // "a:b" with an unknown key is most likely text (a time, a name with a colon); "foo>1" is a typo'd key.
  return operator === ':' ? { kind: 'text', word } : { kind: 'unknown', key };
}

/** Keys in the filter that name no setting: the view says so instead of silently matching nothing. */
export function unknownFilterKeys(text: string): string[] {
  const words = text.toLowerCase().match(TOKEN) ?? [];
  return words.map(parseTerm).flatMap((t) => (t.kind === 'unknown' ? [t.key] : []));
}

/**
 * Comparisons that can match no run as written: `lr<abc` (< and > compare numbers). The filter field says
 * so, rather than the table silently showing nothing. One sentence per problem, naming the setting.
 */
export function filterProblems(text: string): string[] {
  const words = text.match(TOKEN) ?? [];
  return words.flatMap((word) => {
    const term = parseTerm(word.toLowerCase());
    if (term.kind !== 'condition') return [];
    const { operator } = term.condition;
    if (operator !== '<' && operator !== '>' && operator !== '<=' && operator !== '>=') return [];
    const match = CONDITION.exec(word);
    const [key, value] = [match?.[1] ?? '', match?.[3] ?? ''];
    if (numberOf(value) !== null) return [];
    return [
      `“${word}”: ${key} ${operator} needs a number (such as ${key}${operator}0.01), and “${value}” is not one.`,
    ];
  });
}

/**
 * Every word must match. A plain word appears in the run's name, tags, dataset, status, experiment, model or
 * key hyperparameters ("2000" finds the MLP 2000 runs); `key<op>value` compares one setting (`hidden=2000`,
 * `l2>0.05`, `optimizer!=adam`, `status:run`), numerically where both sides are numbers; `grid:<name>`
 * (quoted when it has spaces) matches the grid's name or id only.
 */
export function matchesRunFilter(row: RunTableRow, text: string, gridName?: string | null): boolean {
  const words = text.toLowerCase().match(TOKEN) ?? [];
  if (words.length === 0) return true;
  const grid = row.gridId === null ? '' : [gridName ?? '', row.gridId].join('\u0000').toLowerCase();
  const haystack = [
    row.name,
    row.datasetId,
    row.status,
    row.experiment,
    row.modelKind,
    ...row.tags,
    gridName ?? '',
    ...Object.values(row.hyper),
    hyperText(row),
  ]
    .join('\u0000')
    .toLowerCase();
  return words.every((word) => {
    const term = parseTerm(word);
    switch (term.kind) {
      case 'text':
        return haystack.includes(term.word);
      case 'grid':
        return row.gridId !== null && grid.includes(term.wanted);
      case 'condition':
        return matchesCondition(row, term.condition);
      case 'unknown':
        return false;
    }
  });
}

function matchesCondition(row: RunTableRow, { field, operator, value }: Condition): boolean {
  const raw = field(row);
  const values = raw === null || raw === undefined ? [] : typeof raw === 'string' ? [raw] : raw;
  if (operator === '!=') return !values.some((v) => equal(v, value));
  return values.some((v) => compare(v, operator, value));
}

function compare(actual: string, operator: Exclude<Operator, '!='>, wanted: string): boolean {
  if (operator === '=') return equal(actual, wanted);
  if (operator === ':') return actual.toLowerCase().includes(wanted);
  const a = numberOf(actual);
  const b = numberOf(wanted);
  if (a === null || b === null) return false;
  switch (operator) {
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '>=':
      return a >= b;
    case '<=':
      return a <= b;
  }
}

/** Numbers by value (`lr=0.00001` is `1e-5`), text without case; layer lists as `500x300` or `500×300`. */
function equal(actual: string, wanted: string): boolean {
  const a = numberOf(actual);
  const b = numberOf(wanted);
  if (a !== null && b !== null) return Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a));
  const normal = (s: string) =>
    s
      .toLowerCase()
      .replace(/x/g, '×')
      .replace(/[\s,]+/g, '×');
  return normal(actual) === normal(wanted);
}

/** A number, or a percentage as a fraction ("90%" is 0.9, as accuracies are stored). */
function numberOf(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const percent = trimmed.endsWith('%');
  const n = Number(percent ? trimmed.slice(0, -1) : trimmed);
  if (!Number.isFinite(n)) return null;
  return percent ? n / 100 : n;
}

function numberText(value: number | null): string | null {
  return value === null ? null : String(value);
}

/** Key hyperparameters as one line: "hidden 1000 · momentum · lr 1e-5". */
export function hyperText(row: Pick<RunTableRow, 'hyper'>): string {
  return Object.entries(row.hyper)
    .map(([key, value]) => (key === 'optimizer' ? value : `${key} ${value}`))
    .join(' · ');
}
