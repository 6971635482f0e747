import { describe, expect, it } from 'vitest';
import { levelTicks } from './ticks';

const levels = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);

describe('heatmap level ticks', () => {
  it.each([
    [1, 20, [0]],
    [3, 20, [0, 1, 2]],
    [20, 20, Array.from({ length: 20 }, (_, i) => i)],
    [21, 20, Array.from({ length: 11 }, (_, i) => 2 * i)],
    [50, 20, Array.from({ length: 17 }, (_, i) => 3 * i)],
    [50, 12, Array.from({ length: 10 }, (_, i) => 5 * i)],
  ])('%i levels, at most %i labels: ticks at %j', (n, max, expected) => {
    const ticks = levelTicks(levels(n), max);
    expect(ticks.tickvals).toEqual(expected);
    expect(ticks.tickvals.length).toBeLessThanOrEqual(max);
    // Each tick keeps its own level's label.
    expect(ticks.ticktext).toEqual(expected.map((i) => `v${i}`));
  });
});
