import { describe, expect, it } from 'vitest';
import { runConfigSchema } from './run-config';
import {
  configIssueFromMessage,
  configIssuesFromZodError,
  formatConfigIssues,
  parseRunConfigIssues,
} from './config-issues';
import { formatZodError } from './parse-config';

const valid = {
  name: 'small',
  seed: 1,
  dataset: { id: 'mnist', split: { train: 1000, validation: 300, test: 300 } },
  model: { kind: 'mlp', hiddenUnits: [32] },
  training: { optimizer: 'sgd', learningRate: 0.05, batchSize: 100, epochs: 3 },
};

function issuesOf(input: unknown) {
  const result = parseRunConfigIssues(input);
  if (result.ok) throw new Error('expected issues');
  return result.issues;
}

describe('config issues', () => {
  it('resolves a valid config with every default filled in', () => {
    const result = parseRunConfigIssues(valid);
    expect(result.ok && result.config.regularization.l2Convention).toBe('half');
  });

  it('gives one issue per field, with its dotted path and the value it got', () => {
    const issues = issuesOf({
      ...valid,
      name: undefined,
      model: { kind: 'mlp', hiddenUnits: [32, 0] },
      training: { ...valid.training, batchSize: 0 },
    });
    expect(issues).toEqual([
      { path: 'name', message: 'required field is missing' },
      { path: 'model.hiddenUnits.1', message: 'expected a number of hidden units (an integer ≥ 1) (got 0)' },
      { path: 'training.batchSize', message: 'expected an integer ≥ 1 or "full" (got 0)' },
    ]);
  });

  it('names unknown fields at the object that holds them', () => {
    expect(issuesOf({ ...valid, training: { ...valid.training, learnigRate: 1 } })).toEqual([
      { path: 'training', message: 'unknown field(s) "learnigRate"' },
    ]);
  });

  it('describes values JSON cannot write (a BigInt, a cycle: IPC carries both) without failing', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(issuesOf({ ...valid, seed: 10n })).toEqual([
      { path: 'seed', message: expect.stringMatching(/\(got 10n\)$/) },
    ]);
    const [issue] = issuesOf({ ...valid, model: cyclic });
    expect(issue.path).toMatch(/^model/);
    expect(issue.message).not.toContain('(got');
  });

  it('says what a config must be when it is not an object at all', () => {
    for (const input of [null, [], 'e2', 3]) {
      expect(issuesOf(input)).toEqual([
        { path: '', message: 'expected a JSON object with name, seed, dataset, model and training' },
      ]);
    }
  });

  it('joins the first three issues into the one line the CLI prints, as formatZodError does', () => {
    const input = { seed: -1, training: { ...valid.training, batchSize: 0 } };
    const parsed = runConfigSchema.safeParse(input);
    if (parsed.success) throw new Error('expected a failure');
    const line = formatConfigIssues(configIssuesFromZodError(parsed.error, input));
    expect(line).toBe(formatZodError(parsed.error, input));
    expect(line).toBe(
      'name: required field is missing; seed: expected an integer seed ≥ 0 (got -1); dataset: required field is missing',
    );
    expect(formatConfigIssues([{ path: '', message: 'expected an object' }])).toBe(
      '(config): expected an object',
    );
  });

  it('splits a "field: message" error into path and message', () => {
    expect(configIssueFromMessage('dataset.split: 70000 examples asked for, 150 available')).toEqual({
      path: 'dataset.split',
      message: '70000 examples asked for, 150 available',
    });
    expect(configIssueFromMessage('model.outputSize: 5 does not match the 3 classes of "iris"')).toEqual({
      path: 'model.outputSize',
      message: '5 does not match the 3 classes of "iris"',
    });
    expect(configIssueFromMessage('something broke: badly')).toEqual({
      path: '',
      message: 'something broke: badly',
    });
  });
});
