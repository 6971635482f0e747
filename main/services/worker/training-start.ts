import { decodeTrainingState } from '../../../common/checkpoints/training-state';
import type { EpochMetrics } from '../../../common/types';
import type { TrainStart } from '../../engine/types';
import type { RunStore } from '../../store/run-store';

/** Forks of forks: how far back a run's history is followed (a cycle cannot be stored, but be safe). */
const MAX_LINEAGE = 1000;

/**
 * Where a run's training starts, read from the store: a run with logged epochs goes on from the checkpoint of
 * its last one (a resume), a fork that has not trained yet from its parent's checkpoint, any other run from its
 * seed (undefined). The history handed along is every epoch before the start, the fork's ancestors' included,
 * so a stopping rule decides as it would have in one uninterrupted run.
 */
export function planTrainingStart(store: RunStore, runId: string): TrainStart | undefined {
  const run = store.getRun(runId);
  if (!run) throw new Error(`no run with id ${runId}`);
  const own = store.getEpochs(runId);
  const before = ancestorHistory(store, run.parent);
  if (own.length > 0) {
    const last = own[own.length - 1].epoch;
    const kept = store.checkpoints.list(runId).find((c) => c.epoch === last);
    if (!kept) {
      throw new Error(
        `run ${runId} has ${own.length} logged epochs but no checkpoint of epoch ${last} to go on from`,
      );
    }
    const stored = store.checkpoints.read(runId, last, { optimizer: true });
    const points = store.getPoints(runId).filter((p) => p.epoch <= last);
    return { state: decodeTrainingState(stored), history: [...before, ...own], points };
  }
  if (!run.parent) return undefined;
  const stored = store.checkpoints.read(run.parent.runId, run.parent.epoch, { optimizer: true });
  return { state: decodeTrainingState(stored), history: before };
}

/** The epochs of a fork's ancestors up to where each one was left, oldest first. */
function ancestorHistory(store: RunStore, parent: { runId: string; epoch: number } | null): EpochMetrics[] {
  const segments: EpochMetrics[][] = [];
  for (let at = parent, depth = 0; at && depth < MAX_LINEAGE; depth++) {
    const ancestor = store.getRun(at.runId);
    if (!ancestor) break; // deleted: its epochs are gone, the fork's own stand alone
    const upTo = at.epoch;
    segments.unshift(store.getEpochs(ancestor.id).filter((m) => m.epoch <= upTo));
    at = ancestor.parent;
  }
  // A fork's ancestors overlap in epoch numbers (a fork of a fork); keep each epoch from its nearest owner.
  const byEpoch = new Map<number, EpochMetrics>();
  for (const segment of segments) for (const m of segment) byEpoch.set(m.epoch, m);
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}
