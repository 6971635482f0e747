import type { EpochMetrics, MetricName } from '../types';

/** One monitored epoch as a rule reads it. */
export interface MonitoredPoint {
  epoch: number;
  /** What the rule decides on: the monitored value after the rule's (trailing) smoothing. */
  value: number;
  /** The value as logged. */
  raw: number;
  row: EpochMetrics;
}

/** What a rule found in a history: where it stops (if anywhere), its best epoch, and why. */
export interface RuleScan {
  /** The epoch after which the rule stops training; null when it never fires on these epochs. */
  stopEpoch: number | null;
  /** The rule's best epoch up to its stop (or the end): what "restore best" restores. */
  bestEpoch: number | null;
  /** One sentence, without the restore part (the caller adds it). */
  reason: string;
}

export interface ScanContext {
  monitor: MetricName;
  /** Every logged epoch in order (Prechelt's PQ reads the training error of each strip from it). */
  rows: readonly EpochMetrics[];
  /** The last epoch of the history, for "never fired in N epochs". */
  lastEpoch: number;
}
