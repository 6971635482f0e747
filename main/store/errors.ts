import { UserInputError } from '../../common/errors';
import type { RunStatus } from '../../common/types';

export class RunNotFoundError extends Error {
  constructor(readonly runId: string) {
    super(`no run with id ${runId}`);
    this.name = 'RunNotFoundError';
  }
}

export class AmbiguousRunPrefixError extends UserInputError {
  constructor(
    readonly prefix: string,
    readonly matches: string[],
  ) {
    super(
      `"${prefix}" matches several runs (${matches.join(', ')}${matches.length >= 5 ? ', …' : ''}): ` +
        `give more characters of the id`,
    );
    this.name = 'AmbiguousRunPrefixError';
  }
}

/** An operation that the run's current status does not allow (e.g. logging an epoch to a finished run). */
export class RunStateError extends Error {
  constructor(
    readonly runId: string,
    readonly status: RunStatus,
    what: string,
  ) {
    super(`cannot ${what}: run ${runId} is ${status}`);
    this.name = 'RunStateError';
  }
}

export class DatasetExistsError extends UserInputError {
  constructor(readonly datasetId: string) {
    super(
      `a dataset with id "${datasetId}" is already imported in this database: ` +
        `import it under another name, or delete the existing one first`,
    );
    this.name = 'DatasetExistsError';
  }
}

export class GridNotFoundError extends Error {
  constructor(readonly gridId: string) {
    super(`no grid with id ${gridId}`);
    this.name = 'GridNotFoundError';
  }
}
