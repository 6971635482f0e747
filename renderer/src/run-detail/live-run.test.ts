import { describe, expect, it } from 'vitest';
import { epoch, runDetail } from '../testing/fixtures';
import { applyRunEvent, EMPTY_LIVE_RUN, withFetched } from './live-run';

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
