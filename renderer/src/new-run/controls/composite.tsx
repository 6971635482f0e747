import { formatValueText, parseNumberText } from '../text-parse';
import { useSyncedText } from '../use-synced-text';
import { inputAria, type ControlProps } from './types';

type Obj = Record<string, unknown>;
const asObject = (value: unknown): Obj =>
  typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Obj) : {};

/** A number input inside a composite control, labelled on its own. */
function SubNumber({
  label,
  value,
  onChange,
  disabled,
  id,
  invalid,
  describedBy,
}: {
  label: string;
  value: unknown;
  onChange: (value: unknown) => void;
  disabled?: boolean;
  id?: string;
  invalid: boolean;
  describedBy?: string;
}) {
  const [text, setText] = useSyncedText(value, formatValueText, parseNumberText, onChange);
  return (
    <input
      id={id}
      type="text"
      inputMode="decimal"
      className="input-number"
      aria-label={id ? undefined : label}
      value={text}
      disabled={disabled}
      onChange={(e) => setText(e.target.value)}
      {...inputAria({ invalid, describedBy })}
    />
  );
}

/** An integer, or "full" (the whole training split per step, what optimizer gd means). */
export function BatchSizeControl(props: ControlProps) {
  const value = props.value ?? props.resolved;
  const full = value === 'full';
  return (
    <span className="composite">
      <SubNumber
        id={props.id}
        label={props.label}
        value={full ? undefined : props.value}
        onChange={props.onChange}
        disabled={full}
        invalid={props.invalid}
        describedBy={props.describedBy}
      />
      <label className="inline-check">
        <input
          type="checkbox"
          checked={full}
          onChange={(e) => props.onChange(e.target.checked ? 'full' : 100)}
        />
        full batch
      </label>
    </span>
  );
}

/** A count or fraction, or "official" (the dataset's own test part, e.g. MNIST's 10 000). */
export function SplitTestControl(props: ControlProps) {
  const official = (props.value ?? props.resolved) === 'official';
  return (
    <span className="composite">
      <SubNumber
        id={props.id}
        label={props.label}
        value={official ? undefined : props.value}
        onChange={props.onChange}
        disabled={official}
        invalid={props.invalid}
        describedBy={props.describedBy}
      />
      <label className="inline-check">
        <input
          type="checkbox"
          checked={official}
          onChange={(e) => props.onChange(e.target.checked ? 'official' : 0)}
        />
        official test set
      </label>
    </span>
  );
}

const INIT_CHOICES = [
  { value: 'xavier', label: 'Xavier (Glorot normal)' },
  { value: 'xavier-uniform', label: 'Xavier uniform' },
  { value: 'he', label: 'He: N(0, 2/n)' },
  { value: 'normal', label: 'Normal N(μ, σ)' },
];

export function InitControl(props: ControlProps) {
  const value = props.value ?? props.resolved;
  const normal = asObject(value).kind === 'normal';
  const choice = normal ? 'normal' : formatValueText(value);
  const set = (key: string, v: unknown) =>
    props.onChange({ ...asObject(props.value), kind: 'normal', [key]: v });
  return (
    <span className="composite">
      <select
        id={props.id}
        value={choice}
        onChange={(e) =>
          props.onChange(e.target.value === 'normal' ? { kind: 'normal', mean: 0, std: 0.1 } : e.target.value)
        }
        {...inputAria(props)}
      >
        {choice === '' && <option value="">choose…</option>}
        {INIT_CHOICES.map((c) => (
          <option key={c.value} value={c.value}>
            {c.label}
          </option>
        ))}
      </select>
      {normal && (
        <>
          <SubNumber
            label="Init mean μ"
            value={asObject(props.value).mean}
            onChange={(v) => set('mean', v)}
            invalid={props.invalid}
          />
          <SubNumber
            label="Init standard deviation σ"
            value={asObject(props.value).std}
            onChange={(v) => set('std', v)}
            invalid={props.invalid}
          />
        </>
      )}
    </span>
  );
}

/**
 * None, {keep: p} (TF1 keep_prob) or {rate: r} (Keras). A stored (resolved) config carries both numbers and
 * the convention used; the control edits it in that convention.
 */
export function DropoutControl(props: ControlProps) {
  const value = asObject(props.value);
  const mode =
    props.value === undefined
      ? 'none'
      : value.convention === 'rate' || ('rate' in value && !('keep' in value))
        ? 'rate'
        : 'keep';
  const number = mode === 'rate' ? value.rate : value.keep;
  return (
    <span className="composite">
      <select
        id={props.id}
        value={mode}
        onChange={(e) => {
          const next = e.target.value;
          props.onChange(next === 'none' ? undefined : next === 'keep' ? { keep: 0.5 } : { rate: 0.5 });
        }}
        {...inputAria(props)}
      >
        <option value="none">none</option>
        <option value="keep">keep probability p</option>
        <option value="rate">drop rate r</option>
      </select>
      {mode !== 'none' && (
        <SubNumber
          label={mode === 'keep' ? 'Dropout keep probability' : 'Dropout rate'}
          value={number}
          onChange={(v) => props.onChange({ [mode]: v })}
          invalid={props.invalid}
        />
      )}
    </span>
  );
}

export function LrScheduleControl(props: ControlProps) {
  const value = asObject(props.value ?? props.resolved);
  const step = value.kind === 'step';
  const set = (key: string, v: unknown) =>
    props.onChange({ ...asObject(props.value), kind: 'step', [key]: v });
  return (
    <span className="composite">
      <select
        id={props.id}
        value={step ? 'step' : 'constant'}
        onChange={(e) =>
          props.onChange(
            e.target.value === 'step' ? { kind: 'step', factor: 0.5, everyEpochs: 1 } : { kind: 'constant' },
          )
        }
        {...inputAria(props)}
      >
        <option value="constant">constant</option>
        <option value="step">step decay</option>
      </select>
      {step && (
        <>
          <SubNumber
            label="Decay factor"
            value={value.factor}
            onChange={(v) => set('factor', v)}
            invalid={props.invalid}
          />
          <span className="muted">every</span>
          <SubNumber
            label="Decay every (epochs)"
            value={value.everyEpochs}
            onChange={(v) => set('everyEpochs', v)}
            invalid={props.invalid}
          />
          <span className="muted">epochs</span>
        </>
      )}
    </span>
  );
}
