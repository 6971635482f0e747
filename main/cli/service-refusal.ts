import { UserInputError } from '../../common/errors';
import { ApiInputError, ConflictError, NotFoundError } from '../services/errors';

/** A service's refusal (bad input, a conflicting state, an unknown id) is the user's to fix. */
export function isServiceRefusal(error: unknown): error is Error {
  return error instanceof ApiInputError || error instanceof ConflictError || error instanceof NotFoundError;
}

/** Runs `body`; a service's refusal becomes one line on stderr and exit 1, anything else stays a crash. */
export function refusalAsInput<T>(body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (isServiceRefusal(error)) throw new UserInputError(error.message);
    throw error;
  }
}
