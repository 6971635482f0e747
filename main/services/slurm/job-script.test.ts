import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jobName, renderJobScript, shellQuote } from './job-script';

/** What bash itself makes of the script: its syntax, and the three variables the tasks run with. */
function bashReads(script: string): { syntax: number; values: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'workbench-job-script-'));
  const file = join(dir, 'job.sh');
  writeFileSync(file, script);
  const syntax = spawnSync('bash', ['-n', file]).status ?? -1;
  // Everything but the final exec, then the values as bash holds them, NUL-separated.
  const probe = spawnSync(
    'bash',
    ['-c', `source <(sed '/^exec /d' "$1"); printf '%s\\0' "$NODE" "$WORKBENCH" "$JOB_DIR"`, 'probe', file],
    { encoding: 'utf8' },
  );
  return { syntax, values: probe.stdout.split('\0').slice(0, 3) };
}

const base = {
  gridId: '6f1c0a52-0000-4000-8000-000000000000',
  name: 'e5 small',
  cells: [0, 1, 2, 3],
  options: {},
  dir: '/home/ada/jobs/e5',
  node: '/usr/bin/node',
  workbench: '/opt/workbench/bin/workbench.mjs',
};

describe('the sbatch array script', () => {
  it('runs one task per cell with the resources asked for, and only those', () => {
    const plain = renderJobScript(base);
    const directives = plain.split('\n').filter((l) => l.startsWith('#SBATCH'));
    expect(directives).toEqual([
      '#SBATCH --job-name=wb-e5-small',
      '#SBATCH --array=0-3',
      '#SBATCH --ntasks=1',
      '#SBATCH --cpus-per-task=1',
      '#SBATCH --output=/home/ada/jobs/e5/logs/cell-%a-job-%A.out',
    ]);
    const asked = renderJobScript({
      ...base,
      cells: [0, 2, 3],
      options: { partition: 'gpu,long', time: '1-12:00:00', cpusPerTask: 4, gpus: 1 },
    });
    expect(asked).toContain('#SBATCH --array=0,2-3\n');
    expect(asked).toContain('#SBATCH --cpus-per-task=4\n');
    expect(asked).toContain('#SBATCH --partition=gpu,long\n#SBATCH --time=1-12:00:00\n#SBATCH --gpus=1\n');
    expect(plain.trimEnd().split('\n').at(-1)).toBe('exec "$NODE" "$WORKBENCH" grid task "$JOB_DIR"');
  });

  it('reads back exactly the paths it was given, whatever they hold, and no name can break out of a comment', () => {
    const nasty = {
      ...base,
      name: 'lr sweep\n$(touch /tmp/pwned) `id` "quoted" \'single\'',
      dir: "/home/ada/Experiment Workbench/slurm-jobs/it's $HOME",
      node: '/opt/node 20/bin/node',
      workbench: "/srv/wb's copy/bin/workbench.mjs",
    };
    const script = renderJobScript(nasty);
    const read = bashReads(script);
    expect(read.syntax).toBe(0);
    expect(read.values).toEqual([nasty.node, nasty.workbench, nasty.dir]);
    // A path with spaces goes to Slurm in double quotes; the name is reduced to what squeue shows safely.
    expect(script).toContain(`#SBATCH --output="${nasty.dir}/logs/cell-%a-job-%A.out"`);
    expect(jobName(nasty.name)).toBe('wb-lr-sweep-touch-tmp-pwned-id-quoted-singl');
    expect(
      script
        .split('\n')
        .filter((l) => l.includes('pwned'))
        .every((l) => l.startsWith('#')),
    ).toBe(true);
  });

  it('quotes any word so that the shell reads it back unchanged', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.string({ unit: 'binary-ascii', minLength: 1 }).filter((s) => !s.includes('\0')),
          { maxLength: 20 },
        ),
        (words) => {
          const printed = spawnSync('bash', ['-c', `printf '%s\\0' ${words.map(shellQuote).join(' ')}`], {
            encoding: 'utf8',
          });
          expect(printed.stdout.split('\0').slice(0, words.length)).toEqual(words);
        },
      ),
      { numRuns: 40 },
    );
  });
});
