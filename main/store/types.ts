import type { RunConfig } from '../../common/config/run-config';
import type { BackendName, BackendReport, MetricSummary, RunStatus } from '../../common/types';

/** A run as stored: what `createRun` returns and what every other view is built from. */
export interface RunRecord {
  /** A UUID; any unique prefix of it finds the run (`getRun`). */
  id: string;
  name: string;
  experiment: string;
  status: RunStatus;
  /** The resolved config exactly as it was stored (see `runConfigSchema`). */
  config: RunConfig;
  seed: number;
  datasetId: string;
  datasetFingerprint: string;
  /** Set by `startRun`. */
  backend: BackendName | null;
  appVersion: string;
  /** Why a run failed, diverged or was interrupted. */
  error: string | null;
  /** ISO-8601 UTC. */
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  epochsPlanned: number | null;
  /** The process that owns the run (created it, then trained it); orphan recovery checks it is alive. */
  ownerPid: number | null;
  ownerHost: string | null;
  tags: string[];
}

/** One row of the runs table view. */
export interface RunListItem {
  id: string;
  name: string;
  experiment: string;
  status: RunStatus;
  /** Epochs logged so far. */
  epochs: number;
  epochsPlanned: number | null;
  createdAt: string;
  finishedAt: string | null;
  datasetId: string;
  backend: BackendName | null;
  bestValAcc: number | null;
  bestValAccEpoch: number | null;
  tags: string[];
}

export interface RunDetail extends RunRecord {
  backendReport: BackendReport | null;
  /** In METRIC_NAMES order; metrics never logged are absent. */
  summaries: MetricSummary[];
  /** Epochs logged so far. */
  epochs: number;
}

export type FinalRunStatus = 'completed' | 'failed' | 'cancelled' | 'diverged' | 'interrupted';

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
