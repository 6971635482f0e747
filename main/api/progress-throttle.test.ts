import { describe, expect, it } from 'vitest';
import { ProgressThrottle } from './progress-throttle';

describe('ProgressThrottle', () => {
  it('passes at most one event per interval per run, and always the last batch of an epoch', () => {
    let now = 0;
    const throttle = new ProgressThrottle(250, () => now);
    const sent: string[] = [];
    // 100 batches per epoch, one every 10 ms, two runs interleaved.
    for (let batch = 1; batch <= 100; batch++) {
      now = batch * 10;
      for (const run of ['a', 'b']) if (throttle.shouldSend(run, batch, 100)) sent.push(`${run}:${batch}`);
    }
    const ofA = sent.filter((s) => s.startsWith('a:')).map((s) => Number(s.slice(2)));
    expect(ofA).toEqual([1, 26, 51, 76, 100]);
    expect(sent.filter((s) => s.startsWith('b:'))).toHaveLength(5);
  });

  it('starts afresh for a run it was told to forget', () => {
    let now = 0;
    const throttle = new ProgressThrottle(250, () => now);
    expect(throttle.shouldSend('a', 1, 10)).toBe(true);
    now = 10;
    expect(throttle.shouldSend('a', 2, 10)).toBe(false);
    throttle.forget('a');
    expect(throttle.shouldSend('a', 3, 10)).toBe(true);
  });
});
