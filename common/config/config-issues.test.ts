import { describe, expect, it } from 'vitest';
import { z } from 'zod';
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

  it('says a number too large to store is too large, not "(got null)"', () => {
    // As a form sends it (text, since JSON cannot carry Infinity) and as a JSON file parses (Infinity).
    for (const learningRate of ['1e999', Infinity]) {
      expect(issuesOf({ ...valid, training: { ...valid.training, learningRate } })).toEqual([
        {
          path: 'training.learningRate',
          message: `expected a number > 0 (got ${learningRate === Infinity ? 'Infinity' : '1e999'}, too large to store: numbers go up to about 1.8e308)`,
        },
      ]);
    }
  });

  it('gives a split part that is neither a count nor a fraction one message at its field', () => {
    expect(issuesOf({ ...valid, dataset: { id: 'iris', split: { train: 1.5 } } })).toEqual([
      {
        path: 'dataset.split.train',
        message: 'expected a count of examples (a whole number) or a fraction in [0, 1] (got 1.5)',
      },
    ]);
  });

  it('counts a value that fails several checks as one problem, in the schema’s words', () => {
    expect(issuesOf({ ...valid, training: { ...valid.training, momentum: 2 } })).toEqual([
      { path: 'training.momentum', message: 'expected a momentum in [0, 1) (got 2)' },
    ]);
    expect(
      issuesOf({ ...valid, training: { ...valid.training, momentum: 1, beta1: -1, epsilon: 0 } }),
    ).toEqual([
      { path: 'training.momentum', message: 'expected a momentum in [0, 1) (got 1)' },
      { path: 'training.beta1', message: 'expected β₁ (beta1) in [0, 1) (got -1)' },
      { path: 'training.epsilon', message: 'expected ε (epsilon) > 0 (got 0)' },
    ]);
  });

  it('words zod’s own messages, where a schema gave none, as the others are worded', () => {
    const schema = z.strictObject({
      a: z.number().lt(1),
      b: z.number().min(2),
      c: z.array(z.number()).max(1),
    });
    const input = { a: 3, b: 1, c: [1, 2] };
    const parsed = schema.safeParse(input);
    if (parsed.success) throw new Error('expected a failure');
    expect(configIssuesFromZodError(parsed.error, input)).toEqual([
      { path: 'a', message: 'expected a number < 1 (got 3)' },
      { path: 'b', message: 'expected a number ≥ 2 (got 1)' },
      { path: 'c', message: 'expected at most 1 item (got [1,2])' },
    ]);
  });
});
