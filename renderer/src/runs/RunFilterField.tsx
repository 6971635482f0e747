import { useId } from 'react';

interface RunFilterFieldProps {
  value: string;
  onChange: (value: string) => void;
  testId: string;
}

/** The text filter over runs (name, tags, dataset, status) that the Runs and Compare views share. */
export function RunFilterField({ value, onChange, testId }: RunFilterFieldProps) {
  const id = useId();
  return (
    <div className="field-inline">
      <label htmlFor={id}>Filter</label>
      <input
        id={id}
        type="search"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        placeholder="name, tag, dataset, status, grid:name"
        data-testid={testId}
      />
    </div>
  );
}
