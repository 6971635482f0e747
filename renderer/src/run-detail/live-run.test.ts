import { describe, expect, it } from 'vitest';
import { epoch, runDetail } from '../testing/fixtures';
import { applyRunEvent, EMPTY_LIVE_RUN, etaSeconds, typicalEpochSeconds, withFetched } from './live-run';

describe('live run state', () => {
  it('never moves a run back to queued when an early answer arrives after a later one', () => {
    const running = runDetail({ status: 'running', startedAt: '2025-01-01T10:00:05.000Z' });
    const queued = runDetail({ status: 'queued', startedAt: null, backend: null });
    const state = withFetched(EMPTY_LIVE_RUN, running, [epoch(1)]);
    const after = withFetched(state, queued, []);
    expect(after.detail?.status).toBe('running');
    expect(after.detail?.startedAt).toBe('2025-01-01T10:00:05.000Z');
    expect(after.epochs).toHaveLength(1);
  });

  it('takes an epoch as proof that a run trains, with a start time, even if its start event was missed', () => {
    const state = withFetched(EMPTY_LIVE_RUN, runDetail({ status: 'queued', startedAt: null }), []);
    const next = applyRunEvent(state, 'run-live', {
      type: 'run.epoch',
      runId: 'run-live',
      metrics: epoch(1),
    });
    expect(next.detail?.status).toBe('running');
    expect(next.detail?.startedAt).toMatch(/^\d{4}-/);
  });
});

describe('time left', () => {
  it('comes from the epochs already timed, not from the first epoch’s warm-up', () => {
    // Epoch 1 carried the backend's start (5 s); every later epoch takes 4.5 ms.
    const epochs = Array.from({ length: 14 }, (_, i) => epoch(i + 1, { seconds: i === 0 ? 5 : 0.0045 }));
    const left = etaSeconds(epochs, 350, null);
    expect(left).not.toBeNull();
    expect(left!).toBeCloseTo(336 * 0.0045, 6);
  });

  it('follows a change of pace: the latest epochs count, an outlier does not', () => {
    const seconds = [3, 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 9, 0.5, 0.5];
    const epochs = seconds.map((s, i) => epoch(i + 1, { seconds: s }));
    expect(typicalEpochSeconds(epochs)).toBe(0.5);
    expect(etaSeconds(epochs, 20, { epoch: 15, batch: 5, batches: 10 })).toBeCloseTo(0.5 * 5.5, 9);
  });

  it('uses the only epoch there is, and has no guess before one', () => {
    expect(etaSeconds([epoch(1, { seconds: 2 })], 3, null)).toBe(4);
    expect(etaSeconds([], 3, null)).toBeNull();
  });
});
