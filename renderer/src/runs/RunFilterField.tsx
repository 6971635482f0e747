import { useId } from 'react';

interface RunFilterFieldProps {
  value: string;
  onChange: (value: string) => void;
  testId: string;
}

/**
 * The text filter over runs that the Runs and Compare views share: words (name, tags, dataset, status, model,
 * hyperparameter values), `setting=value` / `setting>value` comparisons and `grid:name` (see runs-filter).
 */
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
        placeholder="name, tag, dataset, hidden=2000, l2>0.05, grid:name"
        title="Words match name, tags, dataset, status, model and hyperparameters; setting=value, setting>value, setting<value, setting!=value compare one setting (hidden, optimizer, lr, batch, l2, keep, momentum, epochs, seed, valAcc, testAcc); grid:name"
        data-testid={testId}
      />
    </div>
  );
}
