import { useId } from 'react';
import type { PresetInfo } from '../../../common/api/contract';

/** Value of the "config of the newest run" choice; preset ids are file names and never start with "@". */
export const LAST_RUN = '@last-run';

interface PresetPickerProps {
  presets: readonly PresetInfo[];
  lastRunName: string | null;
  value: string;
  /** The form no longer holds the chosen config as it was. */
  edited?: boolean;
  onChange: (value: string) => void;
  disabled?: boolean;
}

export function PresetPicker({ presets, lastRunName, value, edited, onChange, disabled }: PresetPickerProps) {
  const id = useId();
  const source =
    value === LAST_RUN
      ? `The stored config of ${lastRunName ?? 'the newest run'}.`
      : presets.find((p) => p.id === value)?.description;
  const description = edited ? `Edited, starting from: ${source ?? value}` : source;
  return (
    <div className="preset-picker">
      <label htmlFor={id}>Start from</label>
      <select
        id={id}
        data-testid="preset-select"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        disabled={disabled}
        aria-describedby={`${id}-description`}
      >
        {/* The last run first: it is what the view opens on, and the usual starting point. */}
        {lastRunName !== null && (
          <optgroup label="Runs">
            <option value={LAST_RUN}>Last run: {lastRunName}</option>
          </optgroup>
        )}
        <optgroup label="Presets (reference experiments)">
          {/* In the server's order: by file name, numbers as numbers (E3 100, 500, 2000). */}
          {presets.map((preset) => (
            <option key={preset.id} value={preset.id}>
              {preset.name}
            </option>
          ))}
        </optgroup>
      </select>
      <p id={`${id}-description`} className="hint">
        {description ?? ''}
      </p>
    </div>
  );
}
