import { useId } from 'react';
import type { ConfigIssue } from '../../../common/api/contract';
import { formatAxisValue } from '../../../common/grid/expand';
import type { ResolvedAxis } from '../../../common/grid/spec';
import { FieldIssues } from '../new-run/FieldIssues';
import { formatValueText, parseNumberText } from '../new-run/text-parse';
import { useSyncedText } from '../new-run/use-synced-text';
import { formatAxisValues, isListField, parseAxisValues } from './axis-text';
import {
  axisMode,
  axisRange,
  COMMON_AXES,
  setAxisPath,
  switchAxisMode,
  type AxisDraft,
} from './grid-spec-draft';

const OTHER = '@other';

const PLACEHOLDERS: Record<string, string> = {
  'model.hiddenUnits': '100; 500; 500 500   or   [100], [500]',
  'training.optimizer': 'sgd, momentum, adam',
  'training.batchSize': '32, 100, full',
};

interface AxisEditorProps {
  axis: AxisDraft;
  index: number;
  /** The axis as the last successful check resolved it (values of a range, how it is drawn). */
  resolved: ResolvedAxis | undefined;
  issues: readonly ConfigIssue[];
  onChange: (axis: AxisDraft) => void;
  onRemove: () => void;
}

/** One axis: the field it sweeps (a common one, or any dotted path) and its values, as a list or a range. */
export function AxisEditor({ axis, index, resolved, issues, onChange, onRemove }: AxisEditorProps) {
  const id = useId();
  const path = typeof axis.path === 'string' ? axis.path : '';
  const common = COMMON_AXES.some((c) => c.path === path);
  const mode = axisMode(axis);
  const hasIssues = issues.length > 0;
  return (
    <fieldset
      className={hasIssues ? 'axis-editor has-error' : 'axis-editor'}
      data-testid="axis-editor"
      data-axis={index}
    >
      <legend>Axis {index + 1}</legend>
      <div className="axis-row">
        <label htmlFor={`${id}-field`}>Field</label>
        <select
          id={`${id}-field`}
          value={common ? path : OTHER}
          onChange={(e) => onChange(setAxisPath(axis, e.target.value === OTHER ? '' : e.target.value))}
          data-testid="axis-path"
        >
          {COMMON_AXES.map((c) => (
            <option key={c.path} value={c.path}>
              {c.label}
            </option>
          ))}
          <option value={OTHER}>Other field…</option>
        </select>
        {!common && (
          <input
            type="text"
            aria-label={`Axis ${index + 1} field path`}
            placeholder="model.activation"
            value={path}
            onChange={(e) => onChange({ ...axis, path: e.target.value.trim() })}
            data-testid="axis-path-other"
          />
        )}
        <button
          type="button"
          className="link-button"
          onClick={onRemove}
          aria-label={`Remove axis ${index + 1}`}
          data-testid="remove-axis"
        >
          Remove
        </button>
      </div>
      <div className="axis-row" role="radiogroup" aria-label={`Axis ${index + 1} values as`}>
        <span className="axis-row-label">Values</span>
        <label className="inline-check">
          <input
            type="radio"
            name={`${id}-mode`}
            checked={mode === 'values'}
            onChange={() => onChange(switchAxisMode(axis, 'values'))}
            data-testid="axis-mode-list"
          />
          list
        </label>
        <label className="inline-check">
          <input
            type="radio"
            name={`${id}-mode`}
            checked={mode === 'range'}
            onChange={() => onChange(switchAxisMode(axis, 'range'))}
            data-testid="axis-mode-range"
          />
          range
        </label>
      </div>
      {mode === 'values' ? (
        <ValuesField
          key={path}
          axis={axis}
          path={path}
          id={`${id}-values`}
          index={index}
          invalid={hasIssues}
          onChange={onChange}
        />
      ) : (
        <RangeFields axis={axis} index={index} onChange={onChange} />
      )}
      {resolved && !hasIssues && (
        <p className="hint axis-resolved" data-testid="axis-resolved">
          {resolved.values.length} value{resolved.values.length === 1 ? '' : 's'}:{' '}
          {resolved.values.slice(0, 12).map(formatAxisValue).join(', ')}
          {resolved.values.length > 12 ? ', …' : ''} · shown as {resolved.label}
          {resolved.scale === 'log'
            ? ', on a log axis'
            : resolved.scale === 'categorical'
              ? ', as categories'
              : ''}
        </p>
      )}
      <FieldIssues issues={issues} />
    </fieldset>
  );
}

function ValuesField({
  axis,
  path,
  id,
  index,
  invalid,
  onChange,
}: {
  axis: AxisDraft;
  path: string;
  id: string;
  index: number;
  invalid: boolean;
  onChange: (axis: AxisDraft) => void;
}) {
  const values = Array.isArray(axis.values) ? axis.values : [];
  const [text, setText] = useSyncedText<unknown[]>(
    values,
    (v) => formatAxisValues(v, path),
    (t) => parseAxisValues(t, path),
    (v) => onChange({ ...axis, values: v }),
  );
  return (
    <div className="axis-row">
      <label htmlFor={id}>List</label>
      <input
        id={id}
        type="text"
        className="axis-values"
        value={text}
        placeholder={PLACEHOLDERS[path] ?? '0.01, 0.1, 0.5'}
        onChange={(e) => setText(e.target.value)}
        aria-label={`Axis ${index + 1} values`}
        aria-invalid={invalid || undefined}
        data-testid="axis-values"
      />
      <span className="hint">
        {isListField(path)
          ? 'one list per value: semicolons between values, spaces within'
          : 'comma separated'}
      </span>
    </div>
  );
}

function RangeFields({
  axis,
  index,
  onChange,
}: {
  axis: AxisDraft;
  index: number;
  onChange: (axis: AxisDraft) => void;
}) {
  const range = axisRange(axis);
  const set = (field: string, value: unknown) => {
    const next = { ...range };
    if (value === undefined) delete next[field];
    else next[field] = value;
    onChange({ ...axis, range: next });
  };
  return (
    <div className="axis-row range-fields">
      <NumberField label="min" value={range.min} index={index} onChange={(v) => set('min', v)} />
      <NumberField label="max" value={range.max} index={index} onChange={(v) => set('max', v)} />
      <NumberField label="count" value={range.count} index={index} onChange={(v) => set('count', v)} />
      <label className="field-inline">
        scale
        <select
          value={range.scale === 'log' ? 'log' : 'linear'}
          onChange={(e) => set('scale', e.target.value)}
          data-testid="axis-range-scale"
        >
          <option value="linear">linear</option>
          <option value="log">log</option>
        </select>
      </label>
      <label className="inline-check">
        <input
          type="checkbox"
          checked={range.integer === true}
          onChange={(e) => set('integer', e.target.checked ? true : undefined)}
        />
        integers
      </label>
    </div>
  );
}

function NumberField({
  label,
  value,
  index,
  onChange,
}: {
  label: string;
  value: unknown;
  index: number;
  onChange: (value: unknown) => void;
}) {
  const [text, setText] = useSyncedText<unknown>(value, formatValueText, parseNumberText, onChange);
  return (
    <label className="field-inline">
      {label}
      <input
        type="text"
        className="input-number range-number"
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-label={`Axis ${index + 1} range ${label}`}
        data-testid={`axis-range-${label}`}
      />
    </label>
  );
}
