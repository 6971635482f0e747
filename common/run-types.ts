import type { CheckpointInfo, RunParent } from './checkpoints/types';
import type { RunConfig } from './config/run-config';
import type { BackendName, BackendReport, MetricSummary, RunStatus } from './types';

/** Runs as the store returns them; shared by the CLI, the API and the renderer. */

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
  /** The grid this run is a cell of, and the cell's index there; null for a run started on its own. */
  gridId: string | null;
  gridCell: number | null;
  /** Where a live early-stopping rule ended the run; null when none fired. */
  earlyStop: EarlyStopRecord | null;
  /** A fork's parent run and the epoch it continued from; null for a run trained from its seed. */
  parent: RunParent | null;
  /** Every time the run was resumed from its last checkpoint, oldest first. */
  resumes: RunResume[];
}

/** One resume of a run: when, from which epoch, to how many epochs in all. */
export interface RunResume {
  at: string;
  fromEpoch: number;
  epochs: number;
}

/** What a live early-stopping rule recorded when it ended a run (status `completed`). */
export interface EarlyStopRecord {
  /** The rule as written in the config, e.g. "patience:5 on valLoss (min)". */
  rule: string;
  /** The last epoch trained. */
  stopEpoch: number;
  /** The epoch whose metrics stand for the run (the best one, with restore best); null without restore. */
  restoredEpoch: number | null;
  /** One sentence: why it stopped. */
  reason: string;
  /**
   * For a run with evaluation points, where its rule read them: the stop and the best (and, with restore
   * best, the restored) evaluation as step and fractional epoch. stopEpoch is then the epoch the stop fell
   * in, and restoredEpoch null unless the restored evaluation is an epoch's end.
   */
  at?: EarlyStopAt;
}

export interface EarlyStopAt {
  stopStep: number;
  stopEpoch: number;
  bestStep: number | null;
  bestEpoch: number | null;
  restoredStep: number | null;
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
  gridId: string | null;
  gridCell: number | null;
  /** A fork's parent run and epoch; null for a run trained from its seed. */
  parent: RunParent | null;
}

export interface RunDetail extends RunRecord {
  backendReport: BackendReport | null;
  /** Kept checkpoints, oldest first, and the bytes they take. */
  checkpoints: CheckpointInfo[];
  checkpointBytes: number;
  /** Runs forked from this one: id, name and the epoch each left it at. */
  children: { id: string; name: string; epoch: number; status: RunStatus }[];
  /** In METRIC_NAMES order; metrics never logged are absent. */
  summaries: MetricSummary[];
  /** Epochs logged so far. */
  epochs: number;
}

export type FinalRunStatus = 'completed' | 'failed' | 'cancelled' | 'diverged' | 'interrupted' | 'paused';
