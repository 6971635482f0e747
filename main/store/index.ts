/** The run store's public surface: import from here rather than from the files behind it. */
export { RunStore, type RunStoreOptions } from './run-store';
export { defaultDbPath, DB_FILE_NAME, PRODUCT_NAME } from './default-db-path';
export { currentProcessOwner, isProcessAliveOnThisHost } from './liveness';
export { datasetIdFromName } from './datasets';
export { DatabaseTooNewError } from './database';
export { AmbiguousRunPrefixError, DatasetExistsError, RunNotFoundError, RunStateError } from './errors';
export type {
  CreateRunInput,
  FinalRunStatus,
  ProcessLiveness,
  RunDetail,
  RunListItem,
  RunOwner,
  RunRecord,
  StartRunInput,
} from './types';
