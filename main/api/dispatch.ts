import {
  apiParamSchemas,
  isApiMethodName,
  type ApiErrorBody,
  type ApiHandlers,
  type ApiMethodName,
  type ApiResult,
  type ApiResponse,
} from '../../common/api/contract';
import { configIssuesFromZodError, formatConfigIssues } from '../../common/config/config-issues';
import { UserInputError } from '../../common/errors';
import { RunNotFoundError, RunStateError } from '../store/errors';
import { ApiInputError, ConflictError, NotFoundError } from '../services/errors';

/** Longest method name echoed back: a caller sending megabytes as a name gets a short answer. */
const MAX_ECHOED_NAME = 64;

/**
 * The one entry point of both transports (HTTP and Electron IPC): checks the method and its params against
 * the contract, runs the handler and answers `{ok, result}` or `{ok: false, error}`. Never rejects, so a
 * transport only has to serialise what it gets.
 */
export async function dispatchApiCall(
  handlers: ApiHandlers,
  method: unknown,
  params: unknown,
): Promise<ApiResponse> {
  if (!isApiMethodName(method)) {
    return failure({ code: 'not-found', message: `unknown method ${describeMethod(method)}` });
  }
  // A method without params may be called with none at all.
  const input = params === undefined ? {} : params;
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    const got = input === null ? 'null' : Array.isArray(input) ? 'a list' : typeof input;
    return failure({
      code: 'invalid-input',
      message: `${method}: expected the params as an object, got ${got}`,
    });
  }
  const parsed = apiParamSchemas[method].safeParse(input);
  if (!parsed.success) {
    const issues = configIssuesFromZodError(parsed.error, input);
    const message = `${method}: ${formatConfigIssues(issues, '(params)')}`;
    return failure({ code: 'invalid-input', message, issues });
  }
  try {
    const result = await callHandler(handlers, method, parsed.data);
    return { ok: true, result };
  } catch (error) {
    return failure(toErrorBody(error));
  }
}

function callHandler(
  handlers: ApiHandlers,
  method: ApiMethodName,
  params: unknown,
): Promise<ApiResult<ApiMethodName>> {
  // `params` came out of this method's own schema, so they are exactly what its handler takes.
  const handler = handlers[method] as (
    p: unknown,
  ) => ApiResult<ApiMethodName> | Promise<ApiResult<ApiMethodName>>;
  return Promise.resolve(handler(params));
}

function describeMethod(method: unknown): string {
  if (typeof method !== 'string')
    return `(expected a method name, got ${method === null ? 'null' : typeof method})`;
  const shown = method.length > MAX_ECHOED_NAME ? `${method.slice(0, MAX_ECHOED_NAME)}…` : method;
  return `"${shown}"`;
}

/** What a caller may see of an error: its code and one line; never a stack. */
export function toErrorBody(error: unknown): ApiErrorBody {
  if (error instanceof ApiInputError) {
    return { code: 'invalid-input', message: error.message, issues: error.issues };
  }
  if (error instanceof NotFoundError || error instanceof RunNotFoundError) {
    return { code: 'not-found', message: error.message };
  }
  if (error instanceof ConflictError || error instanceof RunStateError) {
    return { code: 'conflict', message: error.message };
  }
  // UserInputError covers AmbiguousRunPrefixError and the dataset errors: the caller gave something wrong.
  if (error instanceof UserInputError) return { code: 'invalid-input', message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: message || 'internal error' };
}

function failure(error: ApiErrorBody): ApiResponse {
  return { ok: false, error };
}
