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
  /** Defaults to this process; `startRun` replaces pid and host with the thread that trains. */
  owner?: RunOwner;
  /** The grid cell this run is an attempt of. */
  grid?: { gridId: string; cell: number };
  /** A fork: the run and epoch whose checkpoint it starts from. */
  parent?: { runId: string; epoch: number };
}

export interface RunOwner {
  pid: number;
  host: string;
  /** Unique per process start: what heartbeats and cross-process cancels address. */
  token?: string;
}

export interface StartRunInput extends RunOwner {
  backend: BackendReport;
}

/** Is the process `pid` on `host` still running? Hosts other than this one cannot be checked: say true. */
export type ProcessLiveness = (pid: number, host: string) => boolean;
