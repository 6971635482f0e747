import { describe, expect, it } from 'vitest';
import { createRng, normalSample } from '../random';
import {
  differenceNorm,
  frobeniusNorm,
  HISTOGRAM_BINS,
  histogramEdges,
  histogramOf,
  percentilesOf,
  summariseKernel,
} from './layer-stats';

describe('kernel histogram', () => {
  const edges = histogramEdges(0.25);

  it('spans ±4 × the initial largest |weight| in 30 bins', () => {
    expect(edges).toHaveLength(HISTOGRAM_BINS + 1);
    expect(edges[0]).toBe(-1);
    expect(edges[HISTOGRAM_BINS]).toBe(1);
    expect(histogramEdges(0)[HISTOGRAM_BINS]).toBeGreaterThan(0);
  });

  it('bins as numpy.histogram does: [a, b) but the last bin closed; outside counted apart', () => {
    const h = histogramOf([edges[0], edges[1], edges[1] - 1e-9, edges[30], 1.5, -2, 0], edges);
    expect(h.counts[0]).toBe(2);
    expect(h.counts[1]).toBe(1);
    expect(h.counts[29]).toBe(1);
    expect(h.counts[15]).toBe(1);
    expect([h.below, h.above]).toEqual([1, 1]);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(5);
  });
});

describe('summariseKernel', () => {
  it('gives what the separate functions give, in two passes', () => {
    const rng = createRng(7);
    const values = Float32Array.from({ length: 5000 }, () => normalSample(rng) * 0.4);
    const previous = Float32Array.from(values, (v) => v + normalSample(rng) * 0.01);
    const edges = histogramEdges(0.3);
    const s = summariseKernel(values, previous, edges);
    expect(s.norm).toBe(frobeniusNorm(values));
    expect(s.moved).toBe(differenceNorm(values, previous));
    expect(s.histogram).toEqual(histogramOf(values, edges));
    expect(s.percentiles).toEqual(percentilesOf(values));
    expect(s.histogram.below + s.histogram.above).toBeGreaterThan(0);
  });

  it('reads percentiles to within 1/1024 of the range', () => {
    const values = Float64Array.from({ length: 10_001 }, (_, i) => i / 10_000);
    const p = percentilesOf(values);
    expect(p[0]).toBe(0);
    expect(p[4]).toBeCloseTo(0.5, 3);
    expect(p[8]).toBe(1);
    expect(percentilesOf([3, 3, 3])).toEqual(Array(9).fill(3));
  });
});
