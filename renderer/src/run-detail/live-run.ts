import type { ApiEvent, ApiResults } from '../../../common/api/contract';
import type { RunSchedule } from '../../../common/metrics/eval-points';
import { FINAL_STATUSES, type EpochMetrics, type EvalPoint, type RunStatus } from '../../../common/types';

export type RunDetailData = ApiResults['runs.get'];

export interface BatchProgress {
  /** The epoch being trained (1-based). */
  epoch: number;
  batch: number;
  batches: number;
}

/** What the detail page shows; events are folded in as they come. */
export interface LiveRunState {
  detail: RunDetailData | null;
  /** Sorted by epoch, one entry per epoch number. */
  epochs: EpochMetrics[];
  /** Evaluation points inside epochs (`training.evaluateEvery`), sorted by step. */
  points: EvalPoint[];
  /** Steps and examples per epoch; null until fetched, or for a run recorded before schedules were. */
  schedule: RunSchedule | null;
  progress: BatchProgress | null;
}

export const EMPTY_LIVE_RUN: LiveRunState = {
  detail: null,
  epochs: [],
  points: [],
  schedule: null,
  progress: null,
};

/** Adds or replaces points by step, as mergeEpochs does epochs. */
export function mergePoints(current: readonly EvalPoint[], incoming: readonly EvalPoint[]): EvalPoint[] {
  const byStep = new Map(current.map((p) => [p.step, p]));
  for (const p of incoming) byStep.set(p.step, p);
  return [...byStep.values()].sort((a, b) => a.step - b.step);
}

/**
 * Adds or replaces epochs by number. Fetched epochs and live events overlap (an event may arrive before or
 * after the fetch read the store), so merging must not care about order or duplicates.
 */
export function mergeEpochs(
  current: readonly EpochMetrics[],
  incoming: readonly EpochMetrics[],
): EpochMetrics[] {
  const byEpoch = new Map(current.map((e) => [e.epoch, e]));
  for (const e of incoming) byEpoch.set(e.epoch, e);
  return [...byEpoch.values()].sort((a, b) => a.epoch - b.epoch);
}

/** How far along a run is: a status never goes back (queued → running → a final one). */
function stage(status: RunStatus): number {
  return status === 'queued' ? 0 : status === 'running' ? 1 : 2;
}

export function withFetched(
  state: LiveRunState,
  detail: RunDetailData,
  epochs: EpochMetrics[],
  fetched: { points: EvalPoint[]; schedule: RunSchedule | null } = { points: [], schedule: null },
): LiveRunState {
  // A status seen live (or fetched later) that is further along wins over a fetch that read the store
  // before it changed: a run that trains must not read "queued", with no start time, because an early
  // answer arrived late.
  const current = state.detail;
  const ahead = current !== null && current.id === detail.id && stage(current.status) > stage(detail.status);
  const merged = mergeEpochs(state.epochs, epochs);
  return {
    detail: ahead
      ? {
          ...detail,
          status: current.status,
          error: current.error,
          startedAt: detail.startedAt ?? current.startedAt,
          backend: detail.backend ?? current.backend,
          finishedAt: detail.finishedAt ?? current.finishedAt,
        }
      : detail,
    epochs: merged,
    // A resumed run's points after its checkpoint are evaluated again: the store's answer replaces them.
    points: mergePoints(
      state.points.filter((p) => fetched.points.length === 0 || p.step > (fetched.points.at(-1)?.step ?? 0)),
      fetched.points,
    ),
    schedule: fetched.schedule ?? state.schedule,
    progress: FINAL_STATUSES.includes(detail.status) ? null : state.progress,
  };
}

/** Folds one live event into the state; events of other runs leave it unchanged. */
export function applyRunEvent(state: LiveRunState, runId: string, event: ApiEvent): LiveRunState {
  if (event.type === 'runs.changed' || event.type === 'grid.changed' || event.runId !== runId) return state;
  switch (event.type) {
    case 'run.epoch': {
      const epochs = mergeEpochs(state.epochs, [event.metrics]);
      const detail = state.detail && {
        ...state.detail,
        // An epoch is proof that it trains, whichever status event was missed.
        ...(state.detail.status === 'queued'
          ? { status: 'running' as const, startedAt: state.detail.startedAt ?? new Date().toISOString() }
          : {}),
        epochs: Math.max(state.detail.epochs, epochs.length),
      };
      const progress = state.progress && { ...state.progress, epoch: event.metrics.epoch + 1, batch: 0 };
      return { ...state, detail, epochs, progress };
    }
    case 'run.point':
      return { ...state, points: mergePoints(state.points, [event.point]) };
    case 'run.progress':
      return { ...state, progress: { epoch: event.epoch, batch: event.batch, batches: event.batches } };
    case 'run.started':
      return {
        ...state,
        detail: state.detail && {
          ...state.detail,
          status: 'running',
          backend: event.backend,
          // Now, until the refetch this event triggers brings the stored start time: never "Started —".
          startedAt: state.detail.startedAt ?? new Date().toISOString(),
        },
      };
    case 'run.status': {
      const final = FINAL_STATUSES.includes(event.status);
      return {
        ...state,
        detail: state.detail && {
          ...state.detail,
          status: event.status,
          error: event.error ?? state.detail.error,
        },
        progress: final ? null : state.progress,
      };
    }
  }
}

/** How many of the latest epochs an estimate reads: recent enough to follow a change of pace. */
const RECENT_EPOCHS = 10;

/**
 * The time an epoch still to come will take: the median of the latest epochs' times, leaving out the run's
 * first epoch once there are others (it carries the backend's start and the kernels' compilation, often
 * many times an ordinary epoch, and the epochs still to come pay none of it).
 */
export function typicalEpochSeconds(epochs: readonly EpochMetrics[]): number | null {
  if (epochs.length === 0) return null;
  const first = Math.min(...epochs.map((e) => e.epoch));
  const steady = epochs.length > 1 ? epochs.filter((e) => e.epoch !== first) : epochs;
  const recent = steady
    .slice(-RECENT_EPOCHS)
    .map((e) => e.seconds)
    .sort((a, b) => a - b);
  const mid = Math.floor(recent.length / 2);
  return recent.length % 2 === 1 ? recent[mid] : (recent[mid - 1] + recent[mid]) / 2;
}

/**
 * Seconds left: a typical epoch's time (typicalEpochSeconds) times the epochs still to train, less the part
 * of the current epoch already done. Null until one epoch has finished (no basis for a guess).
 */
export function etaSeconds(
  epochs: readonly EpochMetrics[],
  planned: number | null,
  progress: BatchProgress | null,
): number | null {
  const perEpoch = typicalEpochSeconds(epochs);
  if (!planned || perEpoch === null) return null;
  const doneInCurrent = progress && progress.batches > 0 ? progress.batch / progress.batches : 0;
  // Counted from the last epoch's number: a fork's epochs are numbered on from its parent's.
  const last = epochs.at(-1)?.epoch ?? 0;
  const remaining = Math.max(0, planned - last - doneInCurrent);
  return perEpoch * remaining;
}
