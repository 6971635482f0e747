import { useId } from 'react';
import { filterProblems } from './runs-filter';

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
  const problems = filterProblems(value);
  return (
    <div className="field-inline run-filter-field">
      <label htmlFor={id}>Filter</label>
      <input
        id={id}
        type="search"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={problems.length > 0 || undefined}
        aria-describedby={problems.length > 0 ? `${id}-problems` : undefined}
        placeholder="name, tag, dataset, hidden=2000, l2>0.05, grid:name"
        title="Words match name, tags, dataset, status, model and hyperparameters; setting=value, setting>value, setting<value, setting!=value compare one setting (hidden, optimizer, lr, batch, l2, keep, momentum, epochs, seed, valAcc, testAcc); grid:name"
        data-testid={testId}
      />
      {problems.length > 0 && (
        <span id={`${id}-problems`} className="error-text" role="status" data-testid={`${testId}-problems`}>
          {problems.join(' ')}
        </span>
      )}
    </div>
  );
}
