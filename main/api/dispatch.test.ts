import { describe, expect, it } from 'vitest';
import { API_METHOD_NAMES, type ApiHandlers } from '../../common/api/contract';
import { UserInputError } from '../../common/errors';
import { AmbiguousRunPrefixError, RunNotFoundError, RunStateError } from '../store/errors';
import { dispatchApiCall } from './dispatch';
import { ApiInputError, ConflictError, NotFoundError } from '../services/errors';

/** Handlers that record their params; `override` replaces some with real behaviour for a case. */
function handlers(override: Partial<ApiHandlers> = {}): { handlers: ApiHandlers; calls: unknown[] } {
  const calls: unknown[] = [];
  const all = Object.fromEntries(
    API_METHOD_NAMES.map((name) => [
      name,
      (params: unknown) => {
        calls.push(params);
        return { echoed: params };
      },
    ]),
  ) as unknown as ApiHandlers;
  return { handlers: { ...all, ...override }, calls };
}

describe('dispatchApiCall', () => {
  it('runs the handler with validated, trimmed params and answers its result', async () => {
    const { handlers: h, calls } = handlers();
    const response = await dispatchApiCall(h, 'runs.get', { runId: '  abc  ' });
    expect(response).toEqual({ ok: true, result: { echoed: { runId: 'abc' } } });
    expect(calls).toEqual([{ runId: 'abc' }]);
  });

  it('accepts no params at all for a method that takes none', async () => {
    const { handlers: h } = handlers();
    expect(await dispatchApiCall(h, 'app.info', undefined)).toEqual({ ok: true, result: { echoed: {} } });
  });

  it.each([
    ['runs.delete', 'nothing'],
    ['constructor', {}],
    ['__proto__', {}],
    ['toString', {}],
  ])('answers not-found for the unknown method %j, naming it and nothing else', async (method, params) => {
    const { handlers: h, calls } = handlers();
    const name = method === 'runs.delete' ? 'runs.deleteAll' : method;
    const response = await dispatchApiCall(h, name, params);
    expect(response).toEqual({
      ok: false,
      error: { code: 'not-found', message: `unknown method "${name}"` },
    });
    expect(calls).toEqual([]);
  });

  it('does not echo a huge or non-string method name', async () => {
    const { handlers: h } = handlers();
    const long = await dispatchApiCall(h, 'x'.repeat(10_000), {});
    expect(!long.ok && long.error.message.length).toBeLessThan(100);
    const numeric = await dispatchApiCall(h, 42, {});
    expect(!numeric.ok && numeric.error).toEqual({
      code: 'not-found',
      message: 'unknown method (expected a method name, got number)',
    });
  });

  it.each([
    ['runs.get', { runId: 42 }, 'runs.get: runId: expected a run id (a string) (got 42)', 'runId'],
    ['runs.get', {}, 'runs.get: runId: required field is missing', 'runId'],
    [
      'runs.get',
      { runId: '   ' },
      'runs.get: runId: expected a run id (a non-empty string) (got "   ")',
      'runId',
    ],
    ['runs.epochs', { runIds: [] }, 'runs.epochs: runIds: expected at least one run id (got [])', 'runIds'],
    [
      'runs.setTags',
      { runId: 'a', tags: ['ok', ''] },
      'runs.setTags: tags.1: expected a non-empty tag (got "")',
      'tags.1',
    ],
    ['app.info', { verbose: true }, 'app.info: (params): unknown field(s) "verbose"', ''],
  ])('answers invalid-input for %s %j without calling the handler', async (method, params, message, path) => {
    const { handlers: h, calls } = handlers();
    const response = await dispatchApiCall(h, method, params);
    expect(response.ok).toBe(false);
    if (response.ok) return;
    expect(response.error.code).toBe('invalid-input');
    expect(response.error.message.startsWith(message)).toBe(true);
    expect(response.error.issues?.[0].path).toBe(path);
    expect(calls).toEqual([]);
  });

  it.each([
    [
      new ApiInputError([{ path: 'training.batchSize', message: 'expected an integer ≥ 1' }]),
      'invalid-input',
    ],
    [new UserInputError('dataset.id: unknown dataset "nope"'), 'invalid-input'],
    [new AmbiguousRunPrefixError('ab', ['ab1', 'ab2']), 'invalid-input'],
    [new NotFoundError('no run with id x'), 'not-found'],
    [new RunNotFoundError('x'), 'not-found'],
    [new ConflictError('cannot delete a run still running'), 'conflict'],
    [new RunStateError('x', 'completed', 'start it'), 'conflict'],
    [new TypeError('cannot read properties of undefined'), 'internal'],
  ])('maps a thrown %s to %s with its message and no stack', async (error, code) => {
    const { handlers: h } = handlers({
      'runs.get': () => {
        throw error;
      },
    });
    const response = await dispatchApiCall(h, 'runs.get', { runId: 'x' });
    expect(response.ok).toBe(false);
    if (response.ok) return;
    expect(response.error.code).toBe(code);
    expect(response.error.message).toBe(error.message);
    expect(JSON.stringify(response)).not.toContain('    at ');
    if (error instanceof ApiInputError) expect(response.error.issues).toEqual(error.issues);
  });

  it('maps a rejected promise the same way, and a non-Error throw to internal', async () => {
    const { handlers: h } = handlers({
      'runs.cancel': async () => {
        throw new NotFoundError('no run with id x');
      },
      'runs.list': () => {
        throw 'plain string';
      },
    });
    expect(await dispatchApiCall(h, 'runs.cancel', { runId: 'x' })).toEqual({
      ok: false,
      error: { code: 'not-found', message: 'no run with id x' },
    });
    expect(await dispatchApiCall(h, 'runs.list', {})).toEqual({
      ok: false,
      error: { code: 'internal', message: 'plain string' },
    });
  });
});
