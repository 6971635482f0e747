import type { CheckpointKind } from './policy';

/** One kept checkpoint of a run, as the store lists it (never the tensors themselves). */
export interface CheckpointInfo {
  epoch: number;
  /** Why it is kept: best, last, periodic (several at once when they coincide). */
  kinds: CheckpointKind[];
  /** The optimizer state (momenta, Adam moments and step) is kept too: training continues exactly from here. */
  trainingState: boolean;
  /** Bytes of the weights and, where kept, of the optimizer state. */
  bytes: number;
  /** SHA-256 of the weights blob (hex); checked whenever it is read. */
  sha256: string;
  createdAt: string;
}

/** Where a fork started: its parent run and the parent's epoch whose checkpoint it continued from. */
export interface RunParent {
  runId: string;
  epoch: number;
}

/** `best`, `last` or an epoch number, as `--epoch` takes it. */
export type EpochChoice = 'best' | 'last' | number;

export function parseEpochChoice(text: string): EpochChoice | null {
  if (text === 'best' || text === 'last') return text;
  const n = Number(text);
  return Number.isInteger(n) && n >= 1 ? n : null;
}
