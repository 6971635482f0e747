import {
  formatListText,
  formatTagsText,
  formatValueText,
  parseListText,
  parseNumberText,
  parseTagsText,
} from '../text-parse';
import { useSyncedText } from '../use-synced-text';
import { inputAria, type ControlProps } from './types';

export function TextControl(props: ControlProps) {
  const [text, setText] = useSyncedText(
    props.value,
    formatValueText,
    (t) => (t === '' ? undefined : t),
    props.onChange,
  );
  return (
    <input
      id={props.id}
      type="text"
      value={text}
      placeholder={formatValueText(props.resolved)}
      onChange={(e) => setText(e.target.value)}
      {...inputAria(props)}
    />
  );
}

export function NumberControl(props: ControlProps & { integer?: boolean }) {
  const [text, setText] = useSyncedText(props.value, formatValueText, parseNumberText, props.onChange);
  return (
    <input
      id={props.id}
      type="text"
      inputMode={props.integer ? 'numeric' : 'decimal'}
      className="input-number"
      value={text}
      placeholder={formatValueText(props.resolved)}
      onChange={(e) => setText(e.target.value)}
      {...inputAria(props)}
    />
  );
}

export function ListControl(props: ControlProps & { empty: 'empty-list' | 'absent' }) {
  const [text, setText] = useSyncedText(
    props.value,
    formatListText,
    (t) => parseListText(t, props.empty),
    props.onChange,
  );
  return (
    <input
      id={props.id}
      type="text"
      value={text}
      placeholder={formatListText(props.resolved)}
      onChange={(e) => setText(e.target.value)}
      {...inputAria(props)}
    />
  );
}

export function TagsControl(props: ControlProps) {
  const [text, setText] = useSyncedText(
    props.value,
    formatTagsText,
    (t) => (t.trim() === '' ? undefined : parseTagsText(t)),
    props.onChange,
  );
  return (
    <input
      id={props.id}
      type="text"
      value={text}
      placeholder="none"
      onChange={(e) => setText(e.target.value)}
      {...inputAria(props)}
    />
  );
}

export function SelectControl(props: ControlProps) {
  const current = formatValueText(props.value ?? props.resolved);
  const options = props.options ?? [];
  // A value the list does not know (a dataset not imported here yet) is still shown, and flagged by the check.
  const known = options.some((o) => o.value === current);
  return (
    <select
      id={props.id}
      value={current}
      onChange={(e) => props.onChange(e.target.value)}
      {...inputAria(props)}
    >
      {current === '' && <option value="">choose…</option>}
      {!known && current !== '' && <option value={current}>{current}</option>}
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

export function CheckboxControl(props: ControlProps) {
  const checked = Boolean(props.value ?? props.resolved ?? false);
  return (
    <input
      id={props.id}
      type="checkbox"
      checked={checked}
      onChange={(e) => props.onChange(e.target.checked)}
      {...inputAria(props)}
    />
  );
}
