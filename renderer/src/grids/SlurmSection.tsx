import { useId, useState } from 'react';
import type { SlurmGridResult } from '../../../common/grid/slurm';
import { useClient } from '../client/client-context';
import { errorMessage } from '../client/errors';
import { navigate } from '../routing/use-route';

/**
 * "Run on a Slurm cluster": the grid, checked like one started here, written as a Slurm array job folder
 * (one task per cell) and submitted where the workbench's machine has `sbatch`; otherwise the folder is for
 * copying to a cluster this machine cannot reach. Shows the folder, the job id and the two commands.
 */
export function SlurmSection({ spec, ready }: { spec: unknown; ready: boolean }) {
  const client = useClient();
  const id = useId();
  const [fields, setFields] = useState({ partition: '', time: '', cpusPerTask: '', gpus: '', outDir: '' });
  const [writing, setWriting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<SlurmGridResult | null>(null);

  const write = async () => {
    setWriting(true);
    setError(null);
    setResult(null);
    // Empty fields are left to Slurm's defaults; anything typed goes to the server, which says what is wrong.
    const options: Record<string, string | number> = {};
    for (const [key, text] of Object.entries(fields)) {
      const value = text.trim();
      if (value === '') continue;
      options[key] = (key === 'cpusPerTask' || key === 'gpus') && /^\d+$/.test(value) ? Number(value) : value;
    }
    try {
      setResult(await client.call('grids.slurm', { spec, options }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setWriting(false);
    }
  };

  const field = (key: keyof typeof fields, label: string, placeholder: string, hint: string) => (
    <div className="form-row">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <div className="form-control">
        <input
          id={`${id}-${key}`}
          type="text"
          value={fields[key]}
          placeholder={placeholder}
          onChange={(e) => setFields({ ...fields, [key]: e.target.value })}
          data-testid={`slurm-${key}`}
        />
        <span className="hint">{hint}</span>
      </div>
    </div>
  );

  return (
    <fieldset className="form-section slurm-section" data-testid="slurm-section">
      <legend>Run on a Slurm cluster</legend>
      <p className="hint">
        Writes a job folder (the cells, an sbatch array script with one task per cell, a README) and submits
        it where sbatch is on this machine&apos;s PATH. Bring the results home with the collect command.
      </p>
      {field('partition', 'Partition', 'the default', '--partition')}
      {field('time', 'Time per task', 'no limit', '--time, e.g. 01:30:00')}
      {field('cpusPerTask', 'CPUs per task', '1', '--cpus-per-task')}
      {field('gpus', 'GPUs per task', 'none', '--gpus; a GPU node trains on tfjs-node-gpu where it loads')}
      {field(
        'outDir',
        'Job folder',
        'slurm-jobs/NAME-ID beside the store',
        'absolute, or relative to the store',
      )}
      <button
        type="button"
        disabled={!ready || writing}
        onClick={() => void write()}
        data-testid="slurm-write"
      >
        {writing ? 'Writing…' : 'Write job folder for Slurm'}
      </button>
      {error && (
        <p className="error-text" role="alert" data-testid="slurm-error">
          {error}
        </p>
      )}
      {result && (
        <div className="slurm-result" role="status" data-testid="slurm-result">
          <p>
            {result.cells} cells of {result.name} in <code data-testid="slurm-dir">{result.dir}</code>
          </p>
          <p data-testid="slurm-job">
            {result.jobId
              ? `Submitted as Slurm job ${result.jobId}.`
              : (result.submitError ??
                "sbatch is not on this machine's PATH: copy the folder to the cluster and submit it there.")}
          </p>
          <dl>
            <dt>Submit</dt>
            <dd>
              <code data-testid="slurm-submit">{result.commands.submit}</code>
            </dd>
            <dt>Collect</dt>
            <dd>
              <code data-testid="slurm-collect">{result.commands.collect}</code>
            </dd>
          </dl>
          <button type="button" onClick={() => navigate({ name: 'grid', gridId: result.gridId })}>
            Open the grid
          </button>
        </div>
      )}
    </fieldset>
  );
}
