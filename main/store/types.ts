import type { RunConfig } from '../../common/config/run-config';
import type { BackendReport } from '../../common/types';
import type { FinalRunStatus, RunDetail, RunListItem, RunRecord } from '../../common/run-types';

export type { FinalRunStatus, RunDetail, RunListItem, RunRecord };

export interface CreateRunInput {
  config: RunConfig;
  datasetFingerprint: string;
  appVersion: string;
  /** Defaults to `config.training.epochs`. */
  epochsPlanned?: number;
  /** Defaults to this process; `startRun` replaces it with the process that trains. */
  owner?: RunOwner;
}

export interface RunOwner {
  pid: number;
  host: string;
}

export interface StartRunInput extends RunOwner {
  backend: BackendReport;
}

/** Is the process `pid` on `host` still running? Hosts other than this one cannot be checked: say true. */
export type ProcessLiveness = (pid: number, host: string) => boolean;
