import { describe, expect, it } from 'vitest';
import { dropoutMask } from './dropout';

describe('dropoutMask', () => {
  it('keeps a fraction ≈ p of units, scaled by 1/p (inverted dropout)', () => {
    const mask = dropoutMask(200, 500, 0.75, 1, 0);
    const kept = mask.filter((v) => v !== 0);
    expect(new Set(mask)).toEqual(new Set([0, Math.fround(1 / 0.75)]));
    expect(kept.length / mask.length).toBeCloseTo(0.75, 2);
    // E[mask] = 1, so the expected activation is unchanged.
    expect(mask.reduce((a, b) => a + b, 0) / mask.length).toBeCloseTo(1, 2);
  });

  it('keep = 1 keeps everything', () => {
    expect(dropoutMask(3, 4, 1, 1, 0).every((v) => v === 1)).toBe(true);
  });

  it('depends on seed and layer, and not on how a batch is chunked', () => {
    const whole = dropoutMask(10, 8, 0.5, 7, 2);
    const head = dropoutMask(4, 8, 0.5, 7, 2, 0);
    const tail = dropoutMask(6, 8, 0.5, 7, 2, 4);
    expect(Array.from(whole)).toEqual([...head, ...tail]);
    expect(dropoutMask(10, 8, 0.5, 8, 2)).not.toEqual(whole);
    expect(dropoutMask(10, 8, 0.5, 7, 3)).not.toEqual(whole);
  });
});
