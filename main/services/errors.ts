import type { ConfigIssue } from '../../common/api/contract';
import { formatConfigIssues } from '../../common/config/config-issues';

/**
 * Errors a handler throws to say what went wrong in the caller's terms; dispatchApiCall turns each into
 * its contract error code. Each is thrown before anything is written.
 */

/** The config (or another input) has problems; `issues` says which field and what was expected. → invalid-input */
export class ApiInputError extends Error {
  constructor(
    readonly issues: ConfigIssue[],
    message = formatConfigIssues(issues),
  ) {
    super(message);
    this.name = 'ApiInputError';
  }
}

/** The run (or other thing) named does not exist. → not-found */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** The request is valid, but the current state refuses it (e.g. deleting a running run). → conflict */
export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}
